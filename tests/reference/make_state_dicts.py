#!/usr/bin/python3
"""Makes the state_dict fixtures: real PyTorch models saved in the layouts and formats students
meet, with the attention every one of them computes.

Run with Debian's PyTorch:  /usr/bin/python3 tests/reference/make_state_dicts.py
Writes, into state_dicts/, for each case:
  <name>.safetensors or <name>.json  the model's state_dict as saved from PyTorch
  <name>.expected.json               how attnviz is asked to load it (prefix, --heads), the text,
                                     and every intermediate: x, LayerNorm(x), per head q, k, v,
                                     scores, weights, out; concat; the module's output
safetensors files are written by hand (Debian has no python3-safetensors): an 8-byte
little-endian header size, the JSON header, then each tensor's bytes. For F16 and BF16 files the
expected numbers come from the weights rounded to that dtype, as a model loaded from the file has.
"""
import json
import math
import pathlib
import struct

import torch
import torch.nn as nn
from torch.nn import functional as F

from make_fixtures import MultiHeadAttention  # gpt.py's, the same state_dict keys
from make_fixtures import f32, tensor as matrix  # shortest float32 decimals, (T, C) as rows

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "state_dicts"
TEXT = "Azərbaycan dili"
DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def save_safetensors(path, state_dict, dtype, metadata):
    header, blobs, offset = {}, [], 0
    for name, t in state_dict.items():
        t = t.detach().to(DTYPES[dtype]).contiguous()
        raw = (t.view(torch.int16) if dtype == "BF16" else t).numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def save_json(path, state_dict, settings):
    doc = dict(settings)
    doc.update({name: f32(t.detach().tolist()) for name, t in state_dict.items()})
    path.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")


def round_to(module, dtype):
    """The weights as a file of `dtype` gives them back: rounded, then float32 again."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(p.to(DTYPES[dtype]).float())


def attention(q, k, v):
    """One head, as every layout here computes it: (T, hs) each → scores, weights, out."""
    T, hs = q.shape
    scores = q @ k.T
    wei = (scores * hs**-0.5).masked_fill(torch.triu(torch.ones(T, T), 1) == 1, float("-inf"))
    wei = F.softmax(wei, dim=-1)
    return {"q": q, "k": k, "v": v, "scores": scores, "weights": wei, "out": wei @ v}


# ---- The lesson's SelfAttention (day 12) with its embeddings --------------------------------

class Lesson(nn.Module):
    def __init__(self, vocab_size, n_embd, block_size):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, n_embd)
        self.position_embedding = nn.Embedding(block_size, n_embd)
        self.key = nn.Linear(n_embd, n_embd, bias=False)
        self.query = nn.Linear(n_embd, n_embd, bias=False)
        self.value = nn.Linear(n_embd, n_embd, bias=False)
        self.register_buffer("tril", torch.tril(torch.ones(block_size, block_size))
                             .view(1, block_size, block_size))

    def trace(self, idx):
        x = self.token_embedding(idx) + self.position_embedding(torch.arange(len(idx)))
        head = attention(self.query(x), self.key(x), self.value(x))
        return {"x": x, "heads": [head], "concat": head["out"], "output": head["out"]}


# ---- Karpathy's gpt.py (day 13): blocks of MultiHeadAttention after a LayerNorm -----------------

class KarpathyBlock(nn.Module):
    def __init__(self, n_embd, n_head, block_size):
        super().__init__()
        self.sa = MultiHeadAttention(n_head, n_embd // n_head, n_embd, block_size)
        self.ffwd = nn.Module()
        self.ffwd.net = nn.Sequential(nn.Linear(n_embd, 4 * n_embd), nn.ReLU(),
                                      nn.Linear(4 * n_embd, n_embd))
        self.ln1 = nn.LayerNorm(n_embd)
        self.ln2 = nn.LayerNorm(n_embd)


class KarpathyGPT(nn.Module):
    def __init__(self, vocab_size, n_embd, n_head, n_layer, block_size):
        super().__init__()
        self.token_embedding_table = nn.Embedding(vocab_size, n_embd)
        self.position_embedding_table = nn.Embedding(block_size, n_embd)
        self.blocks = nn.Sequential(*[KarpathyBlock(n_embd, n_head, block_size)
                                      for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(n_embd)
        self.lm_head = nn.Linear(n_embd, vocab_size)

    def trace(self, idx):
        x = self.token_embedding_table(idx) + self.position_embedding_table(
            torch.arange(len(idx)))
        block = self.blocks[0]
        xl = block.ln1(x)
        heads = [attention(h.query(xl), h.key(xl), h.value(xl)) for h in block.sa.heads]
        concat = torch.cat([h["out"] for h in heads], dim=-1)
        return {"x": x, "x_ln": xl, "heads": heads, "concat": concat,
                "output": block.sa.proj(concat)}


# ---- nanoGPT's GPT: transformer.h.{i}.attn is CausalSelfAttention with c_attn/c_proj -------------

class LayerNorm(nn.Module):
    """nanoGPT's LayerNorm with an optional bias."""

    def __init__(self, ndim, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim) + 0.1 * torch.randn(ndim))
        self.bias = nn.Parameter(0.1 * torch.randn(ndim)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, block_size, bias):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd, bias=bias)
        self.c_proj = nn.Linear(n_embd, n_embd, bias=bias)
        self.n_head, self.n_embd = n_head, n_embd
        # PyTorch 1.13 has no scaled_dot_product_attention, so nanoGPT keeps its mask buffer.
        self.register_buffer("bias", torch.tril(torch.ones(block_size, block_size))
                             .view(1, 1, block_size, block_size))

    def trace(self, x):
        q, k, v = self.c_attn(x).split(self.n_embd, dim=-1)
        hs = self.n_embd // self.n_head
        heads = [attention(q[:, h * hs:(h + 1) * hs], k[:, h * hs:(h + 1) * hs],
                           v[:, h * hs:(h + 1) * hs]) for h in range(self.n_head)]
        concat = torch.cat([h["out"] for h in heads], dim=-1)
        return heads, concat, self.c_proj(concat)


