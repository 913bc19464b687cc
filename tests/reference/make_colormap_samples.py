#!/usr/bin/python3
"""Samples matplotlib's colormaps for attnviz's colormap test.

/usr/bin/python3 tests/reference/make_colormap_samples.py  (Debian's python3-matplotlib)
Writes colormap_samples.json: for each colormap, entries at sampled indices as the 8-bit RGB that
matplotlib renders (cmap(i, bytes=True)), and the colors matplotlib gives sampled weights.
"""
import json
import pathlib

import matplotlib
import numpy as np
from matplotlib import colormaps

MAPS = {"viridis": "viridis", "magma": "magma", "inferno": "inferno", "plasma": "plasma",
        "cividis": "cividis", "gray": "gray", "greys": "Greys", "blues": "Blues"}
INDICES = [0, 1, 2, 31, 63, 64, 100, 127, 128, 129, 191, 200, 253, 254, 255]
VALUES = [0.0, 0.001, 0.0039, 0.0040, 0.25, 0.3333, 0.5, 0.75, 0.9961, 0.999, 1.0]

doc = {"matplotlib_version": matplotlib.__version__, "indices": INDICES, "values": VALUES,
       "maps": {}}
for ours, theirs in MAPS.items():
    cmap = colormaps[theirs]
    doc["maps"][ours] = {
        "entries": cmap(np.array(INDICES), bytes=True)[:, :3].tolist(),
        "value_colors": cmap(np.array(VALUES, dtype=np.float32), bytes=True)[:, :3].tolist(),
    }
out = pathlib.Path(__file__).resolve().parent / "colormap_samples.json"
out.write_text(json.dumps(doc, indent=1) + "\n")
print(f"wrote {out}")
