#!/usr/bin/env python3
"""Generate small, deterministic Hugging Face parity fixtures for icl4j.

For every model family a tiny random model is built with `transformers`
(eager attention, float32), its weights are re-initialised with a fixed seed
to a scale that gives non-trivial activations, and the following is written to
``<out>/<name>/``:

  config.json, model.safetensors   (model.save_pretrained, safetensors)
  tokenizer.json                   (WordLevel + Whitespace, exactly vocab_size entries)
  reference.safetensors            (inputs + reference activations, see README.md)
  meta.json                        (family, versions, seeds, shapes, key list)

Usage:
  /path/to/venv/bin/python tools/parity/make_parity_fixtures.py \
      [--out icl-core/src/test/resources/parity] [--only llama,gpt2]
"""

import argparse
import json
import math
import os
import shutil
import sys

import torch
from torch import nn

import safetensors
from safetensors import safe_open
from safetensors.torch import save_file
import tokenizers
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.pre_tokenizers import Whitespace
import transformers
from transformers import (
    GPT2Config, GPT2LMHeadModel,
    GPTJConfig, GPTJForCausalLM,
    GPTNeoXConfig, GPTNeoXForCausalLM,
    LlamaConfig, LlamaForCausalLM,
    MistralConfig, MistralForCausalLM,
    Qwen2Config, Qwen2ForCausalLM,
    GemmaConfig, GemmaForCausalLM,
    Gemma2Config, Gemma2ForCausalLM,
    Gemma3TextConfig, Gemma3ForCausalLM,
    Qwen3Config, Qwen3ForCausalLM,
    Phi3Config, Phi3ForCausalLM,
    Olmo2Config, Olmo2ForCausalLM,
)

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_OUT = os.path.join(REPO_ROOT, "icl-core", "src", "test", "resources", "parity")

VOCAB = 101
D_MODEL = 48
N_LAYERS = 3
N_HEADS = 4
HEAD_DIM = 12
N_KV_HEADS = 2
D_MLP = 72
N_CTX = 64
SEQ = 9
SHORT = 6          # real length of the second (padded) sequence
GEMMA_WINDOW = 4   # Gemma 2/3 sliding window: shorter than SEQ, so the local layers really mask
PAD_ID = 0

INPUT_SEED = 1234
WEIGHT_SEED_BASE = 20240

WEIGHT_STD = 0.2
BIAS_STD = 0.1
NORM_STD = 0.1

# Families added for issue 15 are smaller (tens of KB): d_model 24, 2 layers, MLP 40, and their query/key
# projections use std 0.5 so that a wrong rotary base or scaling moves the logits far beyond the tolerance.
D2 = 24
L2 = 2
MLP2 = 40
QK_STD = 0.5
QK_NAMES = ("q_proj", "k_proj", "qkv_proj", "query_key_value", "c_attn")
SHORT_SEQ = 5      # the extra "short" input set: stays within the original context of the scaled rope fixtures


# --------------------------------------------------------------------------- families

