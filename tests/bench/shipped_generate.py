#!/usr/bin/python3
"""A shipped model writing in PyTorch, for scripts/bench.sh's generation rows.

  shipped_generate.py FILE.safetensors N THREADS cache|nocache
      N new characters after "Mən çayı sevirəm, çünki", drawn as nanoGPT's generate() draws them
      (temperature 0.8, top-k 200 or the whole vocabulary, torch.multinomial after
      torch.manual_seed(1337)) from the model data/models/train.py defines and loads. nocache:
      nanoGPT's loop, the model run on the whole (cropped) text for every token, every layer's
      attention kept; cache: each layer's keys and values kept and one new row per token, its
      attention row kept (the text must fit the context). Prints the seconds and tokens per second.
"""
import math
import pathlib
import sys
import time

import torch
from torch.nn import functional as F

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "data" / "models"))
from train import load_safetensors  # noqa: E402

PROMPT = "Mən çayı sevirəm, çünki"


def next_token(logits):
    """nanoGPT's sampling: / temperature 0.8, top-k, softmax, torch.multinomial."""
    logits = logits / 0.8
    v, _ = torch.topk(logits, min(200, logits.size(-1)))
    logits[logits < v[-1]] = -float("Inf")
    return int(torch.multinomial(F.softmax(logits, dim=-1), num_samples=1))


def cached_row(model, token, position, cache):
    """One new token: its logits, with each block's keys and values appended to `cache`, and its
    attention row kept in every layer, (n_head, position + 1)."""
    t = model.transformer
    x = t.wte.weight[token] + t.wpe.weight[position]  # (C,)
    rows = []
    for l, block in enumerate(t.h):
        a = block.attn
        C, H = x.shape[0], a.n_head
        q, k, v = a.c_attn(block.ln_1(x)).split(C)
        q, k, v = (u.view(H, 1, C // H) for u in (q, k, v))  # (H, 1, hs)
        keys, values = cache.get(l, (k[:, :0], v[:, :0]))
        keys, values = torch.cat([keys, k], 1), torch.cat([values, v], 1)
        cache[l] = (keys, values)
        att = F.softmax((q @ keys.transpose(-2, -1)) / math.sqrt(C // H), dim=-1)
        rows.append(att)
        x = x + a.c_proj((att @ values).view(C))
        x = x + block.mlp(block.ln_2(x))
    return model.lm_head(t.ln_f(x)), rows


def main():
    path, n, threads, cached = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    torch.set_num_threads(threads)
    model, vocab = load_safetensors(path)
    stoi = {c: i for i, c in enumerate(vocab)}
    ids = [stoi[c] for c in PROMPT]
    if cached == "cache" and len(ids) + n > model.block_size:
        sys.exit(f"{len(ids)} + {n} characters do not fit the context of {model.block_size}")
    kept = []
    torch.manual_seed(1337)
    with torch.no_grad():
        start = time.perf_counter()
        if cached == "cache":
            cache = {}
            for position, token in enumerate(ids):
                logits, rows = cached_row(model, token, position, cache)
                kept.append(rows)
            for _ in range(n):
                ids.append(next_token(logits))
                logits, rows = cached_row(model, ids[-1], len(ids) - 1, cache)
                kept.append(rows)
        else:
            for _ in range(n):
                layers = []
                logits = model(torch.tensor([ids[-model.block_size:]]), layers)
                kept.append(layers)
                ids.append(next_token(logits[0, -1]))
        seconds = time.perf_counter() - start
    print(f"{seconds:.3f} s, {n / seconds:.1f} tokens/s")


if __name__ == "__main__":
    main()
