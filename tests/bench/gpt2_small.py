#!/usr/bin/python3
"""GPT-2 small's shape in PyTorch, for the side-by-side benchmarks (scripts/bench.sh).

  gpt2_small.py make DIR
      Writes a Hugging Face GPT-2 folder of GPT-2 small's shape: 12 layers x 12 heads, n_embd 768,
      1024 positions, GPT-2's real 50 257-token vocabulary (data/gpt2), random weights
      N(0, 0.02) from torch.manual_seed(0), F32: model.safetensors (498 MB), config.json,
      vocab.json, merges.txt. No download: the weights are random, the shapes and work are real.
  gpt2_small.py ckpt DIR
      The same weights as nanoGPT's train.py saves them (after make): DIR/ckpt.pt, torch.save of
      {'model' (nanoGPT's keys under torch.compile's _orig_mod., nn.Linear layout, wte padded to
      50 304 rows and tied to lm_head), 'optimizer' (AdamW's state: exp_avg and exp_avg_sq of every
      parameter, twice the model), 'model_args', 'iter_num', 'best_val_loss', 'config'}: 1.5 GB;
      and DIR/nanogpt.safetensors, the same model as a student converts it (F32, lm_head left out
      as safetensors requires, n_head in __metadata__).
  gpt2_small.py forward DIR T THREADS REPEAT
      The forward pass a nanoGPT-style program does, every layer's (T, T) attention kept and the
      logits of every position; prints the median seconds of REPEAT runs on THREADS threads.
  gpt2_small.py generate DIR T N THREADS cache|nocache
      Writing N tokens after T prompt tokens, nanoGPT's generate() loop (temperature 0.8, top-k
      200, torch.multinomial after torch.manual_seed(1337)): nocache runs the whole text again
      for every token, as nanoGPT does, every layer's attention kept; cache keeps each layer's
      keys and values and runs one new row per token, its attention row kept. Prints the seconds
      and the tokens per second.
  gpt2_small.py heatmap DIR T LAYER HEAD OUT.png
      What a teacher's script does: map the safetensors file, run the model, draw one head's
      weights with matplotlib.
The token ids are "the" then " the" T - 1 times (1169, 262...), as attnviz tokenizes the text
"the the the ...".
"""
import json
import math
import mmap
import pathlib
import shutil
import statistics
import struct
import sys
import time

import numpy as np
import torch
from torch.nn import functional as F

HERE = pathlib.Path(__file__).resolve().parent
L, H, C, N_CTX, VOCAB = 12, 12, 768, 1024, 50257


def ids_of(T):
    return [1169] + [262] * (T - 1)


def save_safetensors(path, tensors, metadata):
    """F32 tensors in their order, the data 8-byte aligned as the safetensors library writes it."""
    header, offset = {"__metadata__": metadata}, 0
    for name, t in tensors.items():
        n = 4 * t.numel()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + n]}
        offset += n
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for t in tensors.values():
            f.write(t.contiguous().numpy().tobytes())


def make(out):
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    shapes = {"wte.weight": (VOCAB, C), "wpe.weight": (N_CTX, C)}
    for l in range(L):
        p = f"h.{l}."
        shapes.update({p + "ln_1.weight": (C,), p + "ln_1.bias": (C,),
                       p + "attn.c_attn.weight": (C, 3 * C), p + "attn.c_attn.bias": (3 * C,),
                       p + "attn.c_proj.weight": (C, C), p + "attn.c_proj.bias": (C,),
                       p + "ln_2.weight": (C,), p + "ln_2.bias": (C,),
                       p + "mlp.c_fc.weight": (C, 4 * C), p + "mlp.c_fc.bias": (4 * C,),
                       p + "mlp.c_proj.weight": (4 * C, C), p + "mlp.c_proj.bias": (C,)})
    shapes.update({"ln_f.weight": (C,), "ln_f.bias": (C,)})
    tensors = {name: torch.ones(shape) if name.endswith("_1.weight") or
               name.endswith("_2.weight") or name == "ln_f.weight" else torch.randn(shape) * 0.02
               for name, shape in shapes.items()}
    save_safetensors(out / "model.safetensors", tensors, {"format": "pt"})
    config = {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"],
              "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": N_CTX, "n_embd": C,
              "n_head": H, "n_layer": L, "n_positions": N_CTX, "vocab_size": VOCAB}
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    shutil.copy(HERE.parents[1] / "data" / "gpt2" / "encoder.json", out / "vocab.json")
    shutil.copy(HERE.parents[1] / "data" / "gpt2" / "vocab.bpe", out / "merges.txt")