def _families():
    """name -> (config factory, model class, module accessors)."""

    def gpt2_cfg():
        return GPT2Config(
            vocab_size=VOCAB, n_positions=N_CTX, n_embd=D_MODEL, n_layer=N_LAYERS,
            n_head=N_HEADS, n_inner=D_MLP, activation_function="gelu_new",
            resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, layer_norm_epsilon=1e-5,
            tie_word_embeddings=True, bos_token_id=1, eos_token_id=1,
        )

    def gptj_cfg():
        return GPTJConfig(
            vocab_size=VOCAB, n_positions=N_CTX, n_embd=D_MODEL, n_layer=N_LAYERS,
            n_head=N_HEADS, rotary_dim=8, n_inner=D_MLP, activation_function="gelu_new",
            resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, layer_norm_epsilon=1e-5,
            tie_word_embeddings=False, bos_token_id=1, eos_token_id=1,
        )

    def neox_cfg(parallel):
        return GPTNeoXConfig(
            vocab_size=VOCAB, hidden_size=D_MODEL, num_hidden_layers=N_LAYERS,
            num_attention_heads=N_HEADS, intermediate_size=D_MLP, hidden_act="gelu",
            rotary_pct=0.5, rotary_emb_base=10000, max_position_embeddings=N_CTX,
            layer_norm_eps=1e-5, use_parallel_residual=parallel,
            attention_dropout=0.0, hidden_dropout=0.0,
            tie_word_embeddings=False, bos_token_id=1, eos_token_id=1,
        )

    def llama_cfg():
        return LlamaConfig(
            vocab_size=VOCAB, hidden_size=D_MODEL, intermediate_size=D_MLP,
            num_hidden_layers=N_LAYERS, num_attention_heads=N_HEADS,
            num_key_value_heads=N_KV_HEADS, head_dim=HEAD_DIM, hidden_act="silu",
            max_position_embeddings=N_CTX, rms_norm_eps=1e-5, rope_theta=10000.0,
            attention_bias=False, mlp_bias=False, tie_word_embeddings=False,
            bos_token_id=1, eos_token_id=1, pad_token_id=None,
        )

    def mistral_cfg():
        return MistralConfig(
            vocab_size=VOCAB, hidden_size=D_MODEL, intermediate_size=D_MLP,
            num_hidden_layers=N_LAYERS, num_attention_heads=N_HEADS,
            num_key_value_heads=N_KV_HEADS, head_dim=HEAD_DIM, hidden_act="silu",
            max_position_embeddings=N_CTX, rms_norm_eps=1e-5, rope_theta=1e6,
            sliding_window=5, tie_word_embeddings=False,
            bos_token_id=1, eos_token_id=1, pad_token_id=None,
        )

    def qwen2_cfg():
        return Qwen2Config(
            vocab_size=VOCAB, hidden_size=D_MODEL, intermediate_size=D_MLP,
            num_hidden_layers=N_LAYERS, num_attention_heads=N_HEADS,
            num_key_value_heads=N_KV_HEADS, hidden_act="silu",
            max_position_embeddings=N_CTX, rms_norm_eps=1e-6, rope_theta=1e6,
            use_sliding_window=False, tie_word_embeddings=True,
            bos_token_id=1, eos_token_id=1, pad_token_id=None,
        )

    def gemma_cfg():
        return GemmaConfig(
            vocab_size=VOCAB, hidden_size=D_MODEL, intermediate_size=D_MLP,
            num_hidden_layers=N_LAYERS, num_attention_heads=N_HEADS,
            num_key_value_heads=1, head_dim=HEAD_DIM, hidden_act="gelu_pytorch_tanh",
            max_position_embeddings=N_CTX, rms_norm_eps=1e-6, rope_theta=10000.0,
            tie_word_embeddings=True, bos_token_id=1, eos_token_id=1, pad_token_id=0,
        )

    def gemma2_cfg():
        # layers 0 and 2 slide (window 4 < SEQ 9), layer 1 is global; small caps so tanh bends
        return Gemma2Config(
            vocab_size=VOCAB, hidden_size=D_MODEL, intermediate_size=D_MLP,
            num_hidden_layers=N_LAYERS, num_attention_heads=N_HEADS,
            num_key_value_heads=N_KV_HEADS, head_dim=HEAD_DIM, hidden_activation="gelu_pytorch_tanh",
            max_position_embeddings=N_CTX, rms_norm_eps=1e-6, rope_theta=10000.0,
            query_pre_attn_scalar=16, sliding_window=GEMMA_WINDOW,
            attn_logit_softcapping=5.0, final_logit_softcapping=3.0,
            tie_word_embeddings=True, bos_token_id=1, eos_token_id=1, pad_token_id=0,
        )

    def gemma3_cfg():
        # two local layers (window 4, rotary base 10,000) then one global (base 1e6)
        return Gemma3TextConfig(
            vocab_size=VOCAB, hidden_size=D_MODEL, intermediate_size=D_MLP,
            num_hidden_layers=N_LAYERS, num_attention_heads=N_HEADS,
            num_key_value_heads=1, head_dim=HEAD_DIM, hidden_activation="gelu_pytorch_tanh",
            max_position_embeddings=N_CTX, rms_norm_eps=1e-6,
            rope_parameters={"sliding_attention": {"rope_type": "default", "rope_theta": 10000.0},
                             "full_attention": {"rope_type": "default", "rope_theta": 1e6}},
            query_pre_attn_scalar=20, sliding_window=GEMMA_WINDOW,
            layer_types=["sliding_attention", "sliding_attention", "full_attention"],
            tie_word_embeddings=True, bos_token_id=1, eos_token_id=1, pad_token_id=0,
        )

    # ---- issue 15: the models researchers use today, and every option their checkpoints carry
    def small_llama(**kw):
        base = dict(vocab_size=VOCAB, hidden_size=D2, intermediate_size=MLP2, num_hidden_layers=L2,
                    num_attention_heads=4, num_key_value_heads=2, hidden_act="silu", max_position_embeddings=N_CTX,
                    rms_norm_eps=1e-5, tie_word_embeddings=False, bos_token_id=1, eos_token_id=1, pad_token_id=None)
        base.update(kw)
        return base

    def llama3_cfg():
        return LlamaConfig(**small_llama(max_position_embeddings=512, rope_parameters=dict(
            rope_type="llama3", rope_theta=10000.0, factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0,
            original_max_position_embeddings=256)))

    def llama_bias_linear_cfg():
        return LlamaConfig(**small_llama(attention_bias=True, mlp_bias=True, tie_word_embeddings=True,
                                         rope_parameters=dict(rope_type="linear", rope_theta=500000.0, factor=2.5)))

    def llama_dynamic_cfg():
        return LlamaConfig(**small_llama(max_position_embeddings=6, rope_parameters=dict(
            rope_type="dynamic", rope_theta=10000.0, factor=2.0)))

    def llama_yarn_cfg():
        return LlamaConfig(**small_llama(rope_parameters=dict(
            rope_type="yarn", rope_theta=10000.0, factor=4.0, original_max_position_embeddings=16)))

    def qwen3_cfg():
        return Qwen3Config(**small_llama(head_dim=8, rms_norm_eps=1e-6, rope_parameters=dict(
            rope_type="default", rope_theta=1e6), tie_word_embeddings=True))

    def qwen2_window_cfg():
        return Qwen2Config(**small_llama(use_sliding_window=True, sliding_window=3, max_window_layers=1,
                                         rope_parameters=dict(rope_type="default", rope_theta=1e6)))

    def phi3_cfg():
        return Phi3Config(**small_llama(hidden_size=32, max_position_embeddings=N_CTX,
                                        original_max_position_embeddings=8, sliding_window=6,
                                        rope_parameters=dict(rope_type="longrope", rope_theta=10000.0,
                                                             partial_rotary_factor=0.5,
                                                             short_factor=[1.0, 1.5], long_factor=[2.0, 7.0]),
                                        resid_pdrop=0.0, embd_pdrop=0.0, attention_dropout=0.0))

    def olmo2_cfg():
        return Olmo2Config(**small_llama(attention_bias=True, rope_parameters=dict(rope_type="default",
                                                                                   rope_theta=10000.0)))

    def neox_odd_cfg():
        # head size 12, partial_rotary_factor 0.25: HF rotates 4 dimensions with frequencies from dim 3
        return GPTNeoXConfig(
            vocab_size=VOCAB, hidden_size=D2, num_hidden_layers=L2, num_attention_heads=2, intermediate_size=MLP2,
            hidden_act="gelu", rotary_pct=0.25, rotary_emb_base=10000, max_position_embeddings=N_CTX,
            layer_norm_eps=1e-5, use_parallel_residual=True, attention_dropout=0.0, hidden_dropout=0.0,
            tie_word_embeddings=False, bos_token_id=1, eos_token_id=1,
        )

    def gpt2_scaling_cfg():
        return GPT2Config(
            vocab_size=VOCAB, n_positions=N_CTX, n_embd=D2, n_layer=L2, n_head=4, n_inner=MLP2,
            activation_function="gelu_new", resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
            layer_norm_epsilon=1e-5, scale_attn_by_inverse_layer_idx=True, scale_attn_weights=False,
            tie_word_embeddings=True, bos_token_id=1, eos_token_id=1,
        )

    gpt2_mods = dict(
        layers=lambda m: m.transformer.h,
        o_proj=lambda layer: layer.attn.c_proj,
        mlp=lambda layer: layer.mlp,
        final_norm=lambda m: m.transformer.ln_f,
    )
    gptj_mods = dict(
        layers=lambda m: m.transformer.h,
        o_proj=lambda layer: layer.attn.out_proj,
        mlp=lambda layer: layer.mlp,
        final_norm=lambda m: m.transformer.ln_f,
    )
    neox_mods = dict(
        layers=lambda m: m.gpt_neox.layers,
        o_proj=lambda layer: layer.attention.dense,
        mlp=lambda layer: layer.mlp,
        final_norm=lambda m: m.gpt_neox.final_layer_norm,
    )
    llama_mods = dict(
        layers=lambda m: m.model.layers,
        o_proj=lambda layer: layer.self_attn.o_proj,
        mlp=lambda layer: layer.mlp,
        final_norm=lambda m: m.model.norm,
    )
    # Gemma 2/3: hook_attn_out and hook_mlp_out are the post norms' outputs (what joins the residual)
    gemma_post_mods = dict(llama_mods,
                           attn_out=lambda layer: layer.post_attention_layernorm,
                           mlp=lambda layer: layer.post_feedforward_layernorm)
    return {
        "gpt2": (gpt2_cfg, GPT2LMHeadModel, gpt2_mods),
        "gptj": (gptj_cfg, GPTJForCausalLM, gptj_mods),
        "gpt_neox": (lambda: neox_cfg(True), GPTNeoXForCausalLM, neox_mods),
        "gpt_neox_seq": (lambda: neox_cfg(False), GPTNeoXForCausalLM, neox_mods),
        "llama": (llama_cfg, LlamaForCausalLM, llama_mods),
        "mistral": (mistral_cfg, MistralForCausalLM, llama_mods),
        "qwen2": (qwen2_cfg, Qwen2ForCausalLM, llama_mods),
        "llama3": (llama3_cfg, LlamaForCausalLM, llama_mods),
        "llama_bias_linear": (llama_bias_linear_cfg, LlamaForCausalLM, llama_mods),
        "llama_dynamic": (llama_dynamic_cfg, LlamaForCausalLM, llama_mods),
        "llama_yarn": (llama_yarn_cfg, LlamaForCausalLM, llama_mods),
        "qwen3": (qwen3_cfg, Qwen3ForCausalLM, llama_mods),
        "qwen2_window": (qwen2_window_cfg, Qwen2ForCausalLM, llama_mods),
        "phi3": (phi3_cfg, Phi3ForCausalLM, llama_mods),
        # OLMo-2: what is added to the residual is the post-norm's output (TransformerLens' hook_attn_out)
        "olmo2": (olmo2_cfg, Olmo2ForCausalLM, dict(llama_mods,
                                                    attn_out=lambda layer: layer.post_attention_layernorm,
                                                    mlp=lambda layer: layer.post_feedforward_layernorm)),
        "gpt_neox_odd": (neox_odd_cfg, GPTNeoXForCausalLM, neox_mods),
        "gpt2_scaling": (gpt2_scaling_cfg, GPT2LMHeadModel, gpt2_mods),
        "gemma": (gemma_cfg, GemmaForCausalLM, llama_mods),
        "gemma2": (gemma2_cfg, Gemma2ForCausalLM, gemma_post_mods),
        "gemma3": (gemma3_cfg, Gemma3ForCausalLM, gemma_post_mods),
    }


