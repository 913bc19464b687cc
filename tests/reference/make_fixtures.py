#!/usr/bin/python3
"""Makes the PyTorch reference fixtures that attnviz's tests compare against.

Run with Debian's PyTorch:  /usr/bin/python3 tests/reference/make_fixtures.py
For each case it builds the lesson's model (token and position embeddings, then the day-12
SelfAttention module, or day 13's MultiHeadAttention as in Karpathy's gpt.py) from
torch.manual_seed(seed), runs it on the case's tokens, and writes
  fixtures/<name>.weights.json   the weights, in attnviz's --weights format (the state_dict)
  fixtures/<name>.expected.json  the tokens and every intermediate: x; per head q, k, v, scores,
                                 weights, out; the heads joined (concat); the module's output;
                                 and, unless the case edits the weights, the random settings
                                 (seed, sizes) with which attnviz draws the very same weights
The weights come from PyTorch's own initialization after torch.manual_seed(seed), in the order
the lesson's code creates the modules; the randn cases draw x = torch.randn(1, T, C) first.
Floats are written as the shortest decimal that reads back to the same float32.
"""
import json
import pathlib
import re

import numpy as np
import torch
import torch.nn as nn
from torch.nn import functional as F

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "fixtures"


class SelfAttention(nn.Module):
    """The lesson's module (day 12), verbatim but for two additions marked ADDED: a switch to drop
    the mask, and keeping the intermediates so the tests can check each step."""

    def __init__(self, n_embd, block_size, causal=True, scale=True):
        super().__init__()
        self.key = nn.Linear(n_embd, n_embd, bias=False)
        self.query = nn.Linear(n_embd, n_embd, bias=False)
        self.value = nn.Linear(n_embd, n_embd, bias=False)
        self.register_buffer('tril', torch.tril(torch.ones(block_size, block_size))
                                     .view(1, block_size, block_size))
        self.causal = causal  # ADDED
        self.scale = scale  # ADDED

    def forward(self, x):
        B, T, C = x.shape
        k = self.key(x)
        q = self.query(x)
        v = self.value(x)
        wei = q @ k.transpose(-2, -1) * (C**-0.5 if self.scale else 1.0)  # ADDED: the switch
        self.trace = {"q": q, "k": k, "v": v, "scores": q @ k.transpose(-2, -1)}  # ADDED
        if self.causal:  # ADDED
            wei = wei.masked_fill(self.tril[:, :T, :T] == 0, float('-inf'))
        wei = F.softmax(wei, dim=-1)
        out = wei @ v
        self.trace.update(weights=wei, out=out)  # ADDED
        return out


class Head(nn.Module):
    """One head of Karpathy's gpt.py (day 13), without dropout; ADDED: keeps its intermediates."""

    def __init__(self, n_embd, head_size, block_size):
        super().__init__()
        self.key = nn.Linear(n_embd, head_size, bias=False)
        self.query = nn.Linear(n_embd, head_size, bias=False)
        self.value = nn.Linear(n_embd, head_size, bias=False)
        self.register_buffer('tril', torch.tril(torch.ones(block_size, block_size)))

    def forward(self, x):
        B, T, C = x.shape
        k = self.key(x)
        q = self.query(x)
        wei = q @ k.transpose(-2, -1) * k.shape[-1]**-0.5
        wei = wei.masked_fill(self.tril[:T, :T] == 0, float('-inf'))
        wei = F.softmax(wei, dim=-1)
        v = self.value(x)
        out = wei @ v
        self.trace = {"q": q, "k": k, "v": v, "scores": q @ k.transpose(-2, -1),
                      "weights": wei, "out": out}  # ADDED
        return out


class MultiHeadAttention(nn.Module):
    """Karpathy's gpt.py MultiHeadAttention (day 13), without dropout."""

    def __init__(self, num_heads, head_size, n_embd, block_size):
        super().__init__()
        self.heads = nn.ModuleList([Head(n_embd, head_size, block_size) for _ in range(num_heads)])
        self.proj = nn.Linear(head_size * num_heads, n_embd)

    def forward(self, x):
        out = torch.cat([h(x) for h in self.heads], dim=-1)
        self.concat = out  # ADDED
        return self.proj(out)


def char_tokens(text):
    return list(text)  # the case texts have no combining marks, so code points are graphemes


def word_tokens(text):
    return re.findall(r"\w+|[^\w\s]", text)