def ckpt(folder):
    folder = pathlib.Path(folder)
    hf = load(folder)
    padded = torch.cat([hf["wte.weight"], torch.zeros(50304 - VOCAB, C)])  # nanoGPT's vocab_size
    sd = {"transformer.wte.weight": padded, "transformer.wpe.weight": hf["wpe.weight"].clone()}
    for l in range(L):
        p, q = f"h.{l}.", f"transformer.h.{l}."
        for name in ("ln_1.weight", "ln_1.bias", "ln_2.weight", "ln_2.bias", "attn.c_attn.bias",
                     "attn.c_proj.bias", "mlp.c_fc.bias", "mlp.c_proj.bias"):
            sd[q + name] = hf[p + name].clone()
        for name in ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight",
                     "mlp.c_proj.weight"):
            sd[q + name] = hf[p + name].t().contiguous()  # Conv1D (in, out) → nn.Linear (out, in)
    sd["transformer.ln_f.weight"] = hf["ln_f.weight"].clone()
    sd["transformer.ln_f.bias"] = hf["ln_f.bias"].clone()
    params = list(sd.values())
    sd["lm_head.weight"] = padded  # tied: one storage, two names
    torch.manual_seed(1)
    state = {i: {"step": torch.tensor(1000.0), "exp_avg": torch.randn_like(t) * 1e-3,
                 "exp_avg_sq": torch.rand_like(t) * 1e-6} for i, t in enumerate(params)}
    groups = [{"lr": 6e-4, "betas": (0.9, 0.95), "eps": 1e-8, "weight_decay": 0.1,
               "amsgrad": False, "maximize": False, "foreach": None, "capturable": False,
               "params": list(range(len(params)))}]
    args = dict(n_layer=L, n_head=H, n_embd=C, block_size=N_CTX, bias=True, vocab_size=50304,
                dropout=0.0)
    torch.save({"model": {"_orig_mod." + k: v for k, v in sd.items()},
                "optimizer": {"state": state, "param_groups": groups}, "model_args": args,
                "iter_num": 1000, "best_val_loss": torch.tensor(3.1),
                "config": {"dataset": "openwebtext", "n_layer": L, "n_head": H}},
               folder / "ckpt.pt")
    del sd["lm_head.weight"]
    save_safetensors(folder / "nanogpt.safetensors", sd, {"format": "pt", "n_head": str(H)})


def load(folder):
    """The tensors as views of the mapped file, as safetensors' safe_open does: no copy."""
    f = open(pathlib.Path(folder) / "model.safetensors", "rb")
    m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    n = struct.unpack("<Q", m[:8])[0]
    header = json.loads(m[8:8 + n])
    sd = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        array = np.frombuffer(m, dtype=np.float32, count=(b - a) // 4, offset=8 + n + a)
        sd[name] = torch.from_numpy(array).view(info["shape"])  # read-only view; never written
    return sd


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x.pow(3))))


