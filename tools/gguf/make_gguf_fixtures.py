#!/usr/bin/env python3
"""Generate the small GGUF test fixtures of icl4j (icl-core/src/test/resources/gguf/).

Reference implementations: llama.cpp's `gguf` Python package (gguf-py: GGUFWriter, GGUFReader,
gguf.quants) for the file format and dequantisation, Hugging Face `tokenizers` and `transformers`
for tokenisation and the real model.

Written (all small, deterministic for the pinned versions in requirements.txt):

  dequant/<TYPE>.gguf           one GGUF per ggml type: tensor `raw` (random but valid blocks: every
                                fp16 scale finite) and, where gguf-py has a quantiser, tensor `quantized`
                                (random normal floats quantised by gguf-py)
  dequant/reference.safetensors `<TYPE>.raw` / `<TYPE>.quantized`: float32 from gguf.quants.dequantize,
                                shape in PyTorch order
  metadata.gguf                 every metadata value type, nested arrays, general.alignment = 64
  tokenizer/bpe_<pre>.gguf      a tiny byte-level BPE vocabulary (trained here) under four
                                tokenizer.ggml.pre values: gpt-2, smollm, llama-bpe, qwen2
  tokenizer/spm_llama.gguf      a tiny SentencePiece BPE vocabulary with byte fallback (trained here)
  tokenizer/bpe_reference.json  sentences and the ids of the matching Hugging Face tokenizer (for the
                                SentencePiece one: of sentencepiece itself, with BOS)
  tiny_llama/                   config.json + model.safetensors (the random Llama of the parity
                                fixtures) and model-f32.gguf, converted as convert_hf_to_gguf.py does
                                (q/k rows permuted for llama.cpp's rotary layout)
  families/<name>.gguf          the random parity checkpoints of parity/llama3, qwen3, qwen2_window and phi3
                                converted to GGUF F32 as llama.cpp's converter writes those architectures:
                                llama3 with q/k permuted and the llama3 rope scaling as a rope_freqs tensor,
                                qwen2/qwen3/phi3 unpermuted (llama.cpp's NeoX rotary), qwen3 with
                                attn_q_norm/attn_k_norm, phi3 with fused attn_qkv and ffn_up, its longrope
                                factors as rope_factors_long/short and rope.scaling.attn_factor
  tiny_gemma/                   gemma2.gguf, gemma3.gguf: the random Gemma 2/3 parity checkpoints converted as
                                convert_hf_to_gguf.py does (every norm stored as 1 + w); bad_*.gguf: Gemma
                                files each wrong in one way (gemma3 without a k norm, a window larger than
                                the context, a soft-cap of 0, a NaN soft-cap)
  smollm2/                      only with --smollm2 GGUF: reference token ids, fp32 last-position logits
                                and per-tensor statistics from transformers loading the real
                                SmolLM2-135M-Instruct Q4_1 GGUF
  gemma3/reference.json         only with --gemma3 GGUF: from transformers loading the real gemma-3-270m
                                Q4_K_M GGUF (dequantised to fp32, eager attention), per prompt the ids, the
                                argmax, the log-sum-exp over all 262,144 logits, the 16 largest logits and 48
                                logits at fixed random ids (a few KB in all, not the 1 MB vectors); and the
                                token ids of the first SST-2 test sentences (the sentences stay in
                                ../shared/data: only their sha256 is stored)

Usage (in a virtual environment outside the repository, see tools/gguf/requirements.txt):
  /path/to/venv/bin/python tools/gguf/make_gguf_fixtures.py [--out icl-core/src/test/resources/gguf]
      [--smollm2 ~/.cache/icl4j/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf]
      [--gemma3 ~/.cache/icl4j/gemma3/gemma-3-270m-q4_k_m.gguf --sst2 ../shared/data/datasets/sst2]
"""

import argparse
import json
import os
import shutil
import sys

import numpy as np

import gguf
from gguf import GGMLQuantizationType as Q
from gguf import GGUFValueType as V
from gguf import GGUFReader, GGUFWriter
from safetensors.numpy import save_file

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_OUT = os.path.join(REPO_ROOT, "icl-core", "src", "test", "resources", "gguf")
PARITY_LLAMA = os.path.join(REPO_ROOT, "icl-core", "src", "test", "resources", "parity", "llama")

# ---------------------------------------------------------------------------------------------
# dequantisation fixtures