# families written with the smaller dims, the 0.5 q/k std and the extra "short" input set
SMALL = {"llama3", "llama_bias_linear", "llama_dynamic", "llama_yarn", "qwen3", "qwen2_window", "phi3", "olmo2",
         "gpt_neox_odd", "gpt2_scaling"}


# --------------------------------------------------------------------------- weights

def _is_norm(module):
    return isinstance(module, nn.LayerNorm) or type(module).__name__.endswith("RMSNorm")


@torch.no_grad()
def reinit_weights(model, seed, qk_std=WEIGHT_STD):
    """Deterministic re-initialisation, visiting parameters in a fixed (named) order."""
    gen = torch.Generator().manual_seed(seed)
    done = set()
    for mname, module in model.named_modules():
        for pname, p in module.named_parameters(recurse=False):
            if id(p) in done:       # tied parameters
                continue
            done.add(id(p))
            if _is_norm(module):
                if pname == "weight" and type(module).__name__.startswith("Gemma"):
                    # Gemma's norms scale by (1 + w): w near 0 gives the same scales as the other families
                    val = NORM_STD * torch.randn(p.shape, generator=gen)
                elif pname == "weight":
                    val = 1.0 + NORM_STD * torch.randn(p.shape, generator=gen)
                else:
                    val = NORM_STD * torch.randn(p.shape, generator=gen)
            elif pname == "bias":
                val = BIAS_STD * torch.randn(p.shape, generator=gen)
            else:                   # Linear / Conv1D / Embedding weights
                std = qk_std if any(n in mname for n in QK_NAMES) else WEIGHT_STD
                val = std * torch.randn(p.shape, generator=gen)
            p.copy_(val.to(p.dtype))
    n_params = sum(p.numel() for p in model.parameters())
    assert len(done) == len(list(model.parameters())), "unvisited parameters"
    return n_params


