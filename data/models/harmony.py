#!/usr/bin/python3
"""Measures what the model card reports about vowel harmony: does the shipped `az` model choose
-lar / -lər right for invented stems, and which head, at the `l` that must choose, looks at the
stem's last vowel? A control separates "looks at the last vowel" from "looks two letters back".

    /usr/bin/python3 data/models/harmony.py [model.safetensors]
"""
import sys

import torch

from train import HERE, load_safetensors

# Invented stems (none is in the corpus): the last vowel decides the plural's vowel.
BACK = ["bazak", "tolum", "qaruş", "sıdab", "muzar", "dalsuq", "zorab", "kupas", "yarıq", "polat"]
FRONT = ["keşin", "tüzəm", "mezik", "sölüp", "derüm", "pəlit", "nüyəs", "çepir", "gözən", "velim"]
# The control: stems ending in two consonants put the last vowel three letters before `l`, and a
# consonant two before it. First with endings Azerbaijani words have (dost, park, kənd, fikir→fikr),
# then with clusters it does not use.
BACK_FAR = ["bazast", "tolurt", "qarund", "muzalt", "polark"]
FRONT_FAR = ["keşirt", "tüzəst", "mezind", "derült", "pəlirk"]
BACK_ODD = ["bazakt", "tolumb", "qarusp", "muzadk", "polatk"]
FRONT_ODD = ["keşint", "tüzəmk", "mezikt", "derümb", "pəlitd"]
VOWELS = set("aıoueəiöü")


def run(model, vocab, word):
    stoi = {c: i for i, c in enumerate(vocab)}
    idx = torch.tensor([[stoi[c] for c in word]])
    keep = []
    with torch.no_grad():
        logits = model(idx, keep)
    return torch.softmax(logits[0, -1], -1), [a[0] for a in keep]  # (vocab), per layer (nh, T, T)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else str(HERE / "az" / "az.safetensors")
    model, vocab = load_safetensors(path)
    a, e = vocab.index("a"), vocab.index("ə")
    right = 0
    near, far, odd = {}, {}, {}
    for stems, want, table in ((BACK, a, near), (FRONT, e, near), (BACK_FAR, a, far),
                               (FRONT_FAR, e, far), (BACK_ODD, a, odd), (FRONT_ODD, e, odd)):
        for stem in stems:
            word = " " + stem + "l"  # a space before: the word starts as in running text
            p, layers = run(model, vocab, word)
            right += int((p[a] > p[e]) == (want == a))
            i = len(word) - 1
            last_vowel = max(j for j, c in enumerate(word) if c in VOWELS)
            for l, att in enumerate(layers):
                for h in range(att.shape[0]):
                    row = att[h, i]
                    table.setdefault((l, h), []).append(
                        (row[last_vowel].item(), row[i - 2].item(), row[i - 3].item()))
            print(f"{stem + 'l':10s} p(a)={p[a]:.2f} p(ə)={p[e]:.2f}")
    total = sum(len(x) for x in (BACK, FRONT, BACK_FAR, FRONT_FAR, BACK_ODD, FRONT_ODD))
    print(f"\nright plural vowel: {right}/{total}")
    print("\nattention from the `l` (mean over stems); i-2 holds the vowel in the first column, a "
          "consonant in the others")

    def mean(rows, k):
        return sum(x[k] for x in rows) / len(rows)

    print("head    CVC stems: vowel (i-2)   -st/-rt/-nd…: vowel (i-3)  consonant (i-2)"
          "   -kt/-mb…: vowel (i-3)  consonant (i-2)")
    for key in sorted(near):
        print(f"L{key[0]} H{key[1]}   {mean(near[key], 0):24.2f}   {mean(far[key], 0):24.2f}"
              f"  {mean(far[key], 1):15.2f}   {mean(odd[key], 0):21.2f}  {mean(odd[key], 1):15.2f}")


if __name__ == "__main__":
    main()
