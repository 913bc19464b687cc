#!/usr/bin/python3
"""Writes the GGUF fuzz target's seeds into tests/fuzz/corpus/gguf with llama.cpp's gguf-py: small
files of each architecture attnviz reads, with either tokenizer, and every quantized type.

    make_gguf_seeds.py GGUF_PY        (build/release/tests/llama.cpp/gguf-py after the test build)
"""
import pathlib
import sys

import numpy as np

sys.path.insert(0, sys.argv[1])
import gguf  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent / "corpus" / "gguf"
rng = np.random.default_rng(26)
Q = gguf.GGMLQuantizationType


def model(path, arch, qtype, tokenizer, C=32, V=8, extra=()):
    w = gguf.GGUFWriter(str(path), arch)
    w.add_block_count(1)
    w.add_context_length(64)
    w.add_embedding_length(C)
    w.add_feed_forward_length(C)
    w.add_head_count(2)
    w.add_head_count_kv(1)
    w.add_layer_norm_rms_eps(1e-6)
    tokens = ["a", "b", "ab", "▁", "▁a", "<s>", "</s>", "<0x41>"][:V]
    w.add_tokenizer_model(tokenizer)
    w.add_token_list(tokens)
    w.add_token_types([1, 1, 1, 1, 1, 3, 3, 6][:V])
    if tokenizer == "llama":
        w.add_token_scores([-float(i) for i in range(V)])
        w.add_bos_token_id(5)
    else:
        w.add_tokenizer_pre("qwen2")
        w.add_token_merges(["a b", "▁ a"])
    def add(name, shape):
        x = (0.5 * rng.standard_normal(shape)).astype(np.float32)
        if len(shape) == 2 and qtype not in (Q.F32, Q.F16):
            w.add_tensor(name, gguf.quants.quantize(x, qtype), raw_dtype=qtype)
        else:
            w.add_tensor(name, x.astype(np.float16) if qtype == Q.F16 and len(shape) == 2 else x)
    add("token_embd.weight", (V, C))
    for n, shape in (("attn_norm", (C,)), ("attn_q", (C, C)), ("attn_k", (C // 2, C)),
                     ("attn_v", (C // 2, C)), ("attn_output", (C, C)), ("ffn_norm", (C,)),
                     ("ffn_gate", (C, C)), ("ffn_up", (C, C)), ("ffn_down", (C, C))) + extra:
        add(f"blk.0.{n}" + ("" if n.endswith(".bias") else ".weight"), shape)
    add("output_norm.weight", (C,))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def k_types(path):
    """One 256-wide row of each K type and the others, blocks of random bytes."""
    w = gguf.GGUFWriter(str(path), "llama")
    for qtype in (Q.Q2_K, Q.Q3_K, Q.Q4_K, Q.Q5_K, Q.Q6_K, Q.Q4_1, Q.Q5_0, Q.Q5_1, Q.BF16):
        size, bytes_per = gguf.GGML_QUANT_SIZES[qtype]
        raw = rng.integers(0, 256, 256 // size * bytes_per, dtype=np.uint8).reshape(1, -1)
        w.add_tensor(f"t.{qtype.name.lower()}", raw, raw_dtype=qtype)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def gpt2(path, C=32, V=8):
    """GPT-2 as llama.cpp keeps it: position_embd, attn_qkv, biases, LayerNorm."""
    w = gguf.GGUFWriter(str(path), "gpt2")
    w.add_block_count(1)
    w.add_context_length(16)
    w.add_embedding_length(C)
    w.add_feed_forward_length(C)
    w.add_head_count(2)
    w.add_layer_norm_eps(1e-5)
    w.add_tokenizer_model("llama")
    w.add_token_list(["a", "b", "ab", "▁", "▁a", "<s>", "</s>", "<0x41>"][:V])
    w.add_token_scores([-float(i) for i in range(V)])

    def add(name, shape):
        x = (0.5 * rng.standard_normal(shape)).astype(np.float32)
        if len(shape) == 2:
            w.add_tensor(name, gguf.quants.quantize(x, Q.Q8_0), raw_dtype=Q.Q8_0)
        else:
            w.add_tensor(name, x)
    add("token_embd.weight", (V, C))
    add("position_embd.weight", (16, C))
    for n, shape in (("attn_norm", C), ("attn_qkv", (3 * C, C)), ("attn_output", (C, C)),
                     ("ffn_norm", C), ("ffn_up", (C, C)), ("ffn_down", (C, C))):
        rows = shape if isinstance(shape, tuple) else (shape,)
        add(f"blk.0.{n}.weight", rows)
        add(f"blk.0.{n}.bias", (rows[0],))
    add("output_norm.weight", (C,))
    add("output_norm.bias", (C,))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


OUT.mkdir(parents=True, exist_ok=True)
model(OUT / "llama_q8_0.gguf", "llama", Q.Q8_0, "llama")
model(OUT / "qwen2_q4_0_bpe.gguf", "qwen2", Q.Q4_0, "gpt2",
      extra=(("attn_q.bias", (32,)), ("attn_k.bias", (16,)), ("attn_v.bias", (16,))))
model(OUT / "gemma2_f16.gguf", "gemma2", Q.F16, "llama", C=16,
      extra=(("post_attention_norm", (16,)), ("post_ffw_norm", (16,))))
model(OUT / "qwen3_f32.gguf", "qwen3", Q.F32, "llama", C=16,
      extra=(("attn_q_norm", (8,)), ("attn_k_norm", (8,))))
k_types(OUT / "k_types.gguf")
gpt2(OUT / "gpt2_q8_0.gguf")
for f in sorted(OUT.iterdir()):
    print(f.name, f.stat().st_size)