def forward(sd, idx):
    """nanoGPT's GPT.forward with Hugging Face's Conv1D weights (in x out: x @ W + b); returns
    the logits of every position and every layer's (n_head, T, T) attention."""
    T = len(idx)
    x = sd["wte.weight"][idx] + sd["wpe.weight"][:T]
    mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
    layers = []
    for l in range(L):
        p = f"h.{l}."
        h = F.layer_norm(x, (C,), sd[p + "ln_1.weight"], sd[p + "ln_1.bias"])
        q, k, v = (h @ sd[p + "attn.c_attn.weight"] + sd[p + "attn.c_attn.bias"]).split(C, dim=1)
        q, k, v = (t.view(T, H, C // H).transpose(0, 1) for t in (q, k, v))  # (H, T, hs)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // H))
        att = F.softmax(att.masked_fill(~mask, float("-inf")), dim=-1)
        layers.append(att)
        y = (att @ v).transpose(0, 1).contiguous().view(T, C)
        x = x + y @ sd[p + "attn.c_proj.weight"] + sd[p + "attn.c_proj.bias"]
        h = F.layer_norm(x, (C,), sd[p + "ln_2.weight"], sd[p + "ln_2.bias"])
        h = gelu_new(h @ sd[p + "mlp.c_fc.weight"] + sd[p + "mlp.c_fc.bias"])
        x = x + h @ sd[p + "mlp.c_proj.weight"] + sd[p + "mlp.c_proj.bias"]
    x = F.layer_norm(x, (C,), sd["ln_f.weight"], sd["ln_f.bias"])
    return x @ sd["wte.weight"].t(), layers


def forward_cached(sd, idx, position, cache):
    """One new token at `position` with each layer's keys and values in `cache` (appended to):
    its logits (vocab) and its attention row in every layer, (n_head, position + 1)."""
    x = sd["wte.weight"][idx] + sd["wpe.weight"][position]  # (1, C)
    rows = []
    for l in range(L):
        p = f"h.{l}."
        h = F.layer_norm(x, (C,), sd[p + "ln_1.weight"], sd[p + "ln_1.bias"])
        q, k, v = (h @ sd[p + "attn.c_attn.weight"] + sd[p + "attn.c_attn.bias"]).split(C, dim=1)
        q, k, v = (t.view(1, H, C // H).transpose(0, 1) for t in (q, k, v))  # (H, 1, hs)
        if l in cache:
            cache[l] = (torch.cat([cache[l][0], k], 1), torch.cat([cache[l][1], v], 1))
        else:
            cache[l] = (k, v)
        keys, values = cache[l]  # (H, position + 1, hs)
        att = F.softmax((q @ keys.transpose(-2, -1)) * (1.0 / math.sqrt(C // H)), dim=-1)
        rows.append(att)
        y = (att @ values).transpose(0, 1).contiguous().view(1, C)
        x = x + y @ sd[p + "attn.c_proj.weight"] + sd[p + "attn.c_proj.bias"]
        h = F.layer_norm(x, (C,), sd[p + "ln_2.weight"], sd[p + "ln_2.bias"])
        h = gelu_new(h @ sd[p + "mlp.c_fc.weight"] + sd[p + "mlp.c_fc.bias"])
        x = x + h @ sd[p + "mlp.c_proj.weight"] + sd[p + "mlp.c_proj.bias"]
    x = F.layer_norm(x, (C,), sd["ln_f.weight"], sd["ln_f.bias"])
    return (x @ sd["wte.weight"].t())[0], rows


def next_token(logits):
    """nanoGPT's sampling: / temperature 0.8, top-k 200, softmax, torch.multinomial."""
    logits = logits / 0.8
    v, _ = torch.topk(logits, 200)
    logits[logits < v[-1]] = -float("Inf")
    return torch.multinomial(F.softmax(logits, dim=-1), num_samples=1)


def generate(sd, prompt, n, cached):
    torch.manual_seed(1337)
    ids = list(prompt)
    kept = []
    if cached:
        cache = {}
        for position, token in enumerate(ids):  # the prompt a token at a time, rows kept too
            logits, rows = forward_cached(sd, torch.tensor([token]), position, cache)
            kept.append(rows)
        for _ in range(n):
            ids.append(int(next_token(logits)))
            logits, rows = forward_cached(sd, torch.tensor([ids[-1]]), len(ids) - 1, cache)
            kept.append(rows)
    else:
        for _ in range(n):
            logits, layers = forward(sd, torch.tensor(ids[-N_CTX:]))
            kept.append(layers)
            ids.append(int(next_token(logits[-1])))
    return ids


def main():
    mode, folder = sys.argv[1], sys.argv[2]
    if mode == "make":
        return make(folder)
    if mode == "ckpt":
        return ckpt(folder)
    T = int(sys.argv[3])
    idx = torch.tensor(ids_of(T))
    if mode == "generate":
        n, threads, cached = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6] == "cache"
        torch.set_num_threads(threads)
        sd = load(folder)
        with torch.no_grad():
            start = time.perf_counter()
            generate(sd, ids_of(T), n, cached)
            seconds = time.perf_counter() - start
        print(f"{seconds:.2f} s, {n / seconds:.1f} tokens/s")
        return
    if mode == "forward":
        torch.set_num_threads(int(sys.argv[4]))
        sd = load(folder)
        times = []
        with torch.no_grad():
            for _ in range(int(sys.argv[5])):
                start = time.perf_counter()
                forward(sd, idx)
                times.append(time.perf_counter() - start)
        print(f"{statistics.median(times):.4f}")
        return
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    layer, head, out = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    with torch.no_grad():
        _, layers = forward(load(folder), idx)
    wei = layers[layer][head].numpy()
    fig, ax = plt.subplots(figsize=(8, 8))
    im = ax.imshow(wei, cmap="viridis", vmin=0, vmax=1)
    ax.set_title(f"layer {layer} head {head}")
    fig.colorbar(im)
    fig.savefig(out, dpi=100)


if __name__ == "__main__":
    main()