CASES = [
    dict(name="az_char", text="Azərbaycan dili", tokenizer="char", n_embd=16, seed=1337,
         block_size=32),
    dict(name="lesson_word", text="Mən çayı sevirəm, çünki o, isti və rahatladıcıdır.",
         tokenizer="word", n_embd=8, seed=12, block_size=16),
    dict(name="cyrillic_char", text="Азәрбајҹан дили", tokenizer="char", n_embd=32, seed=3,
         block_size=16),
    dict(name="one_token", text="A", tokenizer="char", n_embd=4, seed=0, block_size=4),
    dict(name="long_char",
         text="Diqqət mexanizmi modelə bir sözü emal edərkən digər sözlərin vacibliyini göstərir.",
         tokenizer="char", n_embd=64, seed=2024, block_size=96),
    dict(name="nomask_word", text="Azərbaycan dili çox gözəldir!", tokenizer="word", n_embd=16,
         seed=5, block_size=8, causal=False),
    dict(name="nopos_char", text="salam salam", tokenizer="char", n_embd=8, seed=9,
         block_size=16, positions=False),
    dict(name="subword_list", text="Az|ər|bay|can| |dili", tokenizer="list", n_embd=12, seed=77,
         block_size=8),
    # Large logits: query and key scaled up so softmax is nearly one-hot, testing its stability.
    dict(name="sharp_char", text="Bakı küləkli şəhərdir", tokenizer="char", n_embd=48, seed=31,
         block_size=24, qk_gain=8.0),
    # Without the scale (--no-scale): the softmax saturates, which the lesson's C**-0.5 prevents.
    dict(name="noscale_char", text="Azərbaycan dili", tokenizer="char", n_embd=64, seed=1337,
         block_size=16, scale=False),
    # Day 13: MultiHeadAttention(H, n_embd / H) with the output projection.
    dict(name="mh1_char", text="Azərbaycan dili", tokenizer="char", n_embd=16, seed=1337,
         block_size=32, n_head=1),
    dict(name="mh2_word", text="Mən çayı sevirəm, çünki o, isti və rahatladıcıdır.",
         tokenizer="word", n_embd=32, seed=13, block_size=16, n_head=2),
    dict(name="mh4_char", text="Süni intellekt dili öyrənir, biz də onu öyrənirik.",
         tokenizer="char", n_embd=64, seed=4, block_size=64, n_head=4),
    dict(name="mh4_tiny", text="Bakı", tokenizer="char", n_embd=8, seed=8, block_size=8,
         n_head=4),
    # The lesson's exercise: x = torch.randn(1, T, C) right after the seed, then the module.
    dict(name="randn_exercise", text="a|b|c|d|e|f|g|h", tokenizer="list", n_embd=32, seed=1337,
         block_size=8, input="randn"),
    dict(name="randn_mh2", text="Azərbaycan dili", tokenizer="char", n_embd=16, seed=42,
         block_size=32, n_head=2, input="randn"),
]


def f32(values):
    """Nested lists of floats, each the shortest decimal of its float32."""
    if isinstance(values, list):
        return [f32(v) for v in values]
    return float(str(np.float32(values)))


def tensor(t):
    return f32(t.detach().reshape(t.shape[-2], t.shape[-1]).tolist())


def make(case):
    tokenize = {"char": char_tokens, "word": word_tokens, "list": lambda s: s.split("|")}
    tokens = tokenize[case["tokenizer"]](case["text"])
    vocab = list(dict.fromkeys(tokens))
    C, block_size = case["n_embd"], case["block_size"]
    positions = case.get("positions", True)

    randn = case.get("input") == "randn"
    torch.manual_seed(case["seed"])
    if randn:
        x = torch.randn(1, len(tokens), C)
    else:
        token_embedding = nn.Embedding(len(vocab), C)
        position_embedding = nn.Embedding(block_size, C) if positions else None
    n_head = case.get("n_head", 0)
    if n_head:
        module = MultiHeadAttention(n_head, C // n_head, C, block_size)
    else:
        module = SelfAttention(C, block_size, causal=case.get("causal", True),
                               scale=case.get("scale", True))
    with torch.no_grad():
        if not n_head:
            module.query.weight *= case.get("qk_gain", 1.0)
            module.key.weight *= case.get("qk_gain", 1.0)

        if not randn:
            idx = torch.tensor([vocab.index(t) for t in tokens])
            x = token_embedding(idx)
            if positions:
                x = x + position_embedding(torch.arange(len(tokens)))
        out = module(x.view(1, len(tokens), C))

    weights = {"n_embd": C, "block_size": block_size}
    if not randn:
        weights.update({"vocab": vocab,
                        "token_embedding.weight": f32(token_embedding.weight.tolist())})
    if positions and not randn:
        weights["position_embedding.weight"] = f32(position_embedding.weight.tolist())
    # Everything in the module's state_dict, as a student would dump it (tril buffers included).
    weights.update({name: f32(t.tolist()) for name, t in module.state_dict().items()})

    traces = [h.trace for h in module.heads] if n_head else [module.trace]
    expected = {"torch_version": torch.__version__, "text": case["text"],
                "tokenizer": case["tokenizer"], "tokens": tokens,
                "causal": case.get("causal", True), "scale": case.get("scale", True),
                "n_head": n_head, "x": tensor(x),
                "heads": [{k: tensor(v) for k, v in trace.items()} for trace in traces],
                "concat": tensor(module.concat if n_head else traces[0]["out"]),
                "output": tensor(out)}
    if "qk_gain" not in case:  # exactly what attnviz draws with --seed, --n-embd, ...
        expected["random"] = {"seed": case["seed"], "n_embd": C, "block_size": block_size,
                              "positions": positions, "n_head": n_head,
                              "input": case.get("input", "embeddings")}

    for suffix, doc in (("weights", weights), ("expected", expected)):
        path = OUT / f"{case['name']}.{suffix}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{case['name']}: T={len(tokens)} n_embd={C}")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    torch.set_num_threads(1)
    for case in CASES:
        make(case)
