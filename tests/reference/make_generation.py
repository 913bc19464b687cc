#!/usr/bin/python3
"""Fixtures for --generate: the shipped `az` and `az-long` models (their own training code's GPT,
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

and the model fixtures of each family (models/, written by make_models.py, read back here):
nanoGPT with biases (nanogpt.safetensors, nanoGPT's rule), gpt.py (gptpy.safetensors, gpt.py's
rule) and Hugging Face's GPT-2 (gpt2_hf.safetensors: Conv1D weights, gelu_new; temperature 1 and
top-k 50, its GenerationConfig's sampling defaults), each after torch.manual_seed(1337).

    /usr/bin/python3 tests/reference/make_generation.py

Writes generation.expected.json: each case's prompt, settings, prompt ids and the ids generated,
and for its first steps the distribution drawn from (the probabilities after temperature, top-k
and top-p) where it is not 0. Also `draws`: torch.multinomial on random distributions directly,
successive draws from one generator, including ties and zeros.
"""
import json
import pathlib
import struct
import sys

import torch
from torch.nn import functional as F

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "data" / "models"))
from train import UNKNOWN, load_safetensors  # noqa: E402
sys.path.insert(0, str(HERE))
from make_models import VOCAB, gelu_new, karpathy_forward, nanogpt_forward  # noqa: E402
from make_state_dicts import KarpathyGPT, NanoGPT  # noqa: E402

MODELS = ROOT / "data" / "models"
KEPT_STEPS = 3  # steps whose distributions are written


def top_p_filter(logits, top_p):
    """Hugging Face's TopPLogitsWarper (min_tokens_to_keep 1) on (1, vocab) logits."""
    sorted_logits, sorted_indices = torch.sort(logits, descending=False)
    cumulative = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    remove = cumulative <= (1 - top_p)
    remove[..., -1:] = 0
    remove = remove.scatter(1, sorted_indices, remove)
    return logits.masked_fill(remove, -float("inf"))


def read_f32_safetensors(path):
    """A safetensors file of F32 tensors, as a state_dict."""
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    out = {}
    for name, h in header.items():
        assert h["dtype"] == "F32", name
        a, b = h["data_offsets"]
        out[name] = torch.frombuffer(bytearray(raw[8 + n + a:8 + n + b]),
                                     dtype=torch.float32).view(h["shape"])
    return out


def fixture_model(name):
    """A model fixture of make_models.py and its forward (ids (T,) → logits (T, vocab))."""
    sd = read_f32_safetensors(HERE / "models" / name)
    if name == "gptpy.safetensors":
        model = KarpathyGPT(len(VOCAB), 32, 4, 2, 64)
        model.load_state_dict(sd)
        return lambda idx: karpathy_forward(model, idx)[1], 64
    if name == "nanogpt.safetensors":
        model = NanoGPT(len(VOCAB), 32, 4, 3, 64, bias=True)
        model.load_state_dict(sd, strict=False)  # lm_head is tied to wte
        return lambda idx: nanogpt_forward(model, idx, F.gelu)[1], 64
    # Hugging Face's GPT-2: Conv1D weights stored in × out, back to nn.Linear's out × in.
    conv1d = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")
    sd = {"transformer." + k: (v.t() if k.endswith(conv1d) else v)
          for k, v in sd.items() if not k.endswith("masked_bias")}
    model = NanoGPT(len(VOCAB), 32, 4, 2, 64, bias=True)
    model.load_state_dict(sd, strict=False)  # lm_head is tied to wte
    return lambda idx: nanogpt_forward(model, idx, gelu_new)[1], 64


@torch.no_grad()
def generate(forward, block_size, idx, new_tokens, rule, temperature=1.0, top_k=None, top_p=None):
    """idx (1, T) → (1, T + new_tokens), and the first steps' distributions. forward: ids (T,) →
    logits (T, vocab)."""
    kept = []
    for _ in range(new_tokens):
        idx_cond = idx if idx.size(1) <= block_size else idx[:, -block_size:]
        logits = forward(idx_cond[0])[None, -1, :]
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
    # (name, shipped model, rule, prompt, new tokens, seed, temperature, top_k, top_p)
    cases = [
        ("nanogpt", "az", "nanogpt", "Azərbaycan dili", 100, 1337, 0.8, 200, None),
        ("nanogpt_k5", "az", "nanogpt", "Bakı şəhəri", 40, 7, 1.0, 5, None),
        ("gptpy", "az", "gptpy", "Salam", 60, 42, 1.0, None, None),
        ("top_p", "az", "nanogpt", "kitablar", 50, 3, 0.7, None, 0.9),
        ("greedy", "az", "greedy", "Azərbaycan", 30, 0, 0.0, None, None),
        # past its 256-character context
        ("az_long", "az-long", "nanogpt", "Mən çayı sevirəm, çünki", 260, 1337, 0.8, 200, None),
    ]
    out = {"block_size": load_safetensors(MODELS / "az" / "az.safetensors")[0].block_size,
           "cases": [], "draws": draws()}
    for name, shipped, rule, prompt, n, seed, temperature, top_k, top_p in cases:
        model, vocab = load_safetensors(MODELS / shipped / f"{shipped}.safetensors")
        stoi = {c: i for i, c in enumerate(vocab)}
        forward = (lambda idx: model(idx[None])[0]), model.block_size
        ids = [stoi.get(c, stoi[UNKNOWN]) for c in prompt]
        torch.manual_seed(seed)
        idx, kept = generate(*forward, torch.tensor([ids]), n, rule, temperature, top_k, top_p)
        out["cases"].append({
            "name": name, "model": shipped, "rule": rule, "prompt": prompt, "new_tokens": n,
            "seed": seed,
            "temperature": temperature, "top_k": top_k or 0, "top_p": top_p or 1.0,
            "prompt_ids": ids, "ids": idx[0, len(ids):].tolist(),
            "text": "".join(vocab[i] for i in idx[0, len(ids):].tolist()), "distributions": kept})
    # The fixture models of each family, with its own code's defaults, seed 1337.
    for name, file, rule, temperature, top_k in [
            ("nanogpt_file", "nanogpt.safetensors", "nanogpt", 0.8, 200),
            ("gptpy_file", "gptpy.safetensors", "gptpy", 1.0, None),
            ("gpt2_file", "gpt2_hf.safetensors", "nanogpt", 1.0, 50)]:
        forward, block_size = fixture_model(file)
        prompt = "Mən çayı sevirəm"
        ids = [VOCAB.index(c) for c in prompt]
        torch.manual_seed(1337)
        idx, kept = generate(forward, block_size, torch.tensor([ids]), 70, rule, temperature,
                             top_k)
        out["cases"].append({
            "name": name, "model": "models/" + file, "rule": rule, "prompt": prompt,
            "new_tokens": 70, "seed": 1337, "temperature": temperature, "top_k": top_k or 0,
            "top_p": 1.0, "prompt_ids": ids, "ids": idx[0, len(ids):].tolist(),
            "text": "".join(VOCAB[i] for i in idx[0, len(ids):].tolist()), "distributions": kept})
    path = HERE / "generation.expected.json"
    path.write_text(json.dumps(out, ensure_ascii=False) + "\n", encoding="utf-8")
    for c in out["cases"]:
        print(f"{c['name']}: {c['prompt']}|{c['text']!r}")


if __name__ == "__main__":
    main()