# --------------------------------------------------------------------------- inputs

def make_inputs():
    gen = torch.Generator().manual_seed(INPUT_SEED)
    single = torch.randint(1, VOCAB, (1, SEQ), generator=gen)
    row0 = torch.randint(1, VOCAB, (SEQ,), generator=gen)
    row1 = torch.randint(1, VOCAB, (SHORT,), generator=gen)
    npad = SEQ - SHORT
    pad = torch.full((npad,), PAD_ID, dtype=torch.long)

    def positions(mask):
        return (mask.cumsum(-1) - 1).clamp(min=0)

    sets = {}
    m = torch.ones(1, SEQ, dtype=torch.long)
    sets["single"] = (single, m, positions(m))

    ids = torch.stack([row0, torch.cat([row1, pad])])
    m = torch.stack([torch.ones(SEQ, dtype=torch.long),
                     torch.cat([torch.ones(SHORT, dtype=torch.long), torch.zeros(npad, dtype=torch.long)])])
    sets["right"] = (ids, m, positions(m))

    ids = torch.stack([row0, torch.cat([pad, row1])])
    m = torch.stack([torch.ones(SEQ, dtype=torch.long),
                     torch.cat([torch.zeros(npad, dtype=torch.long), torch.ones(SHORT, dtype=torch.long)])])
    sets["left"] = (ids, m, positions(m))
    short = torch.randint(1, VOCAB, (1, SHORT_SEQ), generator=gen)
    m = torch.ones(1, SHORT_SEQ, dtype=torch.long)
    sets["short"] = (short, m, positions(m))
    return sets


