#!/usr/bin/python3
"""GGUF files of real models' shapes for the benchmarks against llama.cpp (scripts/bench.sh):
hf_shapes.py's random weights written as llama.cpp's converter writes them (tests/llama's
gguf_models.py, with gguf-py), then quantized by llama.cpp's own llama_model_quantize.

  gguf_shapes.py make NAME DIR GGUF_PY LLAMA_REFERENCE LLAMA_LIBS
      DIR/NAME-Q8_0.gguf and DIR/NAME-Q4_K_M.gguf (an F32 file between, removed after), with a
      SentencePiece vocabulary in which each ASCII character is one token and no two join: a text
      of T such characters is T tokens. NAME: smollm2-135m.
"""
import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "llama"), sys.argv[4]]

import gguf  # noqa: E402

import gguf_models  # noqa: E402
from hf_shapes import SHAPES, random_state_dict  # noqa: E402

FTYPES = {"Q8_0": 7, "Q4_K_M": 15}  # llama_ftype


def make(name, folder, reference, libs):
    c = dict(SHAPES[name])
    V = c["vocab_size"]
    tokens = [chr(b) for b in range(32, 127)] + [f"<0x{b:02X}>" for b in range(256)]
    tokens += [f"<filler_{i}>" for i in range(len(tokens), V)]
    types = [gguf.TokenType.NORMAL] * 95 + [gguf.TokenType.BYTE] * 256 + \
        [gguf.TokenType.NORMAL] * (V - 351)
    tables = {"tokens": tokens, "types": types, "scores": [-float(i) for i in range(V)]}
    folder.mkdir(parents=True, exist_ok=True)
    f32 = folder / f"{name}-F32.gguf"
    gguf_models.write(f32, c, random_state_dict(name), tables)
    for ftype, number in FTYPES.items():
        subprocess.run([reference, "model-quantize", str(f32), str(folder / f"{name}-{ftype}.gguf"),
                        str(number)], check=True, env=dict(os.environ, ATTNVIZ_LLAMA_LIBS=libs))
    f32.unlink()


if __name__ == "__main__":
    if sys.argv[1:2] != ["make"] or len(sys.argv) != 7:
        sys.exit(__doc__)
    make(sys.argv[2], pathlib.Path(sys.argv[3]), sys.argv[5], sys.argv[6])
