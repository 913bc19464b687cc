#!/usr/bin/python3
"""Reference token ids for GPT-2's byte-level BPE on a corpus of hard cases.

Run:  /usr/bin/python3 tests/reference/make_bpe_reference.py   (needs Debian's python3-regex)
Reads data/gpt2/encoder.json and vocab.bpe, writes gpt2/corpus.expected.json: a list of
{"text", "ids"}. The algorithm is encoder.py's, as published with GPT-2: the pre-tokenization
pattern with the `regex` module's Unicode classes, bytes mapped to 256 printable characters, and
merges by rank; "<|endoftext|>" written in a text is the special token, as Hugging Face treats it.
"""
import json
import pathlib

import regex

HERE = pathlib.Path(__file__).resolve().parent / "gpt2"
DATA = pathlib.Path(__file__).resolve().parents[2] / "data" / "gpt2"
PATTERN = regex.compile(
    r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")
SPECIAL = "<|endoftext|>"


def bytes_to_unicode():
    printable = (list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD))
                 + list(range(0xAE, 0x100)))
    table, extra = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


class Encoder:
    def __init__(self):
        self.encoder = json.loads((DATA / "encoder.json").read_text(encoding="utf-8"))
        lines = (DATA / "vocab.bpe").read_text(encoding="utf-8").split("\n")[1:]
        self.ranks = {tuple(line.split()): i for i, line in enumerate(l for l in lines if l)}
        self.byte_encoder = bytes_to_unicode()

    def bpe(self, token):
        word = list(token)
        while len(word) > 1:
            pairs = {(word[i], word[i + 1]) for i in range(len(word) - 1)}
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            merged, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    merged.append(word[i] + word[i + 1])
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        return word

    def encode_plain(self, text):
        ids = []
        for piece in regex.findall(PATTERN, text):
            chars = "".join(self.byte_encoder[b] for b in piece.encode("utf-8"))
            ids += [self.encoder[t] for t in self.bpe(chars)]
        return ids

    def encode(self, text):
        parts = text.split(SPECIAL)
        ids = self.encode_plain(parts[0])
        for part in parts[1:]:
            ids += [self.encoder[SPECIAL]] + self.encode_plain(part)
        return ids


SENTENCES = [
    "Azərbaycan dili",
    "Mən çayı sevirəm, çünki o, isti və rahatladıcıdır.",
    "Diqqət mexanizmi modelə bir sözü emal edərkən digər sözlərin vacibliyini göstərir.",
    "ƏLİFBA: Ə ə, Ğ ğ, I ı, İ i, Ö ö, Ş ş, Ü ü, Ç ç",
    "Bakı küləkli şəhərdir",
    "Azərbaycan Respublikası",
    "İstanbul'da İSTANBUL ve ıspanak",
    "Türkçe: ğüşıöç ĞÜŞİÖÇ",
    "Азәрбајҹан дили",
    "Привет, мир! Это проверка.",
    "Ελληνικά γράμματα",
    "日本語のテキストと中文文本",
    "한국어 문장입니다",
    "emoji 👍🏽 and 👨‍👩‍👧‍👦 family, flags 🇦🇿🇹🇷",
    "the cat's toy isn't here, they're gone, we've won, I'm done, you'll see, he'd go",
    "THE CAT'S TOY ISN'T HERE",
    "'s 't 're 've 'm 'll 'd",
    "don''t 'twas ''",
    "1234567890 3.14159 1,000,000 -42 +7 1e10",
    "٣٤٥ ५६७ Ⅻ ½ ²",
    "numbers123mixed456with789letters",
    "hello    world",
    "tab\tseparated\tvalues",
    "trailing spaces   ",
    "   leading spaces",
    "line one\nline two\n\nline four",
    "windows\r\nline\r\nendings",
    "\n\n\n",
    " ",
    "  ",
    "\t",
    "a\u00a0b\u2003c\u3000d",
    "x\u0085y\u2028z\u2029w",
    "file\x1cgroup\x1drecord\x1eunit\x1f",
    "zero\u200bwidth\u200cjoiner\u200d",
    "combining i\u0307 and e\u0301 marks",
    "<|endoftext|>",
    "before<|endoftext|>after",
    " <|endoftext|> spaced <|endoftext|>",
    "<|endoftext|><|endoftext|>",
    "<|endoftext",
    "def forward(self, x):\n    return self.proj(x) @ W.T",
    "wei = q @ k.transpose(-2, -1) * C**-0.5",
    "https://example.com/path?query=1&x=2",
    "email@example.com",
    "!!! ??? ... --- ***",
    "(parentheses) [brackets] {braces} <angles>",
    "«Azərbaycan» — “quotes” ‘single’",
    "math: ∑ ∫ √ ∞ ≈ ≠ ≤ ≥ × ÷",
    "currency: $5 €10 £3 ₼20 ¥100",
    "mixed-case CamelCaseWords and snake_case_words",
    "ALLCAPS lowercase MiXeD",
    "a",
    "ə",
    "İ",
    "ı",
    "😀",
]


def corpus():
    """Every sentence, and each with the whitespace around it that changes how it splits."""
    texts = []
    for s in SENTENCES:
        texts += [s, " " + s, s + " ", "  " + s + "\n", s.replace(" ", "  "),
                  s.replace(" ", "\t")]
    texts.append("\n".join(SENTENCES))
    return list(dict.fromkeys(texts))


def main():
    enc = Encoder()
    cases = [{"text": t, "ids": enc.encode(t)} for t in corpus()]
    (HERE / "corpus.expected.json").write_text(
        json.dumps(cases, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(cases)} texts, {sum(len(c['ids']) for c in cases)} tokens")


if __name__ == "__main__":
    main()