# --------------------------------------------------------------------------- capture

def _hidden_from_call(args, kwargs):
    if args:
        return args[0]
    return kwargs["hidden_states"]


def _first(out):
    return out[0] if isinstance(out, (tuple, list)) else out


@torch.no_grad()
def run_with_hooks(model, mods, n_heads, head_dim, ids, mask, pos):
    cap = {}
    handles = []
    layers = mods["layers"](model)
    for l, layer in enumerate(layers):
        def pre(mod, args, kwargs, l=l):
            cap[f"blocks.{l}.hook_resid_pre"] = _hidden_from_call(args, kwargs).detach().clone()

        def post(mod, args, kwargs, out, l=l):
            cap[f"blocks.{l}.hook_resid_post"] = _first(out).detach().clone()

        def z_hook(mod, args, l=l):
            z = args[0]
            b, s, _ = z.shape
            cap[f"blocks.{l}.attn.hook_z"] = z.detach().reshape(b, s, n_heads, head_dim).clone()

        def attn_out(mod, args, out, l=l):
            cap[f"blocks.{l}.hook_attn_out"] = out.detach().clone()

        def mlp_out(mod, args, out, l=l):
            cap[f"blocks.{l}.hook_mlp_out"] = _first(out).detach().clone()

        handles.append(layer.register_forward_pre_hook(pre, with_kwargs=True))
        handles.append(layer.register_forward_hook(post, with_kwargs=True))
        o_proj = mods["o_proj"](layer)
        handles.append(o_proj.register_forward_pre_hook(z_hook))
        handles.append(mods.get("attn_out", mods["o_proj"])(layer).register_forward_hook(attn_out))
        handles.append(mods["mlp"](layer).register_forward_hook(mlp_out))

    def norm_hook(mod, args, out):
        cap["ln_final.hook_normalized"] = out.detach().clone()

    handles.append(mods["final_norm"](model).register_forward_hook(norm_hook))
    try:
        out = model(input_ids=ids, attention_mask=mask, position_ids=pos,
                    output_attentions=True, use_cache=False, return_dict=True)
    finally:
        for h in handles:
            h.remove()

    cap["logits"] = out.logits.detach().clone()
    assert out.attentions is not None and len(out.attentions) == len(layers), "no attentions returned"
    for l, a in enumerate(out.attentions):
        cap[f"blocks.{l}.attn.hook_pattern"] = a.detach().clone()
    expected = 2 + 6 * len(layers)
    assert len(cap) == expected, f"captured {len(cap)} tensors, expected {expected}: {sorted(cap)}"
    return cap


