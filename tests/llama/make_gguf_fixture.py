#!/usr/bin/python3
"""Makes tests/reference/gguf/tiny-llama-Q8_0.gguf, the GGUF the CLI tests open without Python: a
random-weight llama model (make_hf_models.py's draws; 64 wide, 2 layers, 4 heads sharing 2
key/value heads, llama's q/k rows permuted as the converter permutes them) carrying its own
character vocabulary as a SentencePiece tokenizer (a space is ▁), written as F32 by
gguf_models.py and quantized to Q8_0 by llama.cpp's own llama_model_quantize.

    make_gguf_fixture.py GGUF_PY LLAMA_REFERENCE LLAMA_LIBS
(after the test build: build/release/tests/llama.cpp/gguf-py, build/release/tests/llama_reference,
tests/llama/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64)
"""
import os
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "reference"), sys.argv[1]]

import gguf  # noqa: E402

import gguf_models  # noqa: E402
from make_hf_models import random_state_dict  # noqa: E402
from make_models import VOCAB  # noqa: E402

CONFIG = {"model_type": "llama", "hidden_size": 64, "intermediate_size": 128,
          "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
          "vocab_size": len(VOCAB), "max_position_embeddings": 128, "rms_norm_eps": 1e-6,
          "rope_theta": 10000.0, "tie_word_embeddings": False}
OUT = HERE.parent / "reference" / "gguf" / "tiny-llama-Q8_0.gguf"


def main():
    tokens = [t.replace(" ", "▁") for t in VOCAB]
    tables = {"tokens": tokens, "types": [gguf.TokenType.NORMAL] * len(tokens),
              "scores": [-float(i) for i in range(len(tokens))]}
    with tempfile.TemporaryDirectory() as tmp:
        f32 = pathlib.Path(tmp) / "f32.gguf"
        gguf_models.write(f32, CONFIG, random_state_dict(CONFIG, seed=64), tables)
        OUT.parent.mkdir(exist_ok=True)
        subprocess.run([sys.argv[2], "model-quantize", str(f32), str(OUT), "7"], check=True,
                       env=dict(os.environ, ATTNVIZ_LLAMA_LIBS=sys.argv[3]))
    print(OUT, OUT.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
