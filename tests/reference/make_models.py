#!/usr/bin/python3
"""Makes the whole-model fixtures: real PyTorch GPTs of each family attnviz reads, run on an
Azerbaijani and an English text, with every layer's attention weights and the logits.

Run with Debian's PyTorch:  /usr/bin/python3 tests/reference/make_models.py
Writes, into models/, for each case:
  <name>.safetensors     the model's state_dict as the family saves it (written by hand, as in
                         make_state_dicts.py; settings in __metadata__)
  *.pt, *.pth            the same models as torch.save writes them: nanoGPT's checkpoint (a dict
                         with 'model', 'model_args', an AdamW 'optimizer' state, …) in the zip
                         format and the legacy one, under torch.compile's prefix, and gpt.py's
                         state_dict, its whole module (torch.save(model)) and its state_dict in
                         float64 in the legacy format; GPT-2's as pytorch_model.bin (F16)
  gpt2_sharded/          gpt2_hf's model as a Hugging Face folder whose pytorch_model.bin is split
                         in two, with pytorch_model.bin.index.json and config.json
  nanogpt_gpt2_ckpt.pt   nanoGPT on GPT-2's tokens: 50 304 rows (GPT-2's 50 257, padded), F16,
                         dataset "openwebtext" (no meta.pkl)
  meta.pkl, vocab.json,  the character vocabulary as nanoGPT's prepare.py pickles it, as a JSON
  gptpy_input.txt        list, and a training text whose sorted(set(text)) it is
  <name>.expected.json   the text, its tokens and ids, and what PyTorch computed: per layer each
                         head's (T, T) attention weights, the residual stream after attention
                         (x_mid), the MLP's output and the residual stream after the block,
                         the (T, vocab) logits (for GPT-2's vocabulary, the last position's
                         only, from "logits_from"), each position's top-5 next tokens
                         (softmax, then topk) and the attention rollout (Abnar & Zuidema, 2020:
                         the product over layers of ½·mean over heads + ½·I, rows renormalized)
Families (the modules are make_state_dicts.py's, whose keys are the real ones):
  nanoGPT       transformer.h.{i}.attn.c_attn / c_proj, mlp.c_fc → GELU (erf) → c_proj,
                ln_1 / ln_2 / ln_f, lm_head tied to transformer.wte; with and without biases,
                and under torch.compile's "_orig_mod." prefix
  GPT-2 (HF)    h.{i}.… with Conv1D weights stored in × out, gelu_new (tanh), the attn.bias and
                attn.masked_bias buffers, no lm_head (tied); and with GPT2LMHeadModel's
                "transformer." prefix
  gpt.py        blocks.{i}.sa.heads.{j}.key/query/value, sa.proj, ffwd.net.0 → ReLU → ffwd.net.2,
                ln1 / ln2 / ln_f, lm_head with its bias
"""
import json
import math
import pathlib
import pickle

import torch
from torch.nn import functional as F

from make_bpe_reference import Encoder  # GPT-2's BPE, as encoder.py does it
from make_fixtures import tensor as matrix  # (T, C) as rows of shortest float32 decimals
from make_state_dicts import (KarpathyGPT, NanoGPT, attention, gpt2_conv1d, round_to,
                              save_safetensors)

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "models"
TEXTS = {"az": "Mən çayı sevirəm, çünki o, isti və rahatladıcıdır.",
         "en": "The cat sat on the mat, and the dog sat too."}
# nanoGPT's char vocabulary: the sorted set of the corpus (here both texts and a few more).
VOCAB = sorted(set("".join(TEXTS.values()) + "Azərbaycan dili ƏÖÜĞIŞÇ!?"))


