#!/usr/bin/python3
"""Makes the fixtures of the decoders after GPT-2: one random-weight Hugging Face folder per family
(config.json with the real fields, model.safetensors in BF16 with the real tensor names; one
sharded, in F16) and what the PyTorch references of hf_reference.py compute on an Azerbaijani
text with it.

Run with Debian's PyTorch:  /usr/bin/python3 tests/reference/make_hf_models.py
Writes, into hf/:
  <name>/config.json, <name>/model.safetensors (or model.safetensors.index.json and its shards)
  <name>/chars.json           the character vocabulary (make_models.py's), one token per row
  <name>/tokenizer.json       the same characters as a BPE without merges
  <name>.expected.json        the ids and, per layer, each head's (T, T) attention weights, the
                              residual stream after attention (x_mid), the MLP's output and the
                              block's output; the (T, vocab) logits and each position's top-5
Each family's small shape is chosen to reach what sets it apart: grouped queries (2 or 4 heads
per key/value head), head_dim other than hidden_size / heads, biases, q/k norms, llama3 and linear
rope scaling, sliding windows shorter than the text, Gemma 2's caps.
"""
import json
import pathlib

import torch
from torch.nn import functional as F

from hf_reference import Decoder, text_config
from make_fixtures import tensor as matrix
from make_models import TEXTS, VOCAB
from make_state_dicts import save_safetensors

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "hf"
V = len(VOCAB)

BASE = {"hidden_size": 48, "intermediate_size": 96, "num_hidden_layers": 2,
        "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": V,
        "max_position_embeddings": 256, "rms_norm_eps": 1e-6, "torch_dtype": "bfloat16"}