# (type, raw shape in PyTorch order, byte offsets of fp16 fields inside a block, has a gguf-py quantiser)
DEQUANT_TYPES = [
    (Q.F32, (2, 3, 8), [], False),
    (Q.F16, (2, 3, 8), [], False),
    (Q.BF16, (2, 3, 8), [], True),
    (Q.F64, (5,), [], False),
    (Q.Q4_0, (3, 64), [0], True),
    (Q.Q4_1, (3, 64), [0, 2], True),
    (Q.Q5_0, (3, 64), [0], True),
    (Q.Q5_1, (3, 64), [0, 2], True),
    (Q.Q8_0, (3, 64), [0], True),
    (Q.Q2_K, (2, 512), [80, 82], False),
    (Q.Q3_K, (2, 512), [108], False),
    (Q.Q4_K, (2, 512), [0, 2], False),
    (Q.Q5_K, (2, 512), [0, 2], False),
    (Q.Q6_K, (2, 512), [208], False),
]


def random_raw(rng, qtype, shape, f16_fields):
    """Random stored bytes of a tensor of `shape`: arbitrary bits, but every fp16 scale finite."""
    block_size, type_size = gguf.GGML_QUANT_SIZES[qtype]
    if qtype == Q.F32:
        return rng.standard_normal(shape).astype(np.float32), None
    if qtype == Q.F64:
        return rng.standard_normal(shape).astype(np.float64) * 1e3, None
    if qtype in (Q.F16, Q.BF16):
        # every bit pattern, including zeros, subnormals, infinities and NaNs
        bits = rng.integers(0, 1 << 16, size=shape, dtype=np.uint16)
        bits.flat[:6] = [0x0000, 0x8000, 0x0001, 0x7BFF, 0x7C00, 0xFC00] if qtype == Q.F16 else \
            [0x0000, 0x8000, 0x0001, 0x7F7F, 0x7F80, 0xFF80]
        if qtype == Q.F16:
            return bits.view(np.float16), None
        return bits.view(np.uint8).reshape(*shape[:-1], shape[-1] * 2), qtype
    n_blocks = int(np.prod(shape)) // block_size
    raw = rng.integers(0, 256, size=(n_blocks, type_size), dtype=np.uint8)
    for off in f16_fields:
        scale = (rng.standard_normal(n_blocks) * 0.05).astype(np.float16)
        raw[:, off:off + 2] = scale.view(np.uint8).reshape(n_blocks, 2)
    return raw.reshape(*shape[:-1], shape[-1] // block_size * type_size), qtype


def dequantize(data, qtype):
    if qtype == Q.F64:
        return data.astype(np.float32)
    if qtype == Q.F32:
        return data.astype(np.float32)
    if qtype == Q.F16:
        return data.astype(np.float32)
    return gguf.quants.dequantize(data, qtype)


def write_dequant(out):
    d = os.path.join(out, "dequant")
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(20251122)
    refs = {}
    for qtype, shape, fields, quantiser in DEQUANT_TYPES:
        w = GGUFWriter(os.path.join(d, f"{qtype.name}.gguf"), "test")
        raw, raw_dtype = random_raw(rng, qtype, shape, fields)
        w.add_tensor("raw", raw, raw_dtype=raw_dtype)
        refs[f"{qtype.name}.raw"] = np.ascontiguousarray(dequantize(raw, qtype if raw_dtype is None else raw_dtype))
        assert refs[f"{qtype.name}.raw"].shape == shape, (qtype, refs[f"{qtype.name}.raw"].shape)
        if quantiser:
            x = rng.standard_normal(shape).astype(np.float32)
            qd = gguf.quants.quantize(x, qtype)
            w.add_tensor("quantized", qd, raw_dtype=qtype)
            refs[f"{qtype.name}.quantized"] = np.ascontiguousarray(gguf.quants.dequantize(qd, qtype))
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()
    # Check the files with gguf-py's own reader: the reference must come from what was written.
    for qtype, shape, _, _ in DEQUANT_TYPES:
        r = GGUFReader(os.path.join(d, f"{qtype.name}.gguf"))
        for t in r.tensors:
            back = dequantize(np.array(t.data), qtype)
            key = f"{qtype.name}.{t.name}"
            np.testing.assert_array_equal(back.reshape(refs[key].shape), refs[key])
    save_file(refs, os.path.join(d, "reference.safetensors"))
    os.chmod(os.path.join(d, "reference.safetensors"), 0o644)


# ---------------------------------------------------------------------------------------------
# metadata fixture: expected values are repeated in GgufFileTest

def write_metadata(out):
    path = os.path.join(out, "metadata.gguf")
    w = GGUFWriter(path, "test")
    w.add_custom_alignment(64)
    w.add_uint8("test.u8", 200)
    w.add_int8("test.i8", -100)
    w.add_uint16("test.u16", 60000)
    w.add_int16("test.i16", -30000)
    w.add_uint32("test.u32", 4000000000)
    w.add_int32("test.i32", -2000000000)
    w.add_uint64("test.u64", 12345678901234)
    w.add_uint64("test.u64_huge", (1 << 63) + 5)
    w.add_int64("test.i64", -9000000000000000000)
    w.add_float32("test.f32", 1.5)
    w.add_float64("test.f64", 2.718281828459045)
    w.add_bool("test.true", True)
    w.add_bool("test.false", False)
    w.add_string("test.str", "h\u00e9llo w\u00f6rld \u2713 \u6f22\u5b57")
    w.add_key_value("test.empty", "", V.STRING)  # add_string skips empty strings
    w.add_key_value("test.arr_u8", [1, 2, 255], V.ARRAY, sub_type=V.UINT8)
    w.add_key_value("test.arr_i16", [-1, 2, -30000], V.ARRAY, sub_type=V.INT16)
    w.add_array("test.arr_i32", [3, -4, 5, 2147483647])
    w.add_key_value("test.arr_u32", [1, 4000000000], V.ARRAY, sub_type=V.UINT32)
    w.add_key_value("test.arr_i64", [-5, 1 << 40], V.ARRAY, sub_type=V.INT64)
    w.add_array("test.arr_f32", [0.5, -2.25, 1e-5])
    w.add_key_value("test.arr_f64", [0.1, -1e300], V.ARRAY, sub_type=V.FLOAT64)
    w.add_array("test.arr_bool", [True, False, True])
    w.add_array("test.arr_str", ["a", "", "\u00fc\u00df", "two words"])
    w.add_array("test.arr_nested", [[1, 2], [3], [4, 5, 6]])
    w.add_array("test.arr_nested_str", [["x"], ["y", "z"]])
    w.add_tensor("t.f32", np.arange(6, dtype=np.float32).reshape(2, 3))
    w.add_tensor("t.f16", np.arange(4, dtype=np.float16) - 1.5)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    r = GGUFReader(path)
    assert r.alignment == 64 and r.data_offset % 64 == 0
    assert [t.name for t in r.tensors] == ["t.f32", "t.f16"]


# ---------------------------------------------------------------------------------------------
# tokenizer fixtures

LLAMA3_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
                r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
               r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")

CORPUS = [
    "The quick brown fox jumps over the lazy dog. In 2024 there were 365 days, and in 2023 too.",
    "I'm sure you'll see they've done it; we'd said it's what they'd wanted. Don't!",
    "Numbers: 0 1 2 3 4 5 6 7 8 9 10 100 1000 12345 3.14159 2.71828 42 1999 2000 2001.",
    "Caf\u00e9 d\u00e9j\u00e0 vu \u2014 na\u00efve fa\u00e7ade; \u00fcber Stra\u00dfe, se\u00f1or, co\u00f6perate.",
    "def main():\n    print('hello world')\n    return 0\n\n\nif __name__ == '__main__':\n    main()\n",
    "Hello world! Hello there. HELLO again, hello hello. Say hello to the world of tokens.",
    "Tabs\tand  double  spaces   and trailing spaces   \n new lines\r\n and more.",
    "emoji \U0001F917 \U0001F680 and CJK \u6f22\u5b57 \u65e5\u672c\u8a9e and Greek \u03b1\u03b2\u03b3 and Cyrillic \u043f\u0440\u0438\u0432\u0435\u0442.",
]

SENTENCES = [
    "Hello world! The year 2024 had 365 days.",
    "  leading spaces\n\nnew lines\ttabs   trailing  ",
    "I'm sure you'll see they've done it, DON'T you?",
    "Caf\u00e9 d\u00e9j\u00e0 vu \u2014 na\u00efve fa\u00e7ade",
    "emoji \U0001F917 and CJK \u6f22\u5b57, digits 1234567 and 3.14159",
    "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n",
    "think: <think>maybe</think> ok",
    "def f(x):\n    return x * 2  # double\n",
]

SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
USER_DEFINED = ["<think>", "</think>"]


def bpe_variants():
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=700, special_tokens=SPECIALS + USER_DEFINED,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(CORPUS * 3, trainer)
    state = json.loads(tok.to_str())
    vocab = state["model"]["vocab"]
    merges = [m if isinstance(m, str) else " ".join(m) for m in state["model"]["merges"]]
    tokens = [None] * len(vocab)
    for t, i in vocab.items():
        tokens[i] = t
    assert all(t is not None for t in tokens)

    def reference(pre_tokenizer, ignore_merges=False):
        t = Tokenizer.from_str(tok.to_str())
        t.pre_tokenizer = pre_tokenizer
        if ignore_merges:
            s = json.loads(t.to_str())
            s["model"]["ignore_merges"] = True
            t = Tokenizer.from_str(json.dumps(s))
        return t

    bl = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    bl_noregex = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    variants = {
        # pre value: (HF reference tokenizer, add_bos)
        "gpt-2": (reference(bl), False),
        "smollm": (reference(pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True), bl])), False),
        "llama-bpe": (reference(pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(LLAMA3_SPLIT), behavior="isolated"), bl_noregex]), ignore_merges=True), True),
        "qwen2": (reference(pre_tokenizers.Sequence([
            pre_tokenizers.Split(Regex(QWEN2_SPLIT), behavior="isolated"), bl_noregex])), False),
    }
    return tokens, merges, variants