class Block(nn.Module):
    def __init__(self, n_embd, n_head, block_size, bias):
        super().__init__()
        self.ln_1 = LayerNorm(n_embd, bias)
        self.attn = CausalSelfAttention(n_embd, n_head, block_size, bias)
        self.ln_2 = LayerNorm(n_embd, bias)
        self.mlp = nn.Module()
        self.mlp.c_fc = nn.Linear(n_embd, 4 * n_embd, bias=bias)
        self.mlp.c_proj = nn.Linear(4 * n_embd, n_embd, bias=bias)


class NanoGPT(nn.Module):
    def __init__(self, vocab_size, n_embd, n_head, n_layer, block_size, bias):
        super().__init__()
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab_size, n_embd),
            wpe=nn.Embedding(block_size, n_embd),
            h=nn.ModuleList([Block(n_embd, n_head, block_size, bias) for _ in range(n_layer)]),
            ln_f=LayerNorm(n_embd, bias)))
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # weight tying, as nanoGPT

    def trace(self, idx):
        t = self.transformer
        x = t.wte(idx) + t.wpe(torch.arange(len(idx)))
        block = t.h[0]
        xl = block.ln_1(x)
        heads, concat, out = block.attn.trace(xl)
        return {"x": x, "x_ln": xl, "heads": heads, "concat": concat, "output": out}


def gpt2_conv1d(state_dict):
    """nanoGPT's keys as Hugging Face's GPT-2 has them: no "transformer." and Conv1D weights
    stored transposed (in × out), plus the masked_bias scalar buffer."""
    out = {}
    for name, t in state_dict.items():
        if name == "lm_head.weight":
            continue
        name = name.replace("transformer.", "", 1)
        if name.endswith(("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight",
                          "mlp.c_proj.weight")):
            t = t.t()
        out[name] = t
        if name.endswith(".attn.bias"):  # the mask buffer, not c_attn.bias
            out[name.replace("attn.bias", "attn.masked_bias")] = torch.tensor(-1e4)
    return out


