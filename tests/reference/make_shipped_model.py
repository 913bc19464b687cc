#!/usr/bin/python3
"""Fixtures for the shipped models: their own training code's model (data/models/train.py) run
by PyTorch on held-out sentences, with the head scores computed from their definitions.

    /usr/bin/python3 tests/reference/make_shipped_model.py            # az and az-long
    /usr/bin/python3 tests/reference/make_shipped_model.py az-long    # one of them

Writes shipped_NAME.expected.json: for each sentence its characters (code points: attnviz's
graphemes here), ids (a character outside the vocabulary → the stand-in U+FFFD), every layer's
(T, T) attention weights per head, the (T, vocab) logits, and every head's scores for the patterns
of attnviz's --heads-report, each built as TransformerLens's detect_head builds its 0/1 pattern P
and scored with its "mul" measure S = Σ(A∘P) / Σ A (last_vowel and last_space over the rows that
have a target). Then the --induction-test: torch.manual_seed(seed); torch.randint(0, vocab, (S,))
repeated twice, and each head's mean weight on the stripe i → i−S+1 over the second copy.
A stand-in matches no pattern: it is no earlier copy of anything, and neither a letter nor a space.

`az-long` also runs a sentence repeated, the text an induction head completes.

For `az` also writes shipped_az_window.expected.json: a text longer than the model's 64-character context
run as nanoGPT's generate() runs it, each position i on idx[:, -block_size:] of the text up to i
(positions 0 … 63 of that window), with layer 1's weights of row i over its window's keys and
row i's logits.
"""
import json
import pathlib
import sys
import unicodedata

import torch

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "data" / "models"))
from train import UNKNOWN, load_safetensors, split_corpus  # noqa: E402
from make_fixtures import tensor as matrix  # noqa: E402  (T, C) as shortest float32 decimals

MODELS = ("az", "az-long")
VOWELS = set("aıoueəiöüAIOUEƏİÖÜ")
INDUCTION_SEED, INDUCTION_S = 7, 24


def is_letters(token):
    return all(unicodedata.category(c)[0] in "LM" for c in token)


def patterns(tokens, ids, unread):
    """The 0/1 (T, T) patterns, in attnviz's HeadPattern order, and which use target rows."""
    T = len(ids)
    # each stand-in its own token: -1 - i equals no other id
    t = torch.tensor([-1 - i if id == unread else id for i, id in enumerate(ids)])
    prev = torch.zeros(T, T)
    prev[1:, :-1] = torch.eye(T - 1)
    current = torch.eye(T)
    first = torch.zeros(T, T)
    first[:, 0] = 1
    dup = (t[:, None] == t[None, :]).float()
    dup.fill_diagonal_(0)
    dup = torch.tril(dup)
    shifted = torch.roll(dup, shifts=1, dims=1)
    induction = torch.tril(torch.cat((torch.zeros(T, 1), shifted[:, 1:]), dim=1))
    vowel = torch.zeros(T, T)
    space = torch.zeros(T, T)
    for i in range(T):
        if is_letters(tokens[i]):
            start = i
            while start > 0 and is_letters(tokens[start - 1]):
                start -= 1
            vowels = [j for j in range(start, i - 1) if tokens[j] in VOWELS]
            if vowels:
                vowel[i, vowels[-1]] = 1
        spaces = [j for j in range(i) if not is_letters(tokens[j]) and ids[j] != unread]
        if spaces:
            space[i, spaces[-1]] = 1
    return [(prev, False), (current, False), (first, False), (dup, False), (induction, False),
            (vowel, True), (space, True)]


def score(a, p, target_rows):
    if target_rows:  # over the rows that have a target
        rows = p.sum(dim=1) > 0
        total = a[rows].sum()
        return (a * p).sum().item() / total.item() if total > 0 else 0.0
    return ((a * p).sum() / a.sum()).item()


def forward(model, ids):
    keep = []
    with torch.no_grad():
        logits = model(torch.tensor([ids]), keep)
    return [layer[0] for layer in keep], logits[0]  # per layer (nh, T, T); (T, vocab)


def model_path(name):
    return ROOT / "data" / "models" / name / f"{name}.safetensors"


def main():
    for name in sys.argv[1:] or MODELS:
        write(name)


def write(name):
    model, vocab = load_safetensors(model_path(name))
    stoi = {c: i for i, c in enumerate(vocab)}
    _, val = split_corpus(ROOT / "data" / "models" / "az" / "corpus.txt")
    held_out = [l for l in val.splitlines() if 30 <= len(l) <= 60][:3]
    sentences = held_out + ["Mən çayı sevirəm, çünki o, isti və rahatladıcıdır.",
                            "kitablar evlər bazaklar keşinlər",
                            "Qış gəldi — 🌨 və ❄ yağır"]  # two characters outside the vocabulary
    if name != "az":  # a context long enough for a sentence, and later the same sentence
        sentences.append("Yeni vərəq aç. Əlfəcinlər. Yeni vərəq aç. Əlfəcinlər.")
    cases = []
    for text in sentences:
        tokens = list(text)
        ids = [stoi.get(c, stoi[UNKNOWN]) for c in tokens]
        layers, logits = forward(model, ids)
        pats = patterns(tokens, ids, stoi[UNKNOWN])
        cases.append({
            "text": text, "tokens": tokens, "ids": ids,
            "layers": [[matrix(h) for h in layer] for layer in layers],
            "logits": matrix(logits),
            "head_scores": [[[score(layer[h], p, rows) for p, rows in pats]
                             for h in range(layer.shape[0])] for layer in layers]})

    torch.manual_seed(INDUCTION_SEED)
    random_ids = torch.randint(0, len(vocab), (INDUCTION_S,)).tolist()
    layers, _ = forward(model, random_ids + random_ids)
    S = INDUCTION_S
    induction = [[sum(layer[h, i, i - S + 1].item() for i in range(S, 2 * S)) / S
                  for h in range(layer.shape[0])] for layer in layers]
    out = {"torch_version": torch.__version__,
           "model": str(model_path(name).relative_to(ROOT)), "cases": cases,
           "induction_test": {"seed": INDUCTION_SEED, "S": S, "ids": random_ids,
                              "scores": induction}}
    (HERE / f"shipped_{name}.expected.json").write_text(
        json.dumps(out, ensure_ascii=False) + "\n", encoding="utf-8")
    if name == "az":
        window_case(model, stoi)


def window_case(model, stoi):
    text = (ROOT / "data" / "texts" / "lesson-definition.txt").read_text(encoding="utf-8")[:96]
    ids = [stoi.get(c, stoi[UNKNOWN]) for c in text]
    B = model.block_size
    rows, logits = [], []
    for i in range(len(ids)):
        start = max(0, i + 1 - B)
        layers, out = forward(model, ids[start:i + 1])
        rows.append({"first": start, "heads": [matrix(h[-1:, :])[0] for h in layers[1]]})
        logits.append(matrix(out[-1:, :])[0])
    out = {"torch_version": torch.__version__, "model": "data/models/az/az.safetensors",
           "text": text, "block_size": B, "ids": ids, "layer": 1, "rows": rows,
           "logits": logits}
    (HERE / "shipped_az_window.expected.json").write_text(
        json.dumps(out, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