def write_tokenizers(out):
    d = os.path.join(out, "tokenizer")
    os.makedirs(d, exist_ok=True)
    tokens, merges, variants = bpe_variants()
    types = [3 if t in SPECIALS else 4 if t in USER_DEFINED else 1 for t in tokens]
    bos = tokens.index("<|im_start|>")
    eos = tokens.index("<|im_end|>")
    expected = {"sentences": SENTENCES, "vocab_size": len(tokens), "bos": bos, "eos": eos, "ids": {}}
    for pre, (ref, add_bos) in variants.items():
        w = GGUFWriter(os.path.join(d, f"bpe_{pre}.gguf"), "llama")
        w.add_tokenizer_model("gpt2")
        w.add_tokenizer_pre(pre)
        w.add_token_list(tokens)
        w.add_token_types(types)
        w.add_token_merges(merges)
        w.add_bos_token_id(bos)
        w.add_eos_token_id(eos)
        w.add_unk_token_id(tokens.index("<|endoftext|>"))
        w.add_add_bos_token(add_bos)
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()
        expected["ids"][pre] = [([bos] if add_bos else []) + ref.encode(s, add_special_tokens=False).ids
                                for s in SENTENCES]
    # The variants must really differ, or the test would not tell the regexes apart.
    ids = expected["ids"]
    assert ids["gpt-2"] != ids["smollm"] and ids["gpt-2"] != ids["qwen2"] and ids["smollm"] != ids["qwen2"]
    write_sentencepiece(d, expected["ids"])
    with open(os.path.join(d, "bpe_reference.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1)


def write_sentencepiece(d, expected_out):
    """A tiny SentencePiece BPE (byte fallback) stored as convert_hf_to_gguf.py stores a Llama 2 vocabulary."""
    import io

    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(CORPUS * 3), model_writer=model, vocab_size=500, model_type="bpe",
        byte_fallback=True, character_coverage=1.0, split_digits=True, allow_whitespace_only_pieces=True,
        remove_extra_whitespaces=False, normalization_rule_name="identity", user_defined_symbols=USER_DEFINED,
        num_threads=1, minloglevel=2)
    sp = spm.SentencePieceProcessor(model_proto=model.getvalue())
    tokens, scores, types = [], [], []
    for i in range(sp.get_piece_size()):
        piece = sp.id_to_piece(i)
        tokens.append(piece)
        scores.append(sp.get_score(i))
        types.append(2 if sp.is_unknown(i) else 3 if sp.is_control(i) else 5 if sp.is_unused(i)
                     else 6 if sp.is_byte(i) else 4 if piece in USER_DEFINED else 1)
    w = GGUFWriter(os.path.join(d, "spm_llama.gguf"), "llama")
    w.add_tokenizer_model("llama")
    w.add_tokenizer_pre("default")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(sp.bos_id())
    w.add_eos_token_id(sp.eos_id())
    w.add_unk_token_id(sp.unk_id())
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    w.add_add_space_prefix(True)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    # sentencepiece itself is the reference, applied as llama.cpp applies its SPM tokenizer: BOS, the text cut at
    # user-defined tokens (kept whole), each piece with its own dummy prefix (llama.cpp: is_prev_special)
    import re
    cut = re.compile("(" + "|".join(re.escape(t) for t in USER_DEFINED) + ")")

    def llama_cpp_spm(text):
        ids = [sp.bos_id()]
        for part in cut.split(text):
            if part in USER_DEFINED:
                ids.append(sp.piece_to_id(part))
            elif part:
                ids.extend(sp.encode(part))
        return ids

    expected_out["spm_llama"] = [llama_cpp_spm(s) for s in SENTENCES]


# ---------------------------------------------------------------------------------------------
# tiny Llama: the random HF checkpoint of the parity fixtures, converted to GGUF F32

def permute(w, n_head, n_head_kv):
    """convert_hf_to_gguf.py LlamaModel.permute."""
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    return (w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:])
            .swapaxes(1, 2)
            .reshape(w.shape))