def write_case(name, model, file_name, save, load, vocab, tokens, dtype="F32"):
    if dtype != "F32":
        round_to(model, dtype)
    idx = torch.tensor([vocab.index(t) for t in tokens])
    with torch.no_grad():
        trace = model.trace(idx)
    expected = {"torch_version": torch.__version__, "file": file_name, "dtype": dtype,
                "text": TEXT, "tokens": tokens, **load,
                "x": matrix(trace["x"]),
                "heads": [{k: matrix(v) for k, v in h.items()} for h in trace["heads"]],
                "concat": matrix(trace["concat"]), "output": matrix(trace["output"])}
    if "x_ln" in trace:
        expected["x_ln"] = matrix(trace["x_ln"])
    save(OUT / file_name)
    (OUT / f"{name}.expected.json").write_text(json.dumps(expected, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
    print(f"{name}: {file_name} ({dtype}), {len(trace['heads'])} heads")


def main():
    OUT.mkdir(exist_ok=True)
    torch.set_num_threads(1)
    tokens = list(TEXT)
    lesson_vocab = list(dict.fromkeys(tokens))
    char_vocab = sorted(set(TEXT + "əöüğışçƏÖÜĞIŞÇ.,!?"))  # nanoGPT's char vocab: sorted set

    for dtype in DTYPES:
        torch.manual_seed(1337)
        model = Lesson(len(lesson_vocab), 16, 32)
        sd = model.state_dict()
        meta = {"vocab": json.dumps(lesson_vocab, ensure_ascii=False), "n_embd": "16"}
        write_case(f"lesson_{dtype.lower()}", model, f"lesson_{dtype.lower()}.safetensors",
                   lambda p, sd=sd, dtype=dtype, meta=meta: save_safetensors(p, sd, dtype, meta),
                   {}, lesson_vocab, tokens, dtype)

    torch.manual_seed(7)
    model = KarpathyGPT(len(char_vocab), 32, 4, 2, 16)
    sd = model.state_dict()
    write_case("karpathy_gpt", model, "karpathy_gpt.safetensors",
               lambda p: save_safetensors(p, sd, "F32", {
                   "vocab": json.dumps(char_vocab, ensure_ascii=False), "n_head": "4"}),
               {"prefix": "blocks.0.sa."}, char_vocab, tokens)

    torch.manual_seed(11)
    model = NanoGPT(len(char_vocab), 32, 4, 2, 16, bias=True)
    sd = model.state_dict()
    settings = {"vocab": char_vocab, "n_head": 4, "block_size": 16}
    write_case("nanogpt_json", model, "nanogpt.json", lambda p: save_json(p, sd, settings),
               {"prefix": "transformer.h.0.attn."}, char_vocab, tokens)
    write_case("nanogpt_safetensors", model, "nanogpt.safetensors",
               lambda p: save_safetensors(p, sd, "F32", {
                   "vocab": json.dumps(char_vocab, ensure_ascii=False), "n_head": "4"}),
               {"prefix": "transformer.h.0.attn."}, char_vocab, tokens)

    torch.manual_seed(12)
    model = NanoGPT(len(char_vocab), 32, 2, 1, 16, bias=False)  # nanoGPT's default bias=False
    sd = model.state_dict()
    write_case("nanogpt_nobias_bf16", model, "nanogpt_nobias_bf16.safetensors",
               lambda p: save_safetensors(p, sd, "BF16", {
                   "vocab": json.dumps(char_vocab, ensure_ascii=False)}),
               {"prefix": "transformer.h.0.attn.", "n_head": 2}, char_vocab, tokens, "BF16")

    torch.manual_seed(13)
    model = NanoGPT(len(char_vocab), 24, 3, 2, 16, bias=True)
    sd = gpt2_conv1d(model.state_dict())
    write_case("gpt2_conv1d_f16", model, "gpt2_conv1d_f16.safetensors",
               lambda p: save_safetensors(p, sd, "F16", {
                   "vocab": json.dumps(char_vocab, ensure_ascii=False)}),
               {"prefix": "h.0.attn.", "n_head": 3}, char_vocab, tokens, "F16")


if __name__ == "__main__":
    main()
