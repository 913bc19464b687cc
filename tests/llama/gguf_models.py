"""Random-weight models as GGUF files, written with llama.cpp's own gguf-py as its converter
(convert_hf_to_gguf.py) writes them, and read back with gguf-py's reader and dequantizers: the
GGUF tests' way from a Hugging Face state dict to a file and from a file to the state dict
PyTorch's reference (tests/reference/hf_reference.py) runs.

What the converter does that matters here (read in llama.cpp's conversion/llama.py, gemma.py,
qwen.py at the commit node-llama-cpp 3.22.1 bundles): Hugging Face's tensor names become
llama.cpp's (token_embd, blk.N.attn_q, …, output_norm, output); for `llama` the rows of q_proj and
k_proj are permuted (LlamaModel.permute) so that llama.cpp rotates adjacent pairs; Gemma's norm
weights are stored as 1 + w; a llama3 rope scaling becomes the rope_freqs tensor.
"""
import json
import math

import numpy as np
import torch

import gguf

# Hugging Face's name in a block → llama.cpp's (gguf-py's tensor_mapping.py, for these families).
BLOCK_NAMES = {
    "input_layernorm.weight": "attn_norm.weight",
    "self_attn.q_proj.weight": "attn_q.weight",
    "self_attn.k_proj.weight": "attn_k.weight",
    "self_attn.v_proj.weight": "attn_v.weight",
    "self_attn.q_proj.bias": "attn_q.bias",
    "self_attn.k_proj.bias": "attn_k.bias",
    "self_attn.v_proj.bias": "attn_v.bias",
    "self_attn.o_proj.weight": "attn_output.weight",
    "self_attn.q_norm.weight": "attn_q_norm.weight",
    "self_attn.k_norm.weight": "attn_k_norm.weight",
    "mlp.gate_proj.weight": "ffn_gate.weight",
    "mlp.up_proj.weight": "ffn_up.weight",
    "mlp.down_proj.weight": "ffn_down.weight",
}

ARCH = {"llama": "llama", "qwen2": "qwen2", "qwen3": "qwen3", "gemma": "gemma", "gemma2": "gemma2",
        "gemma3_text": "gemma3"}


def gguf_name(hf, post_norms):
    if hf == "model.embed_tokens.weight":
        return "token_embd.weight"
    if hf == "model.norm.weight":
        return "output_norm.weight"
    if hf == "lm_head.weight":
        return "output.weight"
    _, _, layer, rest = hf.split(".", 3)
    if rest == "post_attention_layernorm.weight":
        rest = "post_attention_norm.weight" if post_norms else "ffn_norm.weight"
    elif rest == "pre_feedforward_layernorm.weight":
        rest = "ffn_norm.weight"
    elif rest == "post_feedforward_layernorm.weight":
        rest = "post_ffw_norm.weight"
    else:
        rest = BLOCK_NAMES[rest]
    return f"blk.{layer}.{rest}"


