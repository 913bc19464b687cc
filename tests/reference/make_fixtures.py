#!/usr/bin/python3
"""Makes the PyTorch reference fixtures that attnviz's tests compare against.

Run with Debian's PyTorch:  /usr/bin/python3 tests/reference/make_fixtures.py
For each case it builds the lesson's model (token and position embeddings, then the day-12
SelfAttention module) from torch.manual_seed(seed), runs it on the case's tokens, and writes
  fixtures/<name>.weights.json   the weights, in attnviz's --weights format
  fixtures/<name>.expected.json  the tokens and every intermediate: x, q, k, v, scores, weights, out
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

    def __init__(self, n_embd, block_size, causal=True):
        super().__init__()
        self.key = nn.Linear(n_embd, n_embd, bias=False)
        self.query = nn.Linear(n_embd, n_embd, bias=False)
        self.value = nn.Linear(n_embd, n_embd, bias=False)
        self.register_buffer('tril', torch.tril(torch.ones(block_size, block_size))
                                     .view(1, block_size, block_size))
        self.causal = causal  # ADDED

    def forward(self, x):
        B, T, C = x.shape
        k = self.key(x)
        q = self.query(x)
        v = self.value(x)
        wei = q @ k.transpose(-2, -1) * (C**-0.5)
        self.trace = {"q": q, "k": k, "v": v, "scores": q @ k.transpose(-2, -1)}  # ADDED
        if self.causal:  # ADDED
            wei = wei.masked_fill(self.tril[:, :T, :T] == 0, float('-inf'))
        wei = F.softmax(wei, dim=-1)
        out = wei @ v
        self.trace.update(weights=wei, out=out)  # ADDED
        return out


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

    torch.manual_seed(case["seed"])
    token_embedding = nn.Embedding(len(vocab), C)
    position_embedding = nn.Embedding(block_size, C) if positions else None
    sa = SelfAttention(C, block_size, causal=case.get("causal", True))
    with torch.no_grad():
        sa.query.weight *= case.get("qk_gain", 1.0)
        sa.key.weight *= case.get("qk_gain", 1.0)

        idx = torch.tensor([vocab.index(t) for t in tokens])
        x = token_embedding(idx)
        if positions:
            x = x + position_embedding(torch.arange(len(tokens)))
        out = sa(x.view(1, len(tokens), C))

    weights = {"n_embd": C, "block_size": block_size, "vocab": vocab,
               "token_embedding.weight": tensor(token_embedding.weight)}
    if positions:
        weights["position_embedding.weight"] = tensor(position_embedding.weight)
    for name in ("query", "key", "value"):
        weights[name + ".weight"] = tensor(getattr(sa, name).weight)

    expected = {"torch_version": torch.__version__, "text": case["text"],
                "tokenizer": case["tokenizer"], "tokens": tokens,
                "causal": case.get("causal", True), "x": tensor(x)}
    expected.update({k: tensor(v) for k, v in sa.trace.items()})
    assert torch.equal(out, sa.trace["out"])

    for suffix, doc in (("weights", weights), ("expected", expected)):
        path = OUT / f"{case['name']}.{suffix}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{case['name']}: T={len(tokens)} n_embd={C}")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    torch.set_num_threads(1)
    for case in CASES:
        make(case)