def gelu_new(x):
    """GPT-2's GELU, the tanh approximation Hugging Face calls gelu_new."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x.pow(3.0))))


def nanogpt_forward(model, idx, activation):
    """nanoGPT's GPT.forward, keeping each layer's attention: x + attn(ln_1(x)), x + mlp(ln_2(x)),
    ln_f, lm_head."""
    t = model.transformer
    x = t.wte(idx) + t.wpe(torch.arange(len(idx)))
    layers = []
    for block in t.h:
        heads, _, out = block.attn.trace(block.ln_1(x))
        x = x + out
        mid = x
        mlp = block.mlp.c_proj(activation(block.mlp.c_fc(block.ln_2(x))))
        x = x + mlp
        layers.append({"heads": heads, "x_mid": mid, "mlp_out": mlp, "x_out": x})
    return layers, model.lm_head(t.ln_f(x))


def karpathy_forward(model, idx):
    """gpt.py's BigramLanguageModel.forward, keeping each layer's attention."""
    x = model.token_embedding_table(idx) + model.position_embedding_table(torch.arange(len(idx)))
    layers = []
    for block in model.blocks:
        xl = block.ln1(x)
        heads = [attention(h.query(xl), h.key(xl), h.value(xl)) for h in block.sa.heads]
        x = x + block.sa.proj(torch.cat([h["out"] for h in heads], dim=-1))
        mid = x
        mlp = block.ffwd.net(block.ln2(x))
        x = x + mlp
        layers.append({"heads": heads, "x_mid": mid, "mlp_out": mlp, "x_out": x})
    return layers, model.lm_head(model.ln_f(x))


def rollout(layers):
    """Attention rollout: Â_l = ½·mean_h(A_l) + ½·I, rows renormalized; R = Â_L ⋯ Â_1."""
    result = None
    for layer in layers:
        a = torch.stack([h["weights"] for h in layer["heads"]]).mean(dim=0)
        a = 0.5 * a + 0.5 * torch.eye(a.shape[0])
        a = a / a.sum(dim=-1, keepdim=True)
        result = a if result is None else a @ result
    return result


def write_case(name, files, family, lang, forward, n_head, bpe=None, guess_ids=None):
    text = TEXTS[lang]
    tokens = list(text)  # no combining marks: code points are attnviz's graphemes
    ids = bpe.encode(text) if bpe else [VOCAB.index(t) for t in tokens]
    with torch.no_grad():
        layers, logits = forward(torch.tensor(ids))
    expected = {"torch_version": torch.__version__, "files": files, "family": family,
                "n_head": n_head, "text": text, "tokens": tokens, "ids": ids,
                "layers": [{"heads": [matrix(h["weights"]) for h in layer["heads"]],
                            "x_mid": matrix(layer["x_mid"]), "mlp_out": matrix(layer["mlp_out"]),
                            "x_out": matrix(layer["x_out"])} for layer in layers],
                # A 50 257-token vocabulary keeps the last position's logits only (the top-5
                # guesses cover every position): the whole matrix would be 22 MB of JSON.
                "logits": matrix(logits if logits.shape[1] <= 1000 else logits[-1:]),
                "logits_from": 0 if logits.shape[1] <= 1000 else len(ids) - 1,
                # The softmax over every row; a padded vocabulary's rows from guess_ids on are
                # never guessed (nanoGPT pads GPT-2's 50 257 to 50 304).
                "predictions": [[{"id": int(i), "p": float(p)} for p, i in zip(*row)]
                                for row in zip(*[t.tolist() for t in torch.topk(
                                    F.softmax(logits, dim=-1)[:, :guess_ids], 5)])],
                "rollout": matrix(rollout(layers))}
    if guess_ids:
        expected["guess_ids"] = guess_ids
    (OUT / f"{name}.expected.json").write_text(json.dumps(expected, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
    print(f"{name}: {', '.join(files)}; {len(layers)} layers × {n_head} heads, T = {len(ids)}")


def scale_up(model, gain):
    """Larger attention projections, so the fixtures' attention is far from uniform."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "c_attn" in name or ".query." in name or ".key." in name:
                p.mul_(gain)