CASES = {
    # Llama 3.2's rope: llama3 scaling, its bands placed so that a 12-wide head has pairs in all
    # three (kept, blended, divided by the factor).
    "llama": {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_act": "silu",
              "rope_theta": 10000.0, "tie_word_embeddings": False, "attention_bias": False,
              "mlp_bias": False,
              "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                               "high_freq_factor": 4.0, "original_max_position_embeddings": 64}},
    # A sliding window of 6 over a 51-token text.
    "mistral": {"model_type": "mistral", "architectures": ["MistralForCausalLM"],
                "hidden_act": "silu", "rope_theta": 10000.0, "sliding_window": 6,
                "tie_word_embeddings": False},
    # Biases on q, k, v; one key/value head for four queries; tied embeddings (Qwen2.5-0.5B);
    # linear rope scaling.
    "qwen2": {"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "hidden_act": "silu",
              "num_key_value_heads": 1, "rope_theta": 1000000.0, "tie_word_embeddings": True,
              "use_sliding_window": False, "sliding_window": 32, "max_window_layers": 2,
              "rope_scaling": {"type": "linear", "factor": 2.0}},
    # q/k norms; head_dim 16 where hidden_size / heads is 12 (Qwen3-0.6B: 128 against 64).
    "qwen3": {"model_type": "qwen3", "architectures": ["Qwen3ForCausalLM"], "hidden_act": "silu",
              "head_dim": 16, "rope_theta": 1000000.0, "tie_word_embeddings": True,
              "attention_bias": False, "use_sliding_window": False, "max_window_layers": 2},
    # (1 + w) norms, √C embeddings, GeGLU, multi-query.
    "gemma": {"model_type": "gemma", "architectures": ["GemmaForCausalLM"], "head_dim": 16,
              "num_key_value_heads": 1, "hidden_act": "gelu", "hidden_activation": "gelu_pytorch_tanh",
              "rope_theta": 10000.0},
    # Caps on the scores and logits, pre- and post-norms, every other layer sliding (the class's
    # default pattern, no layer_types).
    "gemma2": {"model_type": "gemma2", "architectures": ["Gemma2ForCausalLM"], "head_dim": 16,
               "hidden_activation": "gelu_pytorch_tanh", "query_pre_attn_scalar": 24,
               "sliding_window": 5, "attn_logit_softcapping": 4.0,
               "final_logit_softcapping": 3.0, "rope_theta": 10000.0},
    # q/k norms, separate rotary bases for the sliding and the full layers, linear scaling on the
    # full ones (Gemma 3 4B's), layer_types given.
    "gemma3": {"model_type": "gemma3_text", "architectures": ["Gemma3ForCausalLM"], "head_dim": 16,
               "num_hidden_layers": 3, "hidden_activation": "gelu_pytorch_tanh",
               "query_pre_attn_scalar": 16, "sliding_window": 7, "rope_theta": 1000000.0,
               "rope_local_base_freq": 10000.0, "rope_scaling": {"rope_type": "linear", "factor": 8.0},
               "layer_types": ["sliding_attention", "full_attention", "sliding_attention"],
               "attn_logit_softcapping": None, "final_logit_softcapping": None},
}


def random_state_dict(c, seed):
    """Every tensor the family's model has, by its real name, drawn from N(0, σ): larger for q and
    k so that the attention is peaked; norms near 1 (Gemma stores them as w − 1)."""
    torch.manual_seed(seed)
    t = c["model_type"]
    gemma = t.startswith("gemma")
    C, hidden, H = c["hidden_size"], c["intermediate_size"], c["num_attention_heads"]
    KV = c["num_key_value_heads"]
    d = c.get("head_dim") or C // H
    sd = {"model.embed_tokens.weight": torch.randn(V, C)}

    def norm(n):
        w = 0.1 * torch.randn(n)
        return w if gemma else 1.0 + w

    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        sd[p + "input_layernorm.weight"] = norm(C)
        sd[p + "self_attn.q_proj.weight"] = 0.35 * torch.randn(H * d, C)
        sd[p + "self_attn.k_proj.weight"] = 0.35 * torch.randn(KV * d, C)
        sd[p + "self_attn.v_proj.weight"] = 0.2 * torch.randn(KV * d, C)
        sd[p + "self_attn.o_proj.weight"] = 0.2 * torch.randn(C, H * d)
        if t == "qwen2":
            for n, rows in (("q", H * d), ("k", KV * d), ("v", KV * d)):
                sd[p + f"self_attn.{n}_proj.bias"] = 0.5 * torch.randn(rows)
        if t in ("qwen3", "gemma3_text"):  # × 2: unit-RMS q and k would give flat attention
            sd[p + "self_attn.q_norm.weight"] = norm(d) + 1.0
            sd[p + "self_attn.k_norm.weight"] = norm(d) + 1.0
        sd[p + "post_attention_layernorm.weight"] = norm(C)
        if t in ("gemma2", "gemma3_text"):
            sd[p + "pre_feedforward_layernorm.weight"] = norm(C)
            sd[p + "post_feedforward_layernorm.weight"] = norm(C)
        sd[p + "mlp.gate_proj.weight"] = 0.2 * torch.randn(hidden, C)
        sd[p + "mlp.up_proj.weight"] = 0.2 * torch.randn(hidden, C)
        sd[p + "mlp.down_proj.weight"] = 0.2 * torch.randn(C, hidden)
    sd["model.norm.weight"] = norm(C)
    if not c.get("tie_word_embeddings", gemma):
        sd["lm_head.weight"] = 0.3 * torch.randn(V, C)
    return sd


def write_folder(folder, config, sd, sharded):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    (folder / "chars.json").write_text(json.dumps(VOCAB, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    # The same characters as a tokenizer.json: a BPE without merges, one token per character.
    tokenizer = {"version": "1.0", "added_tokens": [], "normalizer": None, "pre_tokenizer": None,
                 "post_processor": None, "decoder": None,
                 "model": {"type": "BPE", "dropout": None, "unk_token": None,
                           "continuing_subword_prefix": None, "end_of_word_suffix": None,
                           "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                           "vocab": {c: i for i, c in enumerate(VOCAB)}, "merges": []}}
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
    if not sharded:
        save_safetensors(folder / "model.safetensors", sd, "BF16", {"format": "pt"})
        return
    # save_pretrained's split: model-0000N-of-00002.safetensors and the index naming each
    # tensor's file (here in F16, as some checkpoints are shared).
    keys = list(sd)
    weight_map = {}
    for n, part in enumerate([keys[:len(keys) // 2], keys[len(keys) // 2:]], 1):
        name = f"model-{n:05d}-of-00002.safetensors"
        save_safetensors(folder / name, {k: sd[k] for k in part}, "F16", {"format": "pt"})
        weight_map.update({k: name for k in part})
    total = sum(v.numel() * 2 for v in sd.values())
    (folder / "model.safetensors.index.json").write_text(json.dumps(
        {"metadata": {"total_size": total}, "weight_map": weight_map}, indent=2) + "\n")


def main():
    OUT.mkdir(exist_ok=True)
    torch.set_num_threads(1)
    text = TEXTS["az"]
    ids = [VOCAB.index(ch) for ch in text]
    for seed, (name, fields) in enumerate(CASES.items(), 40):
        config = dict(BASE)
        config.update(fields)
        sharded = name == "qwen3"
        sd = random_state_dict(config, seed)
        dtype = torch.float16 if sharded else torch.bfloat16
        sd = {k: v.to(dtype).float() for k, v in sd.items()}  # what the file gives back
        write_folder(OUT / name, config, sd, sharded)
        with torch.no_grad():
            layers, logits = Decoder(config, sd).forward(ids)
        c = text_config(config)
        expected = {
            "torch_version": torch.__version__, "transformers": "as hf_reference.py names its sources",
            "folder": name, "model_type": c["model_type"], "text": text, "ids": ids,
            "n_head": c["num_attention_heads"], "n_kv_head": c["num_key_value_heads"],
            "layers": [{"heads": [matrix(w) for w in layer["weights"]],
                        "x_mid": matrix(layer["x_mid"]), "mlp_out": matrix(layer["mlp_out"]),
                        "x_out": matrix(layer["x_out"])} for layer in layers],
            "logits": matrix(logits),
            "predictions": [[{"id": int(i), "p": float(p)} for p, i in zip(*row)]
                            for row in zip(*[t.tolist() for t in
                                             torch.topk(F.softmax(logits, dim=-1), 5)])]}
        (OUT / f"{name}.expected.json").write_text(
            json.dumps(expected, ensure_ascii=False) + "\n", encoding="utf-8")
        peak = max(float(w.max(dim=-1).values.mean()) for layer in layers for w in layer["weights"])
        print(f"{name}: {len(layers)} layers, T = {len(ids)}, peak mean max weight {peak:.2f}")


if __name__ == "__main__":
    main()
