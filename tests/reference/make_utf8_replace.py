#!/usr/bin/python3
"""Python's bytes.decode("utf-8", errors="replace") on ill-formed byte strings: what attnviz's
utf8::replace_invalid must give (a text cut inside a character, GPT-2 byte tokens out of order).

    /usr/bin/python3 tests/reference/make_utf8_replace.py

Writes utf8_replace.expected.json: [{"bytes": hex, "text": the decoded text}, ...].
"""
import json
import pathlib

CASES = [
    b"", b"abc", "Azərbaycan".encode(), b"\xc9", b"a\xc9\x99b", b"\x99\xc9", b"\xe2\x82",
    b"\xe2\x82a", b"\x80\x80", b"\xed\xa0\x80", b"\xed\x9f\xbf", b"\xf0\x9f\x98", b"\xf0\x9f\x98\x80",
    b"\xf4\x90\x80\x80", b"\xf4\x8f\xbf\xbf", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xe0\xa0\x80",
    b"\xf5\x80", b"\xff\xfe", b"x\xf0\x9fy\xe2", "ə".encode()[1:] + "ə".encode()[:1],
]

out = [{"bytes": c.hex(), "text": c.decode("utf-8", errors="replace")} for c in CASES]
path = pathlib.Path(__file__).resolve().parent / "utf8_replace.expected.json"
path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
print(f"{len(out)} cases → {path.name}")
