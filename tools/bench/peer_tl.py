"""TransformerLens side of the peer benchmark (issue 18 item 2), beside io.github.icl4j.heads.PeerBenchmark.

Runs TransformerLens' HookedTransformer (3.x) on the same Hugging Face weights and the same prompts (the JSON file the
Java side wrote: token ids, last position, gold label, label token ids), 1 thread, and times, the idiomatic way:
  scoring     one run_with_cache per batch of 8 (hook_z and ln_final.hook_scale only), each head's output at the last
              position through W_O, the final norm's cached scale and the two label columns of W_U (direct logit
              attribution, as cache.stack_head_results + apply_ln_to_stack compute it, restricted to the last position);
  ablation    per layer, the residual entering it once per batch (stop_at_layer), then per head one
              run_with_hooks(resid, start_at_layer=layer) with that head's hook_z zeroed; accuracy over the two labels;
  attribution the attribution-patching demo's method: one forward with forward hooks caching every hook_z and backward
              hooks caching its gradient, metric = gold label logit - other label logit at the last position (icl4j's
              default LOGIT_DIFF); estimate of zero-ablating a head = mean over prompts of the sum over positions of
              (0 - z) . grad.
Prompts are right-padded (causal attention: padding after the last position changes nothing before it).
Usage: python peer_tl.py <hf model dir> <prompts.json> [scorePrompts] [ablationPrompts] [fromLayer] [toLayer]"""
import json
import sys
import time

import torch
from transformer_lens import HookedTransformer, HookedTransformerConfig
from transformer_lens.pretrained import weight_conversions as wc
from transformers import AutoModelForCausalLM

torch.set_num_threads(1)
model_dir, prompts_file = sys.argv[1], sys.argv[2]
prompts = json.load(open(prompts_file))
n_score = int(sys.argv[3]) if len(sys.argv) > 3 else 32
n_abl = int(sys.argv[4]) if len(sys.argv) > 4 else 16
BATCH = 8


def line(step, **kv):
    print(json.dumps({"impl": "transformer_lens", "step": step, **kv}), flush=True)


def build():
    hf = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    c = hf.config
    if c.model_type == "gpt2":
        cfg = HookedTransformerConfig(n_layers=c.n_layer, d_model=c.n_embd, n_heads=c.n_head, d_head=c.n_embd // c.n_head,
                                      d_mlp=4 * c.n_embd, d_vocab=c.vocab_size, n_ctx=c.n_positions, act_fn="gelu_new",
                                      normalization_type="LN", eps=c.layer_norm_epsilon, default_prepend_bos=False)
        state = wc.convert_gpt2_weights(hf, cfg)
    else:
        d_head = getattr(c, "head_dim", None) or c.hidden_size // c.num_attention_heads
        cfg = HookedTransformerConfig(n_layers=c.num_hidden_layers, d_model=c.hidden_size,
                                      n_heads=c.num_attention_heads, n_key_value_heads=c.num_key_value_heads,
                                      d_head=d_head, d_mlp=c.intermediate_size, d_vocab=c.vocab_size,
                                      n_ctx=min(c.max_position_embeddings, 4096), act_fn="silu", normalization_type="RMS",
                                      eps=c.rms_norm_eps, positional_embedding_type="rotary", rotary_dim=d_head,
                                      rotary_base=(c.rope_parameters or {}).get("rope_theta", 10000.0)
                                      if hasattr(c, "rope_parameters") else c.rope_theta,
                                      gated_mlp=True, final_rms=True, default_prepend_bos=False)
        state = wc.convert_llama_weights(hf, cfg)
    m = HookedTransformer(cfg)
    m.load_state_dict(state, strict=False)
    return m.eval()


def batches(ps):
    for i in range(0, len(ps), BATCH):
        chunk = ps[i:i + BATCH]
        n = max(len(p["ids"]) for p in chunk)
        toks = torch.zeros(len(chunk), n, dtype=torch.long)
        for j, p in enumerate(chunk):
            toks[j, :len(p["ids"])] = torch.tensor(p["ids"])
        last = torch.tensor([p["last"] for p in chunk])
        labels = torch.tensor([p["labelIds"] for p in chunk])  # [b, 2]
        gold = torch.tensor([p["gold"] for p in chunk])
        yield toks, last, labels, gold


