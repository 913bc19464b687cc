#!/usr/bin/python3
"""Trains the shipped models: character-level GPTs in nanoGPT's architecture, on
data/models/az/corpus.txt (made by make_corpus.py).

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 data/models/train.py                  # `az`
    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 data/models/train.py --recipe az-long  # `az-long`
    /usr/bin/python3 data/models/train.py --tiny --out /tmp/tiny.safetensors        # seconds, for tests

`az-long` also sees repeated spans: in a share of its training windows a stretch of the text is
copied further on (a sentence, later the same sentence), which only an induction head can predict.
The validation text is never altered, so both models' losses are over the same held-out lines.

Reproducible: fixed seeds, Debian's python3-torch on the CPU, two threads. Every tenth line of the
corpus is held out for validation; the checkpoint with the lowest validation loss is the one saved.
Writes the safetensors file attnviz reads (F16; nanoGPT's state_dict keys; vocab and n_head in
__metadata__) and prints the losses in nats per character and a few samples for the model card.

The model class here is also the reference the tests compare attnviz's forward pass with
(tests/reference/make_shipped_model.py imports it).
"""
import argparse
import json
import math
import os
import pathlib
import struct
import time

import torch
import torch.nn as nn
from torch.nn import functional as F

HERE = pathlib.Path(__file__).resolve().parent
UNKNOWN = "\ufffd"  # the stand-in for a character outside the vocabulary

# The shipped recipes, chosen by measuring (the model cards give the runs). `repeat` is the share
# of training windows given a repeated span.
SHIPPED = dict(n_layer=2, n_head=4, n_embd=128, block_size=64, dropout=0.1, batch_size=32,
               max_iters=6000, lr=3e-3, min_lr=3e-4, warmup=200, weight_decay=0.1, eval_every=250,
               eval_iters=40, repeat=0.0)
RECIPES = {
    "az": SHIPPED,
    "az-long": dict(SHIPPED, n_layer=4, block_size=256, batch_size=16, max_iters=4500,
                    eval_every=500, eval_iters=10, repeat=0.25),
}
TINY = dict(SHIPPED, n_layer=1, n_head=2, n_embd=16, block_size=16, batch_size=8, max_iters=30,
            warmup=5, eval_every=10, eval_iters=2, repeat=0.5)


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, dropout):
        super().__init__()
        self.n_head = n_head
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)  # q, k, v for every head at once
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.attn_dropout = nn.Dropout(dropout)
        self.resid_dropout = nn.Dropout(dropout)

    def forward(self, x, keep=None):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        # (B, T, C) → (B, nh, T, hs)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))  # (B, nh, T, T)
        mask = torch.tril(torch.ones(T, T, dtype=torch.bool, device=x.device))
        att = F.softmax(att.masked_fill(~mask, float("-inf")), dim=-1)
        if keep is not None:
            keep.append(att)
        y = self.attn_dropout(att) @ v                                   # (B, nh, T, hs)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    def __init__(self, n_embd, dropout):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, 4 * n_embd)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * n_embd, n_embd)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    def __init__(self, n_embd, n_head, dropout):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head, dropout)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = MLP(n_embd, dropout)

    def forward(self, x, keep=None):
        x = x + self.attn(self.ln_1(x), keep)
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """nanoGPT's GPT: token + position embeddings, pre-LayerNorm blocks, ln_f, lm_head tied to wte."""

    def __init__(self, vocab_size, n_layer, n_head, n_embd, block_size, dropout, **_):
        super().__init__()
        self.block_size = block_size
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab_size, n_embd), wpe=nn.Embedding(block_size, n_embd),
            drop=nn.Dropout(dropout),
            h=nn.ModuleList([Block(n_embd, n_head, dropout) for _ in range(n_layer)]),
            ln_f=nn.LayerNorm(n_embd)))
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight
        self.apply(self._init_weights)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * n_layer))

    @staticmethod
    def _init_weights(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def forward(self, idx, keep=None):
        """idx (B, T) → logits (B, T, vocab); each block's (B, nh, T, T) weights into `keep`."""
        T = idx.shape[1]
        x = self.transformer.wte(idx) + self.transformer.wpe(torch.arange(T))
        x = self.transformer.drop(x)
        for block in self.transformer.h:
            x = block(x, keep)
        return self.lm_head(self.transformer.ln_f(x))


def save_safetensors(path, model, vocab, n_head):
    """nanoGPT's state_dict in F16, with the vocabulary and head count in __metadata__."""
    header, blobs, offset = {}, [], 0
    for name, t in model.state_dict().items():
        raw = t.detach().to(torch.float16).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F16", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    header["__metadata__"] = {"vocab": json.dumps(vocab, ensure_ascii=False),
                              "n_head": str(n_head), "format": "pt"}
    text = json.dumps(header, ensure_ascii=False).encode()
    text += b" " * (-len(text) % 8)
    tmp = pathlib.Path(str(path) + ".part")
    tmp.write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    os.replace(tmp, path)


def load_safetensors(path):
    """The model a file written by save_safetensors holds (weights as float32), and its vocab."""
    raw = pathlib.Path(path).read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__")
    vocab = json.loads(meta["vocab"])
    tensors = {}
    for name, h in header.items():
        a, b = h["data_offsets"]
        data = bytearray(raw[8 + n + a:8 + n + b])
        tensors[name] = torch.frombuffer(data, dtype=torch.float16).float().view(h["shape"])
    wte = tensors["transformer.wte.weight"]
    n_layer = 1 + max(int(k.split(".")[2]) for k in tensors if k.startswith("transformer.h."))
    model = GPT(len(vocab), n_layer, int(meta["n_head"]), wte.shape[1],
                tensors["transformer.wpe.weight"].shape[0], 0.0)
    model.load_state_dict(tensors)
    return model.eval(), vocab