def write_tiny_llama(out, src):
    from safetensors.numpy import load_file

    d = os.path.join(out, "tiny_llama")
    os.makedirs(d, exist_ok=True)
    for name in ("config.json", "model.safetensors"):
        if os.path.abspath(os.path.join(src, name)) != os.path.abspath(os.path.join(d, name)):
            shutil.copyfile(os.path.join(src, name), os.path.join(d, name))
    cfg = json.load(open(os.path.join(d, "config.json")))
    tensors = load_file(os.path.join(d, "model.safetensors"))
    n_layers = cfg["num_hidden_layers"]
    n_head = cfg["num_attention_heads"]
    n_kv = cfg["num_key_value_heads"]
    rope = cfg.get("rope_parameters") or {}
    theta = rope.get("rope_theta", cfg.get("rope_theta", 10000.0))

    w = GGUFWriter(os.path.join(d, "model-f32.gguf"), "llama")
    w.add_name("tiny random llama (icl4j parity fixture)")
    w.add_vocab_size(cfg["vocab_size"])
    w.add_context_length(cfg["max_position_embeddings"])
    w.add_embedding_length(cfg["hidden_size"])
    w.add_block_count(n_layers)
    w.add_feed_forward_length(cfg["intermediate_size"])
    w.add_head_count(n_head)
    w.add_head_count_kv(n_kv)
    w.add_rope_freq_base(float(theta))
    w.add_layer_norm_rms_eps(cfg["rms_norm_eps"])
    w.add_key_length(cfg["head_dim"])
    w.add_value_length(cfg["head_dim"])
    w.add_rope_dimension_count(cfg["head_dim"])
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_bos_token_id(cfg["bos_token_id"])
    w.add_eos_token_id(cfg["eos_token_id"])
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.LLAMA, n_layers)
    for hf_name, t in tensors.items():
        t = t.astype(np.float32)
        if hf_name.endswith("q_proj.weight"):
            t = permute(t, n_head, n_head)
        elif hf_name.endswith("k_proj.weight"):
            t = permute(t, n_head, n_kv)
        g = names.get_name(hf_name, try_suffixes=(".weight", ".bias"))
        assert g is not None, hf_name
        w.add_tensor(g, np.ascontiguousarray(t))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


