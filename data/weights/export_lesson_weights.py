#!/usr/bin/python3
"""Writes the lesson's PyTorch model as attnviz weights JSON (the snippet in README.md).

/usr/bin/python3 data/weights/export_lesson_weights.py  →  data/weights/azerbaycan-dili-torch.json
"""
import json
import pathlib

import torch
import torch.nn as nn
from torch.nn import functional as F


class SelfAttention(nn.Module):  # day 12 of the lesson, unchanged
    def __init__(self, n_embd, block_size):
        super().__init__()
        self.key = nn.Linear(n_embd, n_embd, bias=False)
        self.query = nn.Linear(n_embd, n_embd, bias=False)
        self.value = nn.Linear(n_embd, n_embd, bias=False)
        self.register_buffer('tril', torch.tril(torch.ones(block_size, block_size))
                                     .view(1, block_size, block_size))

    def forward(self, x):
        B, T, C = x.shape
        k = self.key(x)
        q = self.query(x)
        v = self.value(x)
        wei = q @ k.transpose(-2, -1) * (C**-0.5)
        wei = wei.masked_fill(self.tril[:, :T, :T] == 0, float('-inf'))
        wei = F.softmax(wei, dim=-1)
        return wei @ v


torch.manual_seed(1337)
text = "Azərbaycan dili"
tokens = list(text)                  # one token per character, as attnviz --tokenizer char
vocab = list(dict.fromkeys(tokens))  # each distinct token once
n_embd, block_size = 16, 32

token_embedding = nn.Embedding(len(vocab), n_embd)
position_embedding = nn.Embedding(block_size, n_embd)
sa = SelfAttention(n_embd, block_size)

# --- the lines that write attnviz's weights JSON ---
weights = {"n_embd": n_embd, "vocab": vocab,
           "token_embedding.weight": token_embedding.weight.tolist(),
           "position_embedding.weight": position_embedding.weight.tolist()}
weights.update({name: t.tolist() for name, t in sa.state_dict().items()})  # query/key/value (+ tril)
out = pathlib.Path(__file__).with_name("azerbaycan-dili-torch.json")
out.write_text(json.dumps(weights, ensure_ascii=False), encoding="utf-8")

# What attnviz --weights azerbaycan-dili-torch.json --text "Azərbaycan dili" shows, row 2:
idx = torch.tensor([vocab.index(t) for t in tokens])
x = token_embedding(idx) + position_embedding(torch.arange(len(tokens)))
with torch.no_grad():
    q, k = sa.query(x), sa.key(x)
    wei = F.softmax((q @ k.T * n_embd**-0.5).masked_fill(torch.ones(15, 15).tril() == 0,
                                                         float('-inf')), dim=-1)
print("row 2 (ə):", [round(w, 3) for w in wei[2, :3].tolist()])