# --------------------------------------------------------------------------- checks

def sanity_check(name, prefix, cap, mask, b, s, d, n_heads, head_dim, n_layers):
    real = mask.bool()
    lg = cap["logits"]
    assert lg.shape == (b, s, VOCAB), lg.shape
    assert torch.isfinite(lg[real]).all(), f"{name}/{prefix}: non-finite logits"
    assert lg[real].std() > 0.1, f"{name}/{prefix}: logits nearly constant"
    for l in range(n_layers):
        for k in ("hook_resid_pre", "hook_resid_post", "hook_attn_out", "hook_mlp_out"):
            t = cap[f"blocks.{l}.{k}"]
            assert t.shape == (b, s, d), (k, t.shape)
            assert torch.isfinite(t[real]).all(), (name, prefix, k)
        z = cap[f"blocks.{l}.attn.hook_z"]
        assert z.shape == (b, s, n_heads, head_dim), z.shape
        p = cap[f"blocks.{l}.attn.hook_pattern"]
        assert p.shape == (b, n_heads, s, s), p.shape
        # rows of real query positions sum to 1 and put no weight on pads / future
        for bi in range(b):
            for qi in range(s):
                if not real[bi, qi]:
                    continue
                row = p[bi, :, qi, :]
                assert torch.allclose(row.sum(-1), torch.ones(n_heads), atol=1e-5)
                if qi + 1 < s:
                    assert row[:, qi + 1:].abs().max().item() < 1e-6, "attention to the future"
                assert row[:, ~real[bi]].abs().sum().item() < 1e-6
        # layer l+1 input == layer l output
        if l + 1 < n_layers:
            assert torch.equal(cap[f"blocks.{l}.hook_resid_post"], cap[f"blocks.{l + 1}.hook_resid_pre"])
    t = cap["ln_final.hook_normalized"]
    assert t.shape == (b, s, d)


# --------------------------------------------------------------------------- tokenizer

def write_tokenizer(path):
    vocab = {"<unk>": 0}
    for i in range(1, VOCAB):
        vocab[f"w{i}"] = i
    assert len(vocab) == VOCAB
    tok = Tokenizer(WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = Whitespace()
    tok.save(path)
    # round trip check
    tok2 = Tokenizer.from_file(path)
    enc = tok2.encode("w1 w7 w100 zz")
    assert enc.ids == [1, 7, 100, 0], enc.ids
    dec = tok2.decode([1, 7, 100])
    assert dec == "w1 w7 w100", repr(dec)
    assert tok2.get_vocab_size() == VOCAB


# --------------------------------------------------------------------------- main

def dir_size(path):
    return sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))