# ---------------------------------------------------------------------------------------------
# the newer families' random parity checkpoints, converted to GGUF F32



def llama3_rope_freqs(theta, dim, factor, low, high, old_ctx):
    """Per-frequency divisors equivalent to the llama3 rope scaling (what llama.cpp stores as rope_freqs)."""
    out = []
    for i in range(0, dim, 2):
        freq = 1.0 / (theta ** (i / dim))
        wavelen = 2 * np.pi / freq
        if wavelen < old_ctx / high:
            out.append(1.0)
        elif wavelen > old_ctx / low:
            out.append(factor)
        else:
            smooth = (old_ctx / wavelen - low) / (high - low)
            out.append(1.0 / ((1 - smooth) / factor + smooth))
    return np.array(out, dtype=np.float32)


def write_families(out, parity_dir):
    from safetensors.numpy import load_file

    d = os.path.join(out, "families")
    os.makedirs(d, exist_ok=True)
    for fam, arch_name, g_arch in (("llama3", "llama", gguf.MODEL_ARCH.LLAMA),
                                   ("qwen3", "qwen3", gguf.MODEL_ARCH.QWEN3),
                                   ("qwen2_window", "qwen2", gguf.MODEL_ARCH.QWEN2),
                                   ("phi3", "phi3", gguf.MODEL_ARCH.PHI3)):
        src = os.path.join(parity_dir, fam)
        cfg = json.load(open(os.path.join(src, "config.json")))
        tensors = load_file(os.path.join(src, "model.safetensors"))
        rope = cfg.get("rope_parameters") or {}
        n_layers = cfg["num_hidden_layers"]
        n_head = cfg["num_attention_heads"]
        n_kv = cfg["num_key_value_heads"]
        d_model = cfg["hidden_size"]
        head_dim = cfg.get("head_dim") or d_model // n_head
        w = GGUFWriter(os.path.join(d, ("llama3" if fam == "llama3" else arch_name) + ".gguf"), arch_name)
        w.add_name(f"tiny random {fam} (icl4j parity fixture)")
        w.add_vocab_size(cfg["vocab_size"])
        w.add_context_length(cfg["max_position_embeddings"])
        w.add_embedding_length(d_model)
        w.add_block_count(n_layers)
        w.add_feed_forward_length(cfg["intermediate_size"])
        w.add_head_count(n_head)
        w.add_head_count_kv(n_kv)
        w.add_rope_freq_base(float(rope.get("rope_theta", 10000.0)))
        w.add_layer_norm_rms_eps(cfg["rms_norm_eps"])
        if "head_dim" in cfg:
            w.add_key_length(head_dim)
            w.add_value_length(head_dim)
        w.add_file_type(gguf.LlamaFileType.ALL_F32)
        w.add_bos_token_id(cfg["bos_token_id"])
        w.add_eos_token_id(cfg["eos_token_id"])
        extra = {}
        if fam == "llama3":
            w.add_rope_dimension_count(head_dim)
            extra["rope_freqs.weight"] = llama3_rope_freqs(rope["rope_theta"], head_dim, rope["factor"],
                                                           rope["low_freq_factor"], rope["high_freq_factor"],
                                                           rope["original_max_position_embeddings"])
        if fam == "phi3":
            rope_dims = int(rope.get("partial_rotary_factor", 1.0) * d_model) // n_head
            w.add_rope_dimension_count(rope_dims)
            orig = cfg["original_max_position_embeddings"]
            w.add_rope_scaling_orig_ctx_len(orig)
            w.add_sliding_window(cfg.get("sliding_window") or 0)
            scale = cfg["max_position_embeddings"] / orig
            w.add_rope_scaling_attn_factors(np.sqrt(1 + np.log(scale) / np.log(orig)) if scale > 1 else 1.0)
            extra["rope_factors_long.weight"] = np.array(rope["long_factor"], dtype=np.float32)
            extra["rope_factors_short.weight"] = np.array(rope["short_factor"], dtype=np.float32)
        names = gguf.get_tensor_name_map(g_arch, n_layers)
        for hf_name, t in tensors.items():
            t = t.astype(np.float32)
            if fam == "llama3" and hf_name.endswith("q_proj.weight"):
                t = permute(t, n_head, n_head)
            elif fam == "llama3" and hf_name.endswith("k_proj.weight"):
                t = permute(t, n_head, n_kv)
            g = names.get_name(hf_name, try_suffixes=(".weight", ".bias"))
            assert g is not None, hf_name
            w.add_tensor(g, np.ascontiguousarray(t))
        for name, t in extra.items():
            w.add_tensor(name, t)
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_tensors_to_file()
        w.close()
