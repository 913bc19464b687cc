#!/usr/bin/python3
"""Hugging Face decoders of real models' shapes in PyTorch, for the side-by-side benchmarks
(scripts/bench.sh): random weights, real sizes and work, no download.

  hf_shapes.py make NAME DIR
      A folder of NAME's shape — smollm2-135m (SmolLM2-135M: Llama, 30 layers, 9 heads sharing 3
      key/value heads, n_embd 576, 49 152 tokens) or qwen2.5-0.5b (Qwen2.5-0.5B: 24 layers, 14
      heads sharing 2, n_embd 896, q/k/v biases, 151 936 tokens) — with its config.json fields,
      BF16 weights N(0, 0.02) from torch.manual_seed(0) in model.safetensors (tied embeddings, as
      both are), and a tokenizer.json that reads each byte as one token (GPT-2's byte alphabet,
      no merges), padded to the vocabulary: a text of T ASCII characters is T tokens.
  hf_shapes.py heatmap DIR T LAYER HEAD OUT.png
      What a teacher's script does: read the safetensors file, run the model (hf_reference.py's
      PyTorch implementation of transformers' code, float32), draw one head's weights with
      matplotlib.
  hf_shapes.py forward DIR T
      The whole forward pass, every layer's (T, T) attention kept, and the logits: a process that
      reads the folder, runs it once and exits.
The text is "the " repeated, cut to T characters (T tokens).
"""
import json
import pathlib
import sys

import torch

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "reference"))
from hf_reference import Decoder  # noqa: E402
from make_state_dicts import save_safetensors  # noqa: E402

SHAPES = {
    "smollm2-135m": {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 576,
        "intermediate_size": 1536, "num_hidden_layers": 30, "num_attention_heads": 9,
        "num_key_value_heads": 3, "vocab_size": 49152, "max_position_embeddings": 8192,
        "rms_norm_eps": 1e-05, "rope_theta": 100000, "tie_word_embeddings": True,
        "hidden_act": "silu", "attention_bias": False, "mlp_bias": False,
        "torch_dtype": "bfloat16"},
    "qwen2.5-0.5b": {
        "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 896,
        "intermediate_size": 4864, "num_hidden_layers": 24, "num_attention_heads": 14,
        "num_key_value_heads": 2, "vocab_size": 151936, "max_position_embeddings": 32768,
        "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "tie_word_embeddings": True,
        "hidden_act": "silu", "use_sliding_window": False, "sliding_window": 32768,
        "max_window_layers": 21, "torch_dtype": "bfloat16"},
}


def text_of(T):
    return ("the " * (T // 4 + 1))[:T]


def byte_chars():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for _, c in sorted(zip(bs, cs))]


def random_state_dict(name):
    """NAME's tensors by their Hugging Face names, N(0, 0.02) from torch.manual_seed(0), norms 1."""
    c = SHAPES[name]
    torch.manual_seed(0)
    C, H, KV = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"]
    d, hidden, V = C // H, c["intermediate_size"], c["vocab_size"]
    sd = {"model.embed_tokens.weight": torch.randn(V, C) * 0.02}
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        sd[p + "input_layernorm.weight"] = torch.ones(C)
        for n, rows in (("q", H * d), ("k", KV * d), ("v", KV * d)):
            sd[p + f"self_attn.{n}_proj.weight"] = torch.randn(rows, C) * 0.02
            if c["model_type"] == "qwen2":
                sd[p + f"self_attn.{n}_proj.bias"] = torch.randn(rows) * 0.02
        sd[p + "self_attn.o_proj.weight"] = torch.randn(C, H * d) * 0.02
        sd[p + "post_attention_layernorm.weight"] = torch.ones(C)
        sd[p + "mlp.gate_proj.weight"] = torch.randn(hidden, C) * 0.02
        sd[p + "mlp.up_proj.weight"] = torch.randn(hidden, C) * 0.02
        sd[p + "mlp.down_proj.weight"] = torch.randn(C, hidden) * 0.02
    sd["model.norm.weight"] = torch.ones(C)
    return sd


def make(name, folder):
    c = SHAPES[name]
    V = c["vocab_size"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(c, indent=2) + "\n")
    save_safetensors(folder / "model.safetensors", random_state_dict(name), "BF16", {"format": "pt"})
    vocab = {ch: i for i, ch in enumerate(byte_chars())}
    for i in range(len(vocab), V):
        vocab[f"<filler_{i}>"] = i
    tokenizer = {"version": "1.0", "added_tokens": [], "normalizer": None,
                 "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False,
                                   "trim_offsets": True, "use_regex": True},
                 "post_processor": None, "decoder": {"type": "ByteLevel"},
                 "model": {"type": "BPE", "vocab": vocab, "merges": []}}
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer) + "\n")


def load(folder):
    from safetensors_reader import read_bf16
    return Decoder(json.loads((folder / "config.json").read_text()), read_bf16(folder))


def ids_of(T):
    """Token i is byte i (tokenizer.json's vocabulary is the byte alphabet in byte order)."""
    return list(text_of(T).encode())


def main():
    what = sys.argv[1]
    if what == "make":
        make(sys.argv[2], pathlib.Path(sys.argv[3]))
        return
    folder = pathlib.Path(sys.argv[2])
    T = int(sys.argv[3])
    torch.set_grad_enabled(False)
    model = load(folder)
    layers, logits = model.forward(ids_of(T))
    if what == "heatmap":
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        layer, head, out = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
        fig, ax = plt.subplots(figsize=(8, 8))
        ax.imshow(layers[layer]["weights"][head].numpy(), cmap="viridis")
        fig.savefig(out, dpi=100)


if __name__ == "__main__":
    main()
