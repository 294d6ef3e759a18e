#!/usr/bin/env python3
"""Hugging Face side of the forward-pass benchmark (docs/benchmarks.md).

Makes (once) a random GPT-2-small-shaped checkpoint (12 layers, d 768, 12 heads, vocab 50257) in --dir,
then times transformers' eager forward for each (batch, tokens) at the given thread count and prints one
JSON object per configuration. The Java side (ForwardBenchmark) reads the same checkpoint.
"""
import argparse, json, os, time

import torch
from transformers import GPT2Config, GPT2LMHeadModel


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--configs", default="1x128,8x128,1x512,8x512")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    if not os.path.exists(os.path.join(a.dir, "model.safetensors")):
        cfg = GPT2Config(n_layer=12, n_embd=768, n_head=12, vocab_size=50257, n_positions=1024)
        GPT2LMHeadModel(cfg).save_pretrained(a.dir, safe_serialization=True)
    model = GPT2LMHeadModel.from_pretrained(a.dir, attn_implementation="eager").eval()
    for c in a.configs.split(","):
        b, s = map(int, c.split("x"))
        ids = torch.randint(0, 50257, (b, s), generator=torch.Generator().manual_seed(1))
        for keep in (1, 0):  # logits_to_keep=1: unembed the last position only (0 = every position)
            with torch.inference_mode():
                model(ids, logits_to_keep=keep)  # warm-up
                times, cpu = [], []
                for _ in range(a.repeats):
                    c0 = time.thread_time()  # one thread: the pass's work, whatever the machine's load
                    t0 = time.perf_counter()
                    model(ids, logits_to_keep=keep)
                    times.append(time.perf_counter() - t0)
                    cpu.append(time.thread_time() - c0)
            print(json.dumps({"impl": "hf-eager" + ("-keep1" if keep == 1 else ""), "batch": b, "tokens": s,
                              "threads": a.threads, "median_ms": sorted(times)[len(times) // 2] * 1000,
                              "cpu_ms": sorted(cpu)[len(cpu) // 2] * 1000,
                              "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