# tiny Gemma 2 / Gemma 3 GGUFs from the parity checkpoints, and Gemma files that must be refused

PARITY_ROOT = os.path.join(REPO_ROOT, "icl-core", "src", "test", "resources", "parity")


def _gemma_writer(path, arch, cfg, ctx=None):
    w = GGUFWriter(path, arch)
    w.add_name(f"tiny random {arch} (icl4j parity fixture)")
    w.add_vocab_size(cfg["vocab_size"])
    w.add_context_length(ctx if ctx is not None else cfg["max_position_embeddings"])
    w.add_embedding_length(cfg["hidden_size"])
    w.add_block_count(cfg["num_hidden_layers"])
    w.add_feed_forward_length(cfg["intermediate_size"])
    w.add_head_count(cfg["num_attention_heads"])
    w.add_head_count_kv(cfg["num_key_value_heads"])
    w.add_layer_norm_rms_eps(cfg["rms_norm_eps"])
    w.add_key_length(cfg["head_dim"])
    w.add_value_length(cfg["head_dim"])
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_bos_token_id(cfg["bos_token_id"])
    w.add_eos_token_id(cfg["eos_token_id"])
    return w


def _finish(w):
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def write_tiny_gemma(out, parity_root):
    """gemma2.gguf / gemma3.gguf: the parity checkpoints as llama.cpp's converter writes them (norms + 1, q/k
    not permuted); bad_*.gguf: tiny files each wrong in one way."""
    from safetensors.numpy import load_file

    d = os.path.join(out, "tiny_gemma")
    os.makedirs(d, exist_ok=True)
    arch_of = {"gemma2": gguf.MODEL_ARCH.GEMMA2, "gemma3": gguf.MODEL_ARCH.GEMMA3}
    for fam in ("gemma2", "gemma3"):
        cfg = json.load(open(os.path.join(parity_root, fam, "config.json")))
        tensors = load_file(os.path.join(parity_root, fam, "model.safetensors"))
        w = _gemma_writer(os.path.join(d, fam + ".gguf"), fam, cfg)
        rope = cfg.get("rope_parameters") or {}
        theta = rope.get("full_attention", rope).get("rope_theta", cfg.get("rope_theta", 10000.0))
        w.add_rope_freq_base(float(theta))
        w.add_sliding_window(cfg["sliding_window"])
        if fam == "gemma2":
            w.add_attn_logit_softcapping(cfg["attn_logit_softcapping"])
            w.add_final_logit_softcapping(cfg["final_logit_softcapping"])
        names = gguf.get_tensor_name_map(arch_of[fam], cfg["num_hidden_layers"])
        for hf_name, t in tensors.items():
            t = t.astype(np.float32)
            if hf_name.endswith("norm.weight"):
                t = t + 1  # convert_hf_to_gguf.py's Gemma models store 1 + w
            g = names.get_name(hf_name, try_suffixes=(".weight", ".bias"))
            assert g is not None, hf_name
            w.add_tensor(g, np.ascontiguousarray(t))
        _finish(w)

    cfg = json.load(open(os.path.join(parity_root, "gemma2", "config.json")))
    one = np.ones(cfg["head_dim"], dtype=np.float32)
    # gemma3 without blk.1.attn_k_norm
    w = _gemma_writer(os.path.join(d, "bad_missing_k_norm.gguf"), "gemma3", cfg)
    w.add_sliding_window(4)
    for l in range(cfg["num_hidden_layers"]):
        w.add_tensor(f"blk.{l}.attn_q_norm.weight", one)
        if l != 1:
            w.add_tensor(f"blk.{l}.attn_k_norm.weight", one)
    _finish(w)
    # gemma2 whose window is larger than its context
    w = _gemma_writer(os.path.join(d, "bad_window.gguf"), "gemma2", cfg, ctx=64)
    w.add_sliding_window(128)
    _finish(w)
    # gemma2 with an attention soft-cap of 0, and one with a NaN final soft-cap
    w = _gemma_writer(os.path.join(d, "bad_softcap_zero.gguf"), "gemma2", cfg)
    w.add_sliding_window(4)
    w.add_attn_logit_softcapping(0.0)
    _finish(w)
    w = _gemma_writer(os.path.join(d, "bad_softcap_nan.gguf"), "gemma2", cfg)
    w.add_sliding_window(4)
    w.add_attn_logit_softcapping(50.0)
    w.add_final_logit_softcapping(float("nan"))
    _finish(w)


