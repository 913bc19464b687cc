#!/usr/bin/python3
"""Writes tests/fuzz/corpus/font/seed.ttf: a tiny TrueType font made here (so no font licence is
involved) with the tables attnviz reads: a format-4 and a format-12 character map, simple and
composite glyphs, horizontal metrics and a format-0 'kern' table.

/usr/bin/python3 tests/fuzz/make_font_seed.py   (Debian's python3-fonttools)
"""
import pathlib

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import newTable
from fontTools.ttLib.tables._k_e_r_n import KernTable_format_0


def box(x0, y0, x1, y1):
    pen = TTGlyphPen(None)
    pen.moveTo((x0, y0))
    pen.lineTo((x0, y1))
    pen.lineTo((x1, y1))
    pen.lineTo((x1, y0))
    pen.closePath()
    return pen.glyph()


names = [".notdef", "A", "z", "schwa", "space", "dotabove", "idot"]
glyphs = {
    ".notdef": box(50, 0, 450, 700),
    "A": box(0, 0, 600, 700),
    "z": box(50, 0, 450, 500),
    "schwa": box(50, -20, 480, 520),
    "space": TTGlyphPen(None).glyph(),
    "dotabove": box(200, 600, 300, 700),
}
composite = TTGlyphPen(glyphs)  # i with a dot above, drawn from two components
composite.addComponent("z", (1, 0, 0, 1, 0, 0))
composite.addComponent("dotabove", (1, 0, 0, 1, 0, 0))
glyphs["idot"] = composite.glyph()

fb = FontBuilder(1000, isTTF=True)
fb.setupGlyphOrder(names)
fb.setupCharacterMap({0x41: "A", 0x7A: "z", 0x259: "schwa", 0x20: "space", 0x307: "dotabove",
                      0x130: "idot", 0x1F600: "A"})  # a code point above U+FFFF: format 12
fb.setupGlyf(glyphs)
fb.setupHorizontalMetrics({n: (600, 0) if n != "dotabove" else (0, 200) for n in names})
fb.setupHorizontalHeader(ascent=800, descent=-200)
fb.setupNameTable({"familyName": "attnviz seed", "styleName": "Regular"})
fb.setupOS2()
fb.setupPost()
kern = newTable("kern")
kern.version = 0
table = KernTable_format_0()
table.coverage, table.format, table.tupleIndex = 1, 0, 0
table.kernTable = {("A", "z"): -50, ("z", "schwa"): 20}
kern.kernTables = [table]
fb.font["kern"] = kern
out = pathlib.Path(__file__).resolve().parent / "corpus" / "font" / "seed.ttf"
fb.save(str(out))
print(f"wrote {out} ({out.stat().st_size} bytes)")