def repeat_spans(rows, share, g):
    """Copies a span of some rows (B, T + 1) further on in the same row, in place: a stretch of
    text that reappears, the pattern an induction head completes. Which rows, the span's length
    (8 to T/4; in a window shorter than 32, T/4) and both places are drawn from `g`."""
    B, n = rows.shape
    chosen = torch.rand(B, generator=g) < share
    for b in chosen.nonzero().flatten().tolist():
        length = int(torch.randint(min(8, n // 4), n // 4 + 1, (1,), generator=g))
        src = int(torch.randint(0, n // 2 - length + 1, (1,), generator=g))
        dst = int(torch.randint(src + length, n - length + 1, (1,), generator=g))
        rows[b, dst:dst + length] = rows[b, src:src + length].clone()
    return rows


def split_corpus(path):
    lines = pathlib.Path(path).read_text(encoding="utf-8").splitlines()
    train = "\n".join(l for i, l in enumerate(lines) if i % 10 != 9) + "\n"
    val = "\n".join(l for i, l in enumerate(lines) if i % 10 == 9) + "\n"
    return train, val


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(HERE / "az" / "corpus.txt"))
    ap.add_argument("--recipe", choices=sorted(RECIPES), default="az")
    ap.add_argument("--out", help="default: data/models/RECIPE/RECIPE.safetensors")
    ap.add_argument("--tiny", action="store_true", help="a seconds-long run that proves it works")
    ap.add_argument("--seed", type=int, default=1337)
    for key, value in SHIPPED.items():
        ap.add_argument("--" + key.replace("_", "-"), type=type(value), default=None)
    args = ap.parse_args()
    cfg = dict(TINY if args.tiny else RECIPES[args.recipe])
    cfg.update({k: getattr(args, k) for k in SHIPPED if getattr(args, k) is not None})
    out = args.out or str(HERE / args.recipe / (args.recipe + ".safetensors"))
    pathlib.Path(out).parent.mkdir(parents=True, exist_ok=True)

    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    train_text, val_text = split_corpus(args.corpus)
    vocab = sorted(set(train_text + val_text) | {UNKNOWN})
    stoi = {c: i for i, c in enumerate(vocab)}
    train = torch.tensor([stoi[c] for c in train_text])
    val = torch.tensor([stoi[c] for c in val_text])
    model = GPT(len(vocab), **cfg)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{len(train_text)} train / {len(val_text)} validation characters, vocab {len(vocab)}, "
          f"{n_params} parameters, {cfg}", flush=True)

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg["weight_decay"]},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=cfg["lr"], betas=(0.9, 0.99))
    gen = torch.Generator().manual_seed(args.seed)

    def batch(data, g, repeat=0.0):
        ix = torch.randint(len(data) - cfg["block_size"] - 1, (cfg["batch_size"],), generator=g)
        rows = torch.stack([data[i:i + cfg["block_size"] + 1] for i in ix])  # (B, T + 1)
        if repeat > 0:
            rows = repeat_spans(rows, repeat, g)
        return rows[:, :-1], rows[:, 1:]

    @torch.no_grad()
    def estimate():
        model.eval()
        out = {}
        for name, data in (("train", train), ("val", val)):
            g = torch.Generator().manual_seed(7)  # the same batches at every evaluation
            losses = [F.cross_entropy(model(x).flatten(0, 1), y.flatten()).item()
                      for x, y in (batch(data, g) for _ in range(cfg["eval_iters"]))]
            out[name] = sum(losses) / len(losses)
        model.train()
        return out

    def lr_at(it):
        if it < cfg["warmup"]:
            return cfg["lr"] * (it + 1) / cfg["warmup"]
        ratio = (it - cfg["warmup"]) / max(1, cfg["max_iters"] - cfg["warmup"])
        return cfg["min_lr"] + 0.5 * (1 + math.cos(math.pi * ratio)) * (cfg["lr"] - cfg["min_lr"])

    best, start = float("inf"), time.time()
    for it in range(cfg["max_iters"] + 1):
        if it % cfg["eval_every"] == 0 or it == cfg["max_iters"]:
            losses = estimate()
            mark = ""
            if losses["val"] < best:
                best = losses["val"]
                save_safetensors(out, model, vocab, cfg["n_head"])
                mark = "  saved"
            print(f"step {it:5d}  train {losses['train']:.3f}  val {losses['val']:.3f} nats/char  "
                  f"{time.time() - start:6.0f} s  {it * cfg['batch_size'] * cfg['block_size'] / 1e6:.1f} M chars{mark}",
                  flush=True)
        if it == cfg["max_iters"]:
            break
        for group in opt.param_groups:
            group["lr"] = lr_at(it)
        x, y = batch(train, gen, cfg["repeat"])
        loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    model, vocab = load_safetensors(out)  # samples from what was saved
    g = torch.Generator().manual_seed(args.seed)
    for prompt in ("Azərbaycan ", "Yeni ", "Fayl"):
        idx = torch.tensor([[stoi[c] for c in prompt]])
        with torch.no_grad():
            for _ in range(60):
                logits = model(idx[:, -cfg["block_size"]:])[:, -1] / 0.8
                idx = torch.cat([idx, torch.multinomial(F.softmax(logits, -1), 1, generator=g)], 1)
        print("sample:", repr("".join(vocab[i] for i in idx[0].tolist())))


if __name__ == "__main__":
    main()
