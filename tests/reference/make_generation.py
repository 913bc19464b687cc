#!/usr/bin/python3
"""Fixtures for --generate: the shipped `az` model (its own training code's GPT,
data/models/train.py) continuing prompts in Debian's PyTorch, the tokens drawn as the course's
code draws them, each case right after torch.manual_seed(seed):

  nanogpt   nanoGPT's GPT.generate(): idx cropped to its last block_size tokens, the last
            position's logits / temperature, top-k (logits below the k-th largest set to −inf),
            softmax, torch.multinomial(probs, num_samples=1)
  gptpy     Karpathy's gpt.py generate(): idx[:, -block_size:], softmax of the last logits,
            torch.multinomial — no temperature, no top-k
  top_p     nanoGPT's loop with Hugging Face's TopPLogitsWarper after temperature (sorted
            ascending, cumulative softmax, tokens with a running sum ≤ 1 − p removed, the most
            probable kept)
  greedy    the most probable token each step (torch.argmax), nothing drawn

    /usr/bin/python3 tests/reference/make_generation.py

Writes generation.expected.json: each case's prompt, settings, prompt ids and the ids generated,
and for its first steps the distribution drawn from (the probabilities after temperature, top-k
and top-p) where it is not 0. Also `draws`: torch.multinomial on random distributions directly,
successive draws from one generator, including ties and zeros.
"""
import json
import pathlib
import sys

import torch
from torch.nn import functional as F

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "data" / "models"))
from train import UNKNOWN, load_safetensors  # noqa: E402

MODEL = ROOT / "data" / "models" / "az" / "az.safetensors"
KEPT_STEPS = 3  # steps whose distributions are written


def top_p_filter(logits, top_p):
    """Hugging Face's TopPLogitsWarper (min_tokens_to_keep 1) on (1, vocab) logits."""
    sorted_logits, sorted_indices = torch.sort(logits, descending=False)
    cumulative = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    remove = cumulative <= (1 - top_p)
    remove[..., -1:] = 0
    remove = remove.scatter(1, sorted_indices, remove)
    return logits.masked_fill(remove, -float("inf"))


@torch.no_grad()
def generate(model, idx, new_tokens, rule, temperature=1.0, top_k=None, top_p=None):
    """idx (1, T) → (1, T + new_tokens), and the first steps' distributions."""
    kept = []
    for _ in range(new_tokens):
        idx_cond = idx if idx.size(1) <= model.block_size else idx[:, -model.block_size:]
        logits = model(idx_cond)[:, -1, :]
        if rule == "greedy":
            idx_next = torch.argmax(logits, dim=-1, keepdim=True)
            probs = None
        else:
            if rule != "gptpy":
                logits = logits / temperature
            if top_k is not None:
                v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
                logits[logits < v[:, [-1]]] = -float("Inf")
            if top_p is not None:
                logits = top_p_filter(logits, top_p)
            probs = F.softmax(logits, dim=-1)
            idx_next = torch.multinomial(probs, num_samples=1)
        if probs is not None and len(kept) < KEPT_STEPS:
            nonzero = torch.nonzero(probs[0]).flatten().tolist()
            kept.append({"ids": nonzero, "p": [float(probs[0, i]) for i in nonzero]})
        idx = torch.cat((idx, idx_next), dim=1)
    return idx, kept


def draws():
    """torch.multinomial(p, 1) on the CPU, successive draws after one manual_seed."""
    torch.manual_seed(99)
    cases = []
    for n in (1, 2, 7, 65, 1000):
        p = torch.rand(n)
        if n >= 7:
            p[3] = 0.0        # a zero is never drawn
            p[5] = p[4]       # a tie
        torch.manual_seed(n)
        picks = [int(torch.multinomial(p, num_samples=1)) for _ in range(20)]
        cases.append({"p": [float(x) for x in p], "seed": n, "picks": picks})
    return cases


def main():
    model, vocab = load_safetensors(MODEL)
    stoi = {c: i for i, c in enumerate(vocab)}
    # (name, rule, prompt, new tokens, seed, temperature, top_k, top_p)
    cases = [
        ("nanogpt", "nanogpt", "Azərbaycan dili", 100, 1337, 0.8, 200, None),
        ("nanogpt_k5", "nanogpt", "Bakı şəhəri", 40, 7, 1.0, 5, None),
        ("gptpy", "gptpy", "Salam", 60, 42, 1.0, None, None),
        ("top_p", "nanogpt", "kitablar", 50, 3, 0.7, None, 0.9),
        ("greedy", "greedy", "Azərbaycan", 30, 0, 0.0, None, None),
    ]
    out = {"model": "az", "block_size": model.block_size, "cases": [], "draws": draws()}
    for name, rule, prompt, n, seed, temperature, top_k, top_p in cases:
        ids = [stoi.get(c, stoi[UNKNOWN]) for c in prompt]
        torch.manual_seed(seed)
        idx, kept = generate(model, torch.tensor([ids]), n, rule, temperature, top_k, top_p)
        out["cases"].append({
            "name": name, "rule": rule, "prompt": prompt, "new_tokens": n, "seed": seed,
            "temperature": temperature, "top_k": top_k or 0, "top_p": top_p or 1.0,
            "prompt_ids": ids, "ids": idx[0, len(ids):].tolist(),
            "text": "".join(vocab[i] for i in idx[0, len(ids):].tolist()), "distributions": kept})
    path = HERE / "generation.expected.json"
    path.write_text(json.dumps(out, ensure_ascii=False) + "\n", encoding="utf-8")
    for c in out["cases"]:
        print(f"{c['name']}: {c['prompt']}|{c['text']!r}")


if __name__ == "__main__":
    main()