# ---------------------------------------------------------------------------------------------
# SmolLM2-135M-Instruct (Q4_1): references from transformers loading the GGUF

SMOL_SENTENCES = [
    "The capital of France is Paris.",
    "Hello world! 123",
    "Caf\u00e9 d\u00e9j\u00e0 vu.",
    "  multiple   spaces and\ttabs\n\nnew lines",
    "I'm sure you'll see they've done it, DON'T you?",
    "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
]
SMOL_PROMPT = "The quick brown fox jumps over the lazy"


def write_smollm2(out, gguf_path):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    import transformers
    from transformers import AutoModelForCausalLM, AutoTokenizer

    d = os.path.join(out, "smollm2")
    os.makedirs(d, exist_ok=True)
    folder, name = os.path.split(os.path.abspath(gguf_path))
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    ids = [tok(s, add_special_tokens=True)["input_ids"] for s in SMOL_SENTENCES]
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    model.eval()
    prompt_ids = tok(SMOL_PROMPT, add_special_tokens=True, return_tensors="pt")["input_ids"]
    with torch.no_grad():
        logits = model(prompt_ids).logits[0, -1].float().numpy()
    save_file({"input_ids": prompt_ids[0].numpy().astype(np.int64), "last_logits": np.ascontiguousarray(logits)},
              os.path.join(d, "reference.safetensors"))

    # Per-tensor statistics of the dequantised, un-permuted weights under Hugging Face names.
    stats = {}
    rng = np.random.default_rng(7)
    for hf_name, t in model.state_dict().items():
        if hf_name == "lm_head.weight" and model.config.tie_word_embeddings:
            continue
        a = t.detach().float().numpy()
        flat = a.reshape(-1)
        idx = sorted(set([0, flat.size - 1] + rng.integers(0, flat.size, 6).tolist()))
        stats[hf_name] = {
            "shape": list(a.shape),
            "sum": float(a.astype(np.float64).sum()),
            "abs_sum": float(np.abs(a.astype(np.float64)).sum()),
            "samples": {str(i): float(flat[i]) for i in idx},
        }
    meta = {
        "gguf": name,
        "sha256": "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        "versions": {"transformers": transformers.__version__, "torch": torch.__version__,
                     "gguf": getattr(gguf, "__version__", "0.19.0")},
        "sentences": SMOL_SENTENCES,
        "ids": ids,
        "prompt": SMOL_PROMPT,
        "prompt_ids": prompt_ids[0].tolist(),
        "top5": np.argsort(-logits)[:5].tolist(),
        "tensors": stats,
    }
    with open(os.path.join(d, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, separators=(",", ":"))
    os.chmod(os.path.join(d, "reference.safetensors"), 0o644)


GEMMA3_PROMPTS = [
    "The capital of France is",
    "Review: a gripping, beautifully acted film.\nSentiment: positive\n"
    "Review: dull and far too long.\nSentiment: negative\n"
    "Review: one of the best films of the year.\nSentiment:",
    # longer than the 512-token sliding window of the local layers
    "Counting: " + ", ".join(str(i) for i in range(1, 260)) + ", and then",
]
GEMMA3_SST2_LINES = 40


def write_gemma3(out, gguf_path, sst2_dir):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import hashlib
    import torch
    import transformers
    from transformers import AutoModelForCausalLM, AutoTokenizer

    d = os.path.join(out, "gemma3")
    os.makedirs(d, exist_ok=True)
    folder, name = os.path.split(os.path.abspath(gguf_path))
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32,
                                                 attn_implementation="eager")
    model.eval()
    rng = np.random.default_rng(16)
    vocab = model.config.vocab_size
    prompts = []
    for text in GEMMA3_PROMPTS:
        ids = tok(text, add_special_tokens=True)["input_ids"]
        with torch.no_grad():
            logits = model(torch.tensor([ids])).logits[0, -1].double()
        top = torch.argsort(logits, descending=True)[:16].tolist()
        fixed = sorted(rng.choice(vocab, 48, replace=False).tolist())
        prompts.append({
            "text": text, "ids": ids, "argmax": int(logits.argmax()),
            "logsumexp": float(torch.logsumexp(logits, 0)),
            "logits": {str(i): float(logits[i]) for i in top + fixed},
        })
    sst2 = None
    if sst2_dir:
        path = os.path.join(sst2_dir, "stsa.binary.test")
        with open(path, encoding="utf-8") as f:
            lines = [line.rstrip("\n") for line in f][:GEMMA3_SST2_LINES]
        sentences = [line.split(" ", 1)[1] for line in lines]
        sst2 = {"file": "stsa.binary.test", "lines": len(sentences),
                "sha256": [hashlib.sha256(s.encode("utf-8")).hexdigest() for s in sentences],
                "ids": [tok(s, add_special_tokens=True)["input_ids"] for s in sentences]}
    meta = {
        "gguf": name,
        "sha256": "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
        "versions": {"transformers": transformers.__version__, "torch": torch.__version__,
                     "gguf": getattr(gguf, "__version__", "0.19.0")},
        "attn_implementation": "eager", "dtype": "float32",
        "config": model.config.to_diff_dict(),
        "prompts": prompts,
        "sst2": sst2,
    }
    with open(os.path.join(d, "reference.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, separators=(",", ":"), default=str)
    os.chmod(os.path.join(d, "reference.json"), 0o644)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--parity-llama", default=PARITY_LLAMA,
                    help="folder with config.json + model.safetensors of the random Llama")
    ap.add_argument("--smollm2", help="path of SmolLM2-135M-Instruct.Q4_1.gguf (tools/fetch-smollm2.sh)")
    ap.add_argument("--parity", default=PARITY_ROOT, help="the parity fixtures folder (for families)")
    ap.add_argument("--gemma3", help="path of gemma-3-270m-q4_k_m.gguf (tools/fetch-gemma3.sh)")
    ap.add_argument("--sst2", help="folder of the SST-2 files (stsa.binary.test) for the Gemma 3 token ids")
    ap.add_argument("--only", help="comma list of: dequant,metadata,tokenizer,tiny_llama,families,tiny_gemma,smollm2,"
                                   "gemma3")
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else None
    os.makedirs(args.out, exist_ok=True)

    def want(x):
        return only is None or x in only

    if want("dequant"):
        write_dequant(args.out)
    if want("metadata"):
        write_metadata(args.out)
    if want("tokenizer"):
        write_tokenizers(args.out)
    if want("tiny_llama"):
        write_tiny_llama(args.out, args.parity_llama)
    if want("families"):
        write_families(args.out, args.parity)
    if want("tiny_gemma"):
        write_tiny_gemma(args.out, PARITY_ROOT)
    if want("smollm2"):
        if args.smollm2:
            write_smollm2(args.out, args.smollm2)
        else:
            print("skipping smollm2 references: pass --smollm2 PATH", file=sys.stderr)
    if want("gemma3"):
        if args.gemma3:
            write_gemma3(args.out, args.gemma3, args.sst2)
        else:
            print("skipping gemma3 references: pass --gemma3 PATH", file=sys.stderr)


if __name__ == "__main__":
    main()