def build_family(idx, name, spec, out_root, inputs):
    cfg_fn, model_cls, mods = spec
    torch.manual_seed(WEIGHT_SEED_BASE + idx)
    config = cfg_fn()
    config._attn_implementation = "eager"
    model = model_cls._from_config(config, attn_implementation="eager", dtype=torch.float32)
    model = model.to(torch.float32).eval()
    seed = WEIGHT_SEED_BASE + idx
    small = name in SMALL
    n_params = reinit_weights(model, seed, QK_STD if small else WEIGHT_STD)
    if not small:
        inputs = {k: v for k, v in inputs.items() if k != "short"}

    d = config.hidden_size
    n_heads = config.num_attention_heads
    head_dim = d // n_heads if not hasattr(config, "head_dim") or config.head_dim is None else config.head_dim
    n_layers = config.num_hidden_layers

    out_dir = os.path.join(out_root, name)
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(out_dir)
    model.save_pretrained(out_dir, safe_serialization=True)
    keep = {"config.json", "model.safetensors", "generation_config.json"}
    for f in os.listdir(out_dir):
        if f not in keep:
            os.remove(os.path.join(out_dir, f))
        else:
            os.chmod(os.path.join(out_dir, f), 0o644)
    write_tokenizer(os.path.join(out_dir, "tokenizer.json"))

    ref = {}
    shapes = {}
    for prefix, (ids, mask, pos) in inputs.items():
        ref[f"{prefix}.input_ids"] = ids.to(torch.int64).contiguous()
        ref[f"{prefix}.attention_mask"] = mask.to(torch.int64).contiguous()
        ref[f"{prefix}.position_ids"] = pos.to(torch.int64).contiguous()
        cap = run_with_hooks(model, mods, n_heads, head_dim, ids, mask, pos)
        sanity_check(name, prefix, cap, mask, ids.shape[0], ids.shape[1], d, n_heads, head_dim, n_layers)
        for k, v in cap.items():
            ref[f"{prefix}.{k}"] = v.to(torch.float32).contiguous()

    # cross-set consistency: row 0 is identical in right/left, real tokens must agree
    for k in ("logits", "ln_final.hook_normalized"):
        r = ref[f"right.{k}"]
        lft = ref[f"left.{k}"]
        assert torch.allclose(r[0], lft[0], atol=1e-5), (name, k)
        diff = (r[1, :SHORT] - lft[1, SEQ - SHORT:]).abs().max().item()
        assert diff < 1e-4, f"{name}: left/right padded logits differ by {diff}"

    for k, v in ref.items():
        shapes[k] = list(v.shape)
    save_file(dict(sorted(ref.items())), os.path.join(out_dir, "reference.safetensors"),
              metadata={"format": "icl4j-parity-v1"})  # one key: header order is not stable

    weights = {}
    with safe_open(os.path.join(out_dir, "model.safetensors"), "pt") as f:
        for k in f.keys():
            weights[k] = list(f.get_slice(k).get_shape())

    meta = {
        "family": name,
        "model_type": config.model_type,
        "model_class": model_cls.__name__,
        "attn_implementation": "eager",
        "dtype": "float32",
        "versions": {
            "python": sys.version.split()[0],
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "safetensors": safetensors.__version__,
            "tokenizers": tokenizers.__version__,
        },
        "seeds": {"weights": seed, "inputs": INPUT_SEED},
        "init": {"weight_std": WEIGHT_STD, "qk_weight_std": QK_STD if small else WEIGHT_STD, "bias_std": BIAS_STD,
                 "norm_weight": f"1 + N(0, {NORM_STD}^2)", "norm_bias_std": NORM_STD},
        "dims": {"vocab": VOCAB, "d_model": d, "n_layers": n_layers, "n_heads": n_heads,
                 "head_dim": head_dim, "seq": SEQ, "short_len": SHORT, "pad_id": PAD_ID},
        "n_params": n_params,
        "input_sets": list(inputs.keys()),
        "keys": sorted(ref.keys()),
        "shapes": dict(sorted(shapes.items())),
        "weights": weights,
    }
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    for f in os.listdir(out_dir):
        os.chmod(os.path.join(out_dir, f), 0o644)
    return out_dir


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", default=None, help="comma-separated family names")
    args = ap.parse_args()

    transformers.utils.logging.disable_progress_bar()
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out, exist_ok=True)
    fams = _families()
    names = list(fams) if not args.only else args.only.split(",")
    inputs = make_inputs()
    total = 0
    for idx, name in enumerate(fams):
        if name not in names:
            continue
        out_dir = build_family(idx, name, fams[name], args.out, inputs)
        size = dir_size(out_dir)
        total += size
        print(f"{name:14s} {size / 1024:8.1f} KiB  {out_dir}")
    print(f"{'total':14s} {total / 1024:8.1f} KiB  (torch {torch.__version__}, transformers {transformers.__version__})")


if __name__ == "__main__":
    main()