def scoring(m, ps):
    rows = torch.arange(BATCH)
    out = []
    with torch.inference_mode():
        for toks, last, labels, gold in batches(ps):
            r = rows[:len(last)]
            _, cache = m.run_with_cache(toks, names_filter=lambda n: n.endswith("hook_z") or n == "ln_final.hook_scale")
            scale = cache["ln_final.hook_scale"][r, last]  # [b, 1]
            w_u = m.W_U.T[labels]  # [b, 2, d]: the two label columns of the unembedding
            for l in range(m.cfg.n_layers):
                z = cache[f"blocks.{l}.attn.hook_z"][r, last]  # [b, h, e]
                res = torch.einsum("bhe,hed->bhd", z, m.W_O[l])  # each head's output at the last position
                if m.cfg.normalization_type == "LN":
                    res = res - res.mean(-1, keepdim=True)
                res = res / scale[:, None]  # through the final norm with the cached scale
                out.append(torch.einsum("bhd,bkd->bhk", res, w_u))  # [b, h, 2] logit attribution to each label
    return out


def predictions(logits, last, labels):
    r = torch.arange(len(last))
    lab = logits[r, last][r[:, None], labels]  # [b, 2]
    return lab.argmax(-1)


def ablation(m, ps, lo, hi):
    correct = torch.zeros(hi - lo, m.cfg.n_heads)
    base = 0
    with torch.inference_mode():
        for toks, last, labels, gold in batches(ps):
            base += (predictions(m(toks), last, labels) == gold).sum().item()
            for l in range(lo, hi):
                resid = m(toks, stop_at_layer=l)  # the residual entering block l
                for h in range(m.cfg.n_heads):
                    def zero(z, hook, h=h):
                        z[:, :, h] = 0.0
                        return z
                    logits = m.run_with_hooks(resid, start_at_layer=l, fwd_hooks=[(f"blocks.{l}.attn.hook_z", zero)])
                    correct[l - lo, h] += (predictions(logits, last, labels) == gold).sum().item()
    return base / len(ps), correct / len(ps)


def attribution(m, ps):
    est = torch.zeros(m.cfg.n_layers, m.cfg.n_heads)
    for toks, last, labels, gold in batches(ps):
        r = torch.arange(len(last))
        real = (torch.arange(toks.shape[1])[None, :] <= last[:, None]).float()  # [b, s]: no padding
        acts, grads = {}, {}

        def fwd(z, hook):
            acts[hook.name] = z.detach()

        def bwd(g, hook):
            grads[hook.name] = g.detach()

        is_z = lambda n: n.endswith("hook_z")
        m.reset_hooks()
        m.add_hook(is_z, fwd, "fwd")
        m.add_hook(is_z, bwd, "bwd")
        logits = m(toks)
        gold_ids = labels[r, gold]
        other_ids = labels[r, 1 - gold]
        last_logits = logits[r, last]
        # icl4j's default AtP metric (LOGIT_DIFF): gold label logit minus the other's at the last position, summed
        # over the batch (the estimates are divided by the prompt count below: the mean over prompts)
        metric = (last_logits[r, gold_ids] - last_logits[r, other_ids]).sum()
        metric.backward()
        m.reset_hooks()
        m.zero_grad(set_to_none=True)
        for l in range(m.cfg.n_layers):
            name = f"blocks.{l}.attn.hook_z"
            est[l] += torch.einsum("bshe,bs->h", -acts[name] * grads[name], real)
    return est / len(ps)


model = build()
line("setup", model=model.cfg.model_name, layers=model.cfg.n_layers, heads=model.cfg.n_heads,
     threads=torch.get_num_threads(), torch=torch.__version__, prompts=len(prompts))
lo = int(sys.argv[5]) if len(sys.argv) > 5 else model.cfg.n_layers - 2
hi = int(sys.argv[6]) if len(sys.argv) > 6 else model.cfg.n_layers
scoring(model, prompts[:BATCH])  # warm-up
c0, t0 = time.thread_time(), time.perf_counter()
scoring(model, prompts[:n_score])
line("scoring", prompts=n_score, heads=model.cfg.n_layers * model.cfg.n_heads, seconds=time.perf_counter() - t0, cpuSeconds=time.thread_time() - c0)
c0, t0 = time.thread_time(), time.perf_counter()
base, acc = ablation(model, prompts[:n_abl], lo, hi)
line("ablation", prompts=n_abl, fromLayer=lo, toLayer=hi, heads=(hi - lo) * model.cfg.n_heads,
     seconds=time.perf_counter() - t0, cpuSeconds=time.thread_time() - c0, baselineAccuracy=base)
attribution(model, prompts[:BATCH])  # warm-up
c0, t0 = time.thread_time(), time.perf_counter()
est = attribution(model, prompts[:n_abl])
line("attribution", prompts=n_abl, heads=model.cfg.n_layers * model.cfg.n_heads, seconds=time.perf_counter() - t0, cpuSeconds=time.thread_time() - c0,
     top10=[[int(i) // model.cfg.n_heads, int(i) % model.cfg.n_heads] for i in est.flatten().abs().argsort(descending=True)[:10]])
