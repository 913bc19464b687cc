#!/usr/bin/python3
"""attnviz on GGUF files against two references: llama.cpp itself, and PyTorch on the weights the
file stands for.

For each architecture attnviz reads (llama, qwen2, qwen3, gemma, gemma2, gemma3; and gpt2, a
nanoGPT model with biases run by make_models.py's nanoGPT forward with GPT-2's GELU), a
random-weight model (make_hf_models.py's random_state_dict, at widths the K types can quantize) is
written as
an F32 GGUF the way convert_hf_to_gguf.py writes one (gguf_models.py), then quantized by
llama.cpp's own llama_model_quantize to each type (all of them for llama; Q8_0 and Q4_K_M for the
others). On each file:
  - every head's attention and the guesses' p from `attnviz --json` equal what
    tests/reference/hf_reference.py computes on the weights gguf-py's dequantizers read from the
    file, to float32 rounding;
  - the guesses equal llama.cpp's: on the F32 file its logits, on the quantized ones (where
    llama.cpp rounds the activations to 8 bits too) the argmax wherever PyTorch's best logit
    leads the next by more than that rounding can move;
  - the file type attnviz names (`config.file_type`, shown after the file's name) is the one
    llama.cpp's llama_model_desc ends with ("Q4_K - Medium").

    gguf_reference_test.py ATTNVIZ LLAMA_REFERENCE GGUF_PY LLAMA_LIBS
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "reference"), sys.argv[3]]

from hf_reference import Decoder  # noqa: E402
from make_hf_models import random_state_dict  # noqa: E402
from make_models import TEXTS, VOCAB, gelu_new, nanogpt_forward, scale_up  # noqa: E402
from make_state_dicts import NanoGPT  # noqa: E402

import gguf_models  # noqa: E402

ATTNVIZ, REFERENCE, LIBS = sys.argv[1], sys.argv[2], sys.argv[4]
TOKENIZER = HERE.parent / "reference" / "hf" / "llama" / "tokenizer.json"  # the characters

BASE = {"hidden_size": 256, "intermediate_size": 512, "num_hidden_layers": 2,
        "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": len(VOCAB),
        "max_position_embeddings": 256, "rms_norm_eps": 1e-6}
CASES = {
    "llama": {"model_type": "llama", "hidden_act": "silu", "rope_theta": 10000.0,
              "tie_word_embeddings": False,
              "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                               "high_freq_factor": 4.0, "original_max_position_embeddings": 64}},
    "qwen2": {"model_type": "qwen2", "hidden_act": "silu", "num_key_value_heads": 1,
              "rope_theta": 1000000.0, "tie_word_embeddings": True,
              "rope_scaling": {"type": "linear", "factor": 2.0}},
    "qwen3": {"model_type": "qwen3", "hidden_act": "silu", "head_dim": 128,
              "rope_theta": 1000000.0, "tie_word_embeddings": True},
    "gemma": {"model_type": "gemma", "num_key_value_heads": 1, "rope_theta": 10000.0},
    # llama.cpp scales Gemma 2's and 3's scores by head_dim (but for the 27B models): so does
    # query_pre_attn_scalar here. Every other layer slides (2 of its 2).
    "gemma2": {"model_type": "gemma2", "query_pre_attn_scalar": 64, "sliding_window": 5,
               "attn_logit_softcapping": 4.0, "final_logit_softcapping": 3.0,
               "rope_theta": 10000.0},
    # Six layers: five sliding, the sixth full, with its own base and linear scaling.
    "gemma3_text": {"model_type": "gemma3_text", "num_hidden_layers": 6,
                    "query_pre_attn_scalar": 64, "sliding_window": 7, "rope_theta": 1000000.0,
                    "rope_local_base_freq": 10000.0,
                    "rope_scaling": {"rope_type": "linear", "factor": 8.0}},
}
# llama_ftype: what llama_model_quantize makes of the F32 file.
FTYPES = {"F16": 1, "BF16": 32, "Q4_0": 2, "Q4_1": 3, "Q8_0": 7, "Q5_0": 8, "Q5_1": 9,
          "Q2_K": 10, "Q3_K_M": 12, "Q4_K_M": 15, "Q5_K_M": 17, "Q6_K": 18}
TEXT = TEXTS["az"]

failures = []


def check(ok, message):
    if not ok:
        failures.append(message)
        print("FAIL", message)


def attnviz(path, out):
    subprocess.run([ATTNVIZ, "--weights", str(path), "--tokenizer", str(TOKENIZER), "--text", TEXT,
                    "--json", str(out), "--no-summary", "--color", "never"],
                   check=True, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())


def llama_desc(path):
    env = dict(os.environ, ATTNVIZ_LLAMA_LIBS=LIBS)
    return subprocess.run([REFERENCE, "desc", str(path)], check=True, capture_output=True,
                          text=True, env=env).stdout.strip()


def llama_logits(path, ids):
    env = dict(os.environ, ATTNVIZ_LLAMA_LIBS=LIBS)
    out = subprocess.run([REFERENCE, "logits", str(path), "2", *map(str, ids)], check=True,
                         capture_output=True, text=True, env=env).stdout
    return torch.tensor([[float(x) for x in line.split()] for line in out.splitlines()])


def decoder_reference(config):
    """hf_reference.py's model on the weights the file stands for: every layer's (H, T, T)
    attention and the logits."""
    if (config.get("rope_scaling") or {}).get("rope_type") == "llama3":  # as the file says it
        factors = gguf_models.llama3_rope_factors(config).tolist()
        config = dict(config, rope_scaling={"rope_type": "rope_freqs", "factors": factors})

    def run(path, ids):
        layers, logits = Decoder(config, gguf_models.read(path, config)).forward(ids)
        return [layer["weights"] for layer in layers], logits
    return run


def gpt2_reference(model):
    """nanoGPT's forward with GPT-2's GELU (make_models.py) on the weights the file stands for."""
    def run(path, ids):
        missing, _ = model.load_state_dict(gguf_models.read_gpt2(path), strict=False)
        assert all(name.endswith(".attn.bias") for name in missing), missing  # its causal mask
        with torch.no_grad():
            layers, logits = nanogpt_forward(model, torch.tensor(ids), gelu_new)
        return [torch.stack([h["weights"] for h in layer["heads"]]) for layer in layers], logits
    return run


def compare(name, path, reference, quantized):
    got = attnviz(path, path.with_suffix(".json"))
    ids = got["token_ids"]
    layers, logits = reference(path, ids)
    worst = 0.0
    for layer, want in zip(got["layers"], layers):
        for head, w in zip(layer["heads"], want):
            worst = max(worst, (torch.tensor(head["weights"]) - w).abs().max().item())
    check(worst <= 2e-5, f"{name}: attention differs from PyTorch's by {worst:.2e}")
    p = torch.softmax(logits, dim=-1)
    best = [row[0] for row in got["predictions"]]
    top2 = logits.topk(2, dim=-1).values
    margin = top2[:, 0] - top2[:, 1]
    # a guess is PyTorch's unless its best two logits tie to float32 rounding (Gemma 2's cap)
    same_id = sum(b["id"] == int(i) or m < 1e-5 for b, i, m in zip(best, logits.argmax(-1), margin))
    p_error = max(abs(b["p"] - p[t, b["id"]].item()) for t, b in enumerate(best))
    check(same_id == len(ids) and p_error <= 2e-5,
          f"{name}: {same_id} of {len(ids)} guesses are PyTorch's, p off by {p_error:.2e}")
    theirs = llama_logits(path, ids)
    # On an F32 file llama.cpp computes in float32 too, but for the GELU it reads from a float16
    # table (ggml's GGML_GELU_FP16: up to 3e-3 on Gemma's logits here). On a quantized file it
    # rounds the activations to 8 bits as well: its logits move by a few percent of their spread,
    # and a guess can change only where the best two logits are that close.
    deviation = (theirs - logits).abs()
    spread = logits.std().item()
    clear = margin > 2 * deviation.max(dim=-1).values
    agree = sum(bool(b["id"] == int(i)) for b, i in zip(best, theirs.argmax(-1)))
    if quantized:
        check(deviation.mean().item() <= 0.05 * spread,
              f"{name}: llama.cpp's logits differ by {deviation.mean().item():.3f} on average, "
              f"against a spread of {spread:.3f}")
        check(agree >= 0.9 * len(ids), f"{name}: {agree} of {len(ids)} guesses are llama.cpp's")
    else:
        check(deviation.max().item() <= 5e-3,
              f"{name}: llama.cpp's logits differ by up to {deviation.max().item():.2e}")
        check(agree == len(ids), f"{name}: {agree} of {len(ids)} guesses are llama.cpp's")
    desc, file_type = llama_desc(path), got["config"].get("file_type", "")
    check(file_type and desc.endswith(" " + file_type),
          f"{name}: the file type is {file_type!r}; llama.cpp describes the model as {desc!r}")
    print(f"  {name:20} attention {worst:.1e}  p {p_error:.1e}  llama.cpp: {agree}/{len(ids)} "
          f"guesses, logits {deviation.mean().item():.4f} off on average (spread {spread:.2f})")


def errors_name_what_the_file_names(tmp, gpt2):
    """A tensor of the wrong shape is named as the file names it, its size by the metadata's key:
    GPT-2's ln_2 (llama.cpp's ffn_norm) and Gemma 2's norm after the MLP (post_ffw_norm)."""
    sd = dict(gpt2.state_dict(), **{"transformer.h.1.ln_2.bias": torch.zeros(255)})
    bad_gpt2 = tmp / "gpt2-bad.gguf"
    gguf_models.write_gpt2(bad_gpt2, sd, 4, VOCAB)
    config = dict(BASE, **CASES["gemma2"])
    sd = dict(random_state_dict(config, seed=26),
              **{"model.layers.1.post_feedforward_layernorm.weight": torch.zeros(255)})
    bad_gemma2 = tmp / "gemma2-bad.gguf"
    gguf_models.write(bad_gemma2, config, sd, VOCAB)
    for path, says in [
            (bad_gpt2, '"blk.1.ffn_norm.bias" has shape 255, expected 256 (gpt2.embedding_length)'),
            (bad_gemma2,
             '"blk.1.post_ffw_norm.weight" has shape 255, expected 256 (gemma2.embedding_length)')]:
        run = subprocess.run([ATTNVIZ, "--weights", str(path), "--tokenizer", str(TOKENIZER),
                              "--text", TEXT], capture_output=True, text=True)
        check(run.returncode == 1 and says in run.stderr,
              f"{path.name}: status {run.returncode}, {run.stderr.strip()!r}; wanted {says!r}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(os.environ.get("ATTNVIZ_GGUF_KEEP", tmp))  # to look at the files
        models = {}
        for family, case in CASES.items():
            config = dict(BASE, **case)
            # make_hf_models' draws are for 48-wide models: scaled to these widths, the scores
            # and the residual stream are as large as there.
            sd = {name: w * (48 / w.shape[1]) ** 0.5 if w.dim() == 2 and "embed" not in name
                  else w for name, w in random_state_dict(config, seed=26).items()}
            f32 = tmp / f"{family}-F32.gguf"
            gguf_models.write(f32, config, sd, VOCAB)
            models[family] = (f32, decoder_reference(config))
        # GPT-2 (nanoGPT's model with biases, scaled up as make_models.py scales its own).
        torch.manual_seed(26)
        gpt2 = NanoGPT(len(VOCAB), 256, 4, 2, 128, bias=True)
        scale_up(gpt2, 3.0)
        gpt2.eval()
        f32 = tmp / "gpt2-F32.gguf"
        gguf_models.write_gpt2(f32, gpt2.state_dict(), 4, VOCAB)
        models["gpt2"] = (f32, gpt2_reference(gpt2))
        errors_name_what_the_file_names(tmp, gpt2)
        for family, (f32, reference) in models.items():
            compare(f"{family} F32", f32, reference, quantized=False)
            for ftype, number in FTYPES.items():
                if family != "llama" and ftype not in ("Q8_0", "Q4_K_M"):
                    continue
                path = tmp / f"{family}-{ftype}.gguf"
                subprocess.run([REFERENCE, "model-quantize", str(f32), str(path), str(number)],
                               check=True, env=dict(os.environ, ATTNVIZ_LLAMA_LIBS=LIBS))
                compare(f"{family} {ftype}", path, reference, quantized=True)
    if failures:
        print(f"{len(failures)} failed")
        sys.exit(1)
    print("all agree")


if __name__ == "__main__":
    main()