def permute(w, n_head):
    """LlamaModel.permute: each head's two halves interleaved, row by row."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def unpermute(w, n_head):
    return w.reshape(n_head, w.shape[0] // n_head // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def llama3_rope_factors(c):
    """LlamaModel.generate_extra_tensors: the divisor of each inverse frequency."""
    rope = c["rope_scaling"]
    base = c.get("rope_theta", 10000.0)
    dim = c.get("head_dim") or c["hidden_size"] // c["num_attention_heads"]
    freqs = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
    factor, low, high = rope["factor"], rope["low_freq_factor"], rope["high_freq_factor"]
    old = rope["original_max_position_embeddings"]
    factors = []
    for freq in freqs:
        wavelen = 2 * math.pi / freq
        if wavelen < old / high:
            factors.append(1)
        elif wavelen > old / low:
            factors.append(factor)
        else:
            smooth = (old / wavelen - low) / (high - low)
            factors.append(1 / ((1 - smooth) / factor + smooth))
    return np.array(factors, dtype=np.float32)


def write(path, c, sd, vocab):
    """An F32 GGUF of the state dict `sd` (Hugging Face's names) with config `c`; `vocab` the
    tokens (a SentencePiece vocabulary, each token scored by its id: llama.cpp needs one to load a
    model), or SentencePiece tables {"tokens", "types", "scores"} to carry as the tokenizer."""
    tables = vocab if isinstance(vocab, dict) else {
        "tokens": vocab, "types": [gguf.TokenType.NORMAL] * len(vocab),
        "scores": [-float(i) for i in range(len(vocab))]}
    t = c["model_type"]
    arch = ARCH[t]
    post_norms = t in ("gemma2", "gemma3_text")
    H, KV = c["num_attention_heads"], c["num_key_value_heads"]
    d = c.get("head_dim") or c["hidden_size"] // H
    w = gguf.GGUFWriter(str(path), arch)
    w.add_block_count(c["num_hidden_layers"])
    w.add_context_length(c["max_position_embeddings"])
    w.add_embedding_length(c["hidden_size"])
    w.add_feed_forward_length(c["intermediate_size"])
    w.add_head_count(H)
    w.add_head_count_kv(KV)
    w.add_key_length(d)
    w.add_value_length(d)
    w.add_layer_norm_rms_eps(c["rms_norm_eps"])
    w.add_rope_freq_base(c.get("rope_theta", 10000.0))
    rope = c.get("rope_scaling") or {}
    if rope.get("rope_type", rope.get("type")) == "linear":
        w.add_rope_scaling_type(gguf.RopeScalingType.LINEAR)
        w.add_rope_scaling_factor(rope["factor"])
    if t in ("gemma2", "gemma3_text"):
        w.add_sliding_window(c["sliding_window"])
    if t == "gemma2":
        w.add_attn_logit_softcapping(c["attn_logit_softcapping"])
        w.add_final_logit_softcapping(c["final_logit_softcapping"])
    if t == "gemma3_text":
        w.add_rope_freq_base_swa(c.get("rope_local_base_freq", 10000.0))
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_tokenizer_model("llama")
    w.add_token_list(tables["tokens"])
    w.add_token_scores(tables["scores"])
    w.add_token_types(tables["types"])
    w.add_add_bos_token(False)
    w.add_add_space_prefix(False)
    if rope.get("rope_type") == "llama3":
        w.add_tensor("rope_freqs.weight", llama3_rope_factors(c))
    for name, tensor in sd.items():
        x = tensor.float()
        if t == "llama" and name.endswith(("q_proj.weight", "q_proj.bias")):
            x = permute(x, H)
        if t == "llama" and name.endswith(("k_proj.weight", "k_proj.bias")):
            x = permute(x, KV)
        if t.startswith("gemma") and name.endswith("norm.weight"):
            x = x + 1
        w.add_tensor(gguf_name(name, post_norms), x.numpy().astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def read(path, c):
    """The state dict (Hugging Face's names, float32) that a GGUF file's tensors stand for, as
    gguf-py's dequantizers read them: the converter's steps undone."""
    t = c["model_type"]
    post_norms = t in ("gemma2", "gemma3_text")
    H, KV = c["num_attention_heads"], c["num_key_value_heads"]
    names = {}
    norms = ["post_attention_layernorm.weight"]
    if post_norms:
        norms += ["pre_feedforward_layernorm.weight", "post_feedforward_layernorm.weight"]
    for name in list(BLOCK_NAMES) + norms:
        for i in range(c["num_hidden_layers"]):
            hf = f"model.layers.{i}.{name}"
            names[gguf_name(hf, post_norms)] = hf
    for hf in ("model.embed_tokens.weight", "model.norm.weight", "lm_head.weight"):
        names[gguf_name(hf, post_norms)] = hf
    sd = {}
    for tensor in gguf.GGUFReader(str(path)).tensors:
        if tensor.name == "rope_freqs.weight":
            continue
        x = torch.from_numpy(np.array(gguf.quants.dequantize(tensor.data, tensor.tensor_type),
                                      dtype=np.float32))
        x = x.reshape([int(n) for n in reversed(tensor.shape)])
        name = names[tensor.name]
        if t == "llama" and name.endswith(("q_proj.weight", "q_proj.bias")):
            x = unpermute(x, H)
        if t == "llama" and name.endswith(("k_proj.weight", "k_proj.bias")):
            x = unpermute(x, KV)
        if t.startswith("gemma") and name.endswith("norm.weight"):
            x = x - 1
        sd[name] = x
    return sd


def tokenizer_tables(folder, kind):
    """A real tokenizer.json (and tokenizer_config.json) as GGUF's tokenizer.ggml.* tables, the
    way the converter writes each kind: "bpe" keeps the merges (Llama 3, Qwen 3); "spm" gives
    SentencePiece scores (here each token's −id: the merges' order, best first) and marks the
    <0xXX> tokens as bytes (Llama 2, Gemma 3)."""
    doc = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    config = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
    vocab = dict(doc["model"]["vocab"])
    added = {a["id"]: a for a in doc["added_tokens"]}
    size = max(max(vocab.values()), max(added, default=0)) + 1
    tokens = [f"[PAD{i}]" for i in range(size)]
    for token, i in vocab.items():
        tokens[i] = token
    types = [gguf.TokenType.NORMAL] * size
    for i, a in added.items():
        tokens[i] = a["content"]
        types[i] = gguf.TokenType.CONTROL if a["special"] else gguf.TokenType.USER_DEFINED
    special = lambda name: tokens.index(config[name]) if isinstance(config.get(name), str) else None
    tables = {"tokens": tokens, "types": types, "bos": special("bos_token"),
              "eos": special("eos_token")}
    if kind == "spm":
        for i, t in enumerate(tokens):
            if len(t) == 6 and t.startswith("<0x") and t.endswith(">"):
                types[i] = gguf.TokenType.BYTE
        unk = doc["model"].get("unk_token")
        if unk:
            types[tokens.index(unk)] = gguf.TokenType.UNKNOWN
            tables["unk"] = tokens.index(unk)
        tables["scores"] = [0.0 if types[i] != gguf.TokenType.NORMAL else -float(i)
                            for i in range(size)]
    else:
        tables["merges"] = [m if isinstance(m, str) else " ".join(m) for m in doc["model"]["merges"]]
    return tables


def write_with_tokenizer(path, tables, kind, pre=None, add_bos=None, add_space_prefix=None):
    """A one-block random llama model (64 wide) carrying a real vocabulary: a GGUF a user could
    run, whose tokenizer llama.cpp and attnviz both read from the file."""
    V, C = len(tables["tokens"]), 64
    torch.manual_seed(20)
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_block_count(1)
    w.add_context_length(512)
    w.add_embedding_length(C)
    w.add_feed_forward_length(C)
    w.add_head_count(2)
    w.add_head_count_kv(2)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    w.add_tokenizer_model("llama" if kind == "spm" else "gpt2")
    if pre:
        w.add_tokenizer_pre(pre)
    w.add_token_list(tables["tokens"])
    w.add_token_types(tables["types"])
    if kind == "spm":
        w.add_token_scores(tables["scores"])
    else:
        w.add_token_merges(tables["merges"])
    for key, add in (("bos", w.add_bos_token_id), ("eos", w.add_eos_token_id),
                     ("unk", w.add_unk_token_id)):
        if tables.get(key) is not None:
            add(tables[key])
    if add_bos is not None:
        w.add_add_bos_token(add_bos)
    if add_space_prefix is not None:
        w.add_add_space_prefix(add_space_prefix)
    w.add_tensor("token_embd.weight", (0.1 * torch.randn(V, C)).numpy().astype(np.float16))
    for name, shape in (("attn_norm", (C,)), ("attn_q", (C, C)), ("attn_k", (C, C)),
                        ("attn_v", (C, C)), ("attn_output", (C, C)), ("ffn_norm", (C,)),
                        ("ffn_gate", (C, C)), ("ffn_up", (C, C)), ("ffn_down", (C, C))):
        x = torch.ones(shape) if len(shape) == 1 else 0.1 * torch.randn(shape)
        w.add_tensor(f"blk.0.{name}.weight", x.numpy().astype(np.float32))
    w.add_tensor("output_norm.weight", torch.ones(C).numpy().astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


# GPT-2 in nanoGPT's names → llama.cpp's (its gpt2 architecture): the converter transposes the
# Conv1D weights into nn.Linear's layout, which is nanoGPT's already.
GPT2_NAMES = {"ln_1": "attn_norm", "attn.c_attn": "attn_qkv", "attn.c_proj": "attn_output",
              "ln_2": "ffn_norm", "mlp.c_fc": "ffn_up", "mlp.c_proj": "ffn_down"}
GPT2_OUTER = {"transformer.wte.weight": "token_embd.weight",
              "transformer.wpe.weight": "position_embd.weight",
              "transformer.ln_f.weight": "output_norm.weight",
              "transformer.ln_f.bias": "output_norm.bias", "lm_head.weight": "output.weight"}


def gpt2_gguf_name(name):
    if name in GPT2_OUTER:
        return GPT2_OUTER[name]
    _, _, layer, rest = name.split(".", 3)
    part, kind = rest.rsplit(".", 1)
    return f"blk.{layer}.{GPT2_NAMES[part]}.{kind}"


def write_gpt2(path, sd, n_head, vocab, eps=1e-5):
    """An F32 GGUF of a nanoGPT state dict (biases, tied lm_head) as llama.cpp's gpt2."""
    n_embd = sd["transformer.wte.weight"].shape[1]
    w = gguf.GGUFWriter(str(path), "gpt2")
    w.add_block_count(sum(1 for k in sd if k.endswith(".attn.c_attn.weight")))
    w.add_context_length(sd["transformer.wpe.weight"].shape[0])
    w.add_embedding_length(n_embd)
    w.add_feed_forward_length(sd["transformer.h.0.mlp.c_fc.weight"].shape[0])
    w.add_head_count(n_head)
    w.add_layer_norm_eps(eps)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    w.add_tokenizer_model("llama")
    w.add_token_list(vocab)
    w.add_token_scores([-float(i) for i in range(len(vocab))])
    w.add_token_types([gguf.TokenType.NORMAL] * len(vocab))
    w.add_add_bos_token(False)
    w.add_add_space_prefix(False)
    for name, tensor in sd.items():
        if name == "lm_head.weight" or name.split(".")[3:] == ["attn", "bias"]:
            continue  # tied to wte (llama.cpp then reads token_embd); nanoGPT's causal mask
        w.add_tensor(gpt2_gguf_name(name), tensor.float().numpy().astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def read_gpt2(path):
    """The nanoGPT state dict a gpt2 GGUF's tensors stand for, as gguf-py dequantizes them."""
    names = {}
    sd = {}
    for tensor in gguf.GGUFReader(str(path)).tensors:
        x = torch.from_numpy(np.array(gguf.quants.dequantize(tensor.data, tensor.tensor_type),
                                      dtype=np.float32))
        x = x.reshape([int(n) for n in reversed(tensor.shape)])
        if not names:
            names = {gpt2_gguf_name(k): k for k in GPT2_OUTER}
        if tensor.name in names:
            sd[names[tensor.name]] = x
            continue
        _, layer, part, kind = tensor.name.split(".")
        inverse = {v: k for k, v in GPT2_NAMES.items()}
        sd[f"transformer.h.{layer}.{inverse[part]}.{kind}"] = x
    sd.setdefault("lm_head.weight", sd["transformer.wte.weight"])
    return sd