def nanogpt_checkpoint(model, state_dict, n_layer, n_head, n_embd, bias):
    """A checkpoint as nanoGPT's train.py saves it, with the AdamW state of one step at lr 0
    (the moments filled, the weights unchanged)."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.0)
    for p in model.parameters():
        p.grad = torch.ones_like(p)
    optimizer.step()
    model.zero_grad(set_to_none=True)
    model_args = dict(n_layer=n_layer, n_head=n_head, n_embd=n_embd, block_size=64, bias=bias,
                      vocab_size=len(VOCAB), dropout=0.0)
    return {"model": state_dict, "optimizer": optimizer.state_dict(), "model_args": model_args,
            "iter_num": 0, "best_val_loss": torch.tensor(1e9),  # a tensor, as train.py saves it
            "config": {"dataset": "shakespeare_char", "n_layer": n_layer, "n_head": n_head}}


def main():
    OUT.mkdir(exist_ok=True)
    torch.set_num_threads(1)
    vocab = json.dumps(VOCAB, ensure_ascii=False)
    # The vocabulary as the training code keeps it: nanoGPT's data/shakespeare_char/prepare.py
    # pickles meta.pkl; gpt.py rebuilds it from its input.txt as sorted(list(set(text))); and as
    # a JSON list (--vocab).
    with open(OUT / "meta.pkl", "wb") as f:
        pickle.dump({"vocab_size": len(VOCAB), "itos": dict(enumerate(VOCAB)),
                     "stoi": {c: i for i, c in enumerate(VOCAB)}}, f)
    (OUT / "vocab.json").write_text(vocab + "\n", encoding="utf-8")
    training_text = " ".join(TEXTS.values()) + " Azərbaycan dili ƏÖÜĞIŞÇ!?"
    assert sorted(set(training_text)) == VOCAB
    (OUT / "gptpy_input.txt").write_text(training_text, encoding="utf-8")

    # nanoGPT with biases; lm_head left out of the file as the safetensors package requires.
    torch.manual_seed(21)
    model = NanoGPT(len(VOCAB), 32, 4, 3, 64, bias=True)
    scale_up(model, 3.0)
    sd = {k: v for k, v in model.state_dict().items() if k != "lm_head.weight"}
    save_safetensors(OUT / "nanogpt.safetensors", sd, "F32", {"vocab": vocab, "n_head": "4"})
    checkpoint = nanogpt_checkpoint(model, model.state_dict(), 3, 4, 32, True)
    torch.save(checkpoint, OUT / "nanogpt_ckpt.pt")
    del checkpoint["optimizer"]
    torch.save(checkpoint, OUT / "nanogpt_legacy.pt", _use_new_zipfile_serialization=False)
    files = ["nanogpt.safetensors", "nanogpt_ckpt.pt", "nanogpt_legacy.pt"]
    write_case("nanogpt", files, "nanogpt", "az",
               lambda idx: nanogpt_forward(model, idx, F.gelu), 4)
    write_case("nanogpt_en", files, "nanogpt", "en",
               lambda idx: nanogpt_forward(model, idx, F.gelu), 4)

    # nanoGPT without biases (its default), saved from a torch.compile'd model: "_orig_mod."
    # before every key, and lm_head.weight kept (the state_dict lists the tied tensor twice).
    torch.manual_seed(22)
    model = NanoGPT(len(VOCAB), 24, 2, 2, 64, bias=False)
    scale_up(model, 3.0)
    sd = {"_orig_mod." + k: v for k, v in model.state_dict().items()}
    save_safetensors(OUT / "nanogpt_compiled.safetensors", sd, "F32",
                     {"vocab": vocab, "n_head": "2"})
    torch.save(nanogpt_checkpoint(model, sd, 2, 2, 24, False), OUT / "nanogpt_compiled_ckpt.pt")
    write_case("nanogpt_compiled", ["nanogpt_compiled.safetensors", "nanogpt_compiled_ckpt.pt"],
               "nanogpt", "en",
               lambda idx: nanogpt_forward(model, idx, F.gelu), 2)

    # GPT-2 as Hugging Face stores it: Conv1D weights, gelu_new, tied lm_head; the gpt2
    # repository's layout (no prefix) and GPT2LMHeadModel.save_pretrained's ("transformer.",
    # no masked_bias).
    torch.manual_seed(23)
    model = NanoGPT(len(VOCAB), 32, 4, 2, 64, bias=True)
    scale_up(model, 3.0)
    hf = gpt2_conv1d(model.state_dict())
    meta = {"vocab": vocab, "n_head": "4", "activation_function": "gelu_new"}
    save_safetensors(OUT / "gpt2_hf.safetensors", hf, "F32", meta)
    prefixed = {"transformer." + k: v for k, v in hf.items() if not k.endswith("masked_bias")}
    save_safetensors(OUT / "gpt2_hf_lmhead.safetensors", prefixed, "F32", meta)
    write_case("gpt2_hf", ["gpt2_hf.safetensors", "gpt2_hf_lmhead.safetensors"], "gpt2", "en",
               lambda idx: nanogpt_forward(model, idx, gelu_new), 4)
    write_case("gpt2_hf_az", ["gpt2_hf.safetensors"], "gpt2", "az",
               lambda idx: nanogpt_forward(model, idx, gelu_new), 4)
    # The same as save_pretrained shards a large model: pytorch_model-0000N-of-00002.bin, each a
    # torch.save of some tensors, and pytorch_model.bin.index.json naming each tensor's file.
    folder = OUT / "gpt2_sharded"
    folder.mkdir(exist_ok=True)
    keys = list(hf)
    weight_map = {}
    for n, part in enumerate([keys[:len(keys) // 2], keys[len(keys) // 2:]], 1):
        name = f"pytorch_model-{n:05d}-of-00002.bin"
        torch.save({k: hf[k] for k in part}, folder / name)
        weight_map.update({k: name for k in part})
    total = sum(v.numel() * v.element_size() for v in hf.values())
    (folder / "pytorch_model.bin.index.json").write_text(json.dumps(
        {"metadata": {"total_size": total}, "weight_map": weight_map}, indent=2) + "\n")
    config = {"activation_function": "gelu_new", "model_type": "gpt2", "n_embd": 32, "n_head": 4,
              "n_layer": 2, "n_positions": 64, "vocab_size": len(VOCAB)}
    (folder / "config.json").write_text(json.dumps(config, indent=2) + "\n")

    # Karpathy's gpt.py: separate heads, ReLU, lm_head with a bias.
    torch.manual_seed(24)
    model = KarpathyGPT(len(VOCAB), 32, 4, 2, 64)
    scale_up(model, 3.0)
    save_safetensors(OUT / "gptpy.safetensors", model.state_dict(), "F32", {"vocab": vocab})
    torch.save(model.state_dict(), OUT / "gptpy_model.pth")
    torch.save(model, OUT / "gptpy_module.pt")
    torch.save({k: v.double() for k, v in model.state_dict().items()}, OUT / "gptpy_f64_legacy.pth",
               _use_new_zipfile_serialization=False)
    files = ["gptpy.safetensors", "gptpy_model.pth", "gptpy_module.pt", "gptpy_f64_legacy.pth"]
    write_case("gptpy", files, "gpt.py", "az",
               lambda idx: karpathy_forward(model, idx), 4)
    write_case("gptpy_en", files, "gpt.py", "en",
               lambda idx: karpathy_forward(model, idx), 4)

    # A Hugging Face GPT-2 folder with GPT-2's real 50 257-token BPE vocabulary, in F16 as many
    # checkpoints are shared: model.safetensors (no vocab in it) and config.json; the tests add
    # data/gpt2/encoder.json and vocab.bpe as vocab.json and merges.txt.
    bpe = Encoder()
    torch.manual_seed(25)
    model = NanoGPT(len(bpe.encoder), 16, 2, 2, 64, bias=True)
    scale_up(model, 3.0)
    round_to(model, "F16")
    save_safetensors(OUT / "gpt2_bpe.safetensors", gpt2_conv1d(model.state_dict()), "F16",
                     {"format": "pt"})
    # The same as transformers' older default, pytorch_model.bin: torch.save of the F16 tensors.
    torch.save({k: v.half() for k, v in gpt2_conv1d(model.state_dict()).items()},
               OUT / "gpt2_bpe.bin")
    config = {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"],
              "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 64, "n_embd": 16,
              "n_head": 2, "n_layer": 2, "n_positions": 64, "vocab_size": len(bpe.encoder),
              "reorder_and_upcast_attn": False, "scale_attn_by_inverse_layer_idx": False}
    (OUT / "gpt2_bpe.config.json").write_text(json.dumps(config, indent=2) + "\n")
    write_case("gpt2_bpe", ["gpt2_bpe.safetensors", "gpt2_bpe.bin"], "gpt2", "az",
               lambda idx: nanogpt_forward(model, idx, gelu_new), 2, bpe)

    # nanoGPT trained on GPT-2's tokens (openwebtext: no meta.pkl), its vocabulary padded to
    # 50 304 rows; the padding rows made likely, so a guess among them would show. In F16 (the
    # tied wte and lm_head one storage), without the optimizer, to keep the file small.
    torch.manual_seed(26)
    model = NanoGPT(50304, 16, 2, 2, 64, bias=False)
    scale_up(model, 3.0)
    with torch.no_grad():
        model.transformer.wte.weight[50257:] *= 40.0
    model.half()
    torch.save({"model": model.state_dict(), "iter_num": 0,
                "model_args": dict(n_layer=2, n_head=2, n_embd=16, block_size=64, bias=False,
                                   vocab_size=50304, dropout=0.0),
                "config": {"dataset": "openwebtext", "n_layer": 2, "n_head": 2}},
               OUT / "nanogpt_gpt2_ckpt.pt")
    model.float()
    write_case("nanogpt_gpt2", ["nanogpt_gpt2_ckpt.pt"], "nanogpt", "az",
               lambda idx: nanogpt_forward(model, idx, F.gelu), 2, bpe, guess_ids=50257)


if __name__ == "__main__":
    main()
