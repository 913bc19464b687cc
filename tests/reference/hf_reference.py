#!/usr/bin/python3
"""PyTorch reference implementations of the decoders after GPT-2, for attnviz's tests: Llama,
Mistral, Qwen2, Qwen3, Gemma, Gemma2 and Gemma3 (text), each as transformers' modeling files
compute it in eager mode, batch 1, float32, with every layer's attention weights kept.
transformers is not in Debian; these follow its code step by step on Debian's PyTorch. Read for
them: modeling_gemma3.py at huggingface/transformers 0018aa647b (transformers 5: layer_types,
rope_parameters per layer type, Gemma3RMSNorm's (1 + w), the scaled embedding, eager attention
with the cap and sliding_window_overlay's mask kv > q − window); modeling_llama.py at 002272831f
(LlamaRMSNorm, rotate_half, repeat_kv, the gated MLP) and modeling_rope_utils.py at 0044e3b3fa
(the default, linear and llama3 inverse frequencies), whose arithmetic transformers 5 keeps; the
families' differences as their configuration classes and modeling files state them.

    model = Decoder(config, state_dict)      # config: config.json as a dict
    layers, logits = model.forward(ids)      # ids: a list of token ids
"""
import math

import torch
from torch.nn import functional as F

GEMMAS = ("gemma", "gemma2", "gemma3_text")


def text_config(config):
    """Gemma3ForConditionalGeneration keeps the text model's settings in text_config."""
    return config["text_config"] if config.get("model_type") == "gemma3" else config


def rope_inv_freq(rope, dim):
    """modeling_rope_utils: _compute_default_rope_parameters, then linear or llama3 scaling."""
    base = rope.get("rope_theta", 10000.0)
    inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).to(dtype=torch.float) / dim))
    kind = rope.get("rope_type", rope.get("type", "default"))
    if kind == "linear":
        inv_freq /= rope["factor"]
    elif kind == "llama3":  # _compute_llama3_parameters
        factor = rope["factor"]
        low_freq_factor = rope["low_freq_factor"]
        high_freq_factor = rope["high_freq_factor"]
        old_context_len = rope["original_max_position_embeddings"]
        low_freq_wavelen = old_context_len / low_freq_factor
        high_freq_wavelen = old_context_len / high_freq_factor
        wavelen = 2 * math.pi / inv_freq
        inv_freq_llama = torch.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
        smooth_factor = (old_context_len / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
        smoothed_inv_freq = (1 - smooth_factor) * inv_freq_llama / factor + smooth_factor * inv_freq_llama
        is_medium_freq = ~(wavelen < high_freq_wavelen) * ~(wavelen > low_freq_wavelen)
        inv_freq = torch.where(is_medium_freq, smoothed_inv_freq, inv_freq_llama)
    elif kind == "rope_freqs":  # a GGUF's llama3 scaling: llama.cpp divides each by its factor
        inv_freq = inv_freq / torch.tensor(rope["factors"], dtype=torch.float32)
    elif kind != "default":
        raise ValueError(kind)
    return inv_freq


def rope_cos_sin(inv_freq, T):
    """RotaryEmbedding.forward: freqs = inv_freq @ positions in float32, cat(freqs, freqs)."""
    position_ids = torch.arange(T)[None, :]
    inv_freq_expanded = inv_freq[None, :, None].float()
    freqs = (inv_freq_expanded @ position_ids[:, None, :].float()).transpose(1, 2)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos()[0], emb.sin()[0]  # (T, dim), attention_scaling 1 for these types


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def rms_norm(x, weight, eps, gemma):
    """LlamaRMSNorm (weight · x̂) and GemmaRMSNorm (x̂ · (1 + weight)), in float32."""
    if gemma:
        output = x.float() * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + eps)
        return output * (1.0 + weight.float())
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def gelu_pytorch_tanh(x):
    return F.gelu(x, approximate="tanh")


ACT = {"silu": F.silu, "gelu_pytorch_tanh": gelu_pytorch_tanh, "gelu": F.gelu}


class Decoder:
    def __init__(self, config, state_dict):
        self.full_config = config
        c = text_config(config)
        self.c = c
        self.t = c["model_type"]
        self.sd = {k: v.float() for k, v in state_dict.items()}
        for root in ("model.", "", "model.language_model.", "language_model.model."):
            if root + "embed_tokens.weight" in self.sd:
                self.root = root
                break
        self.gemma = self.t in GEMMAS
        self.n_head = c["num_attention_heads"]
        self.n_kv = c.get("num_key_value_heads") or self.n_head
        self.head_dim = c.get("head_dim") or c["hidden_size"] // self.n_head
        self.eps = c.get("rms_norm_eps", 1e-6)
        if self.gemma:
            act = c.get("hidden_activation") or "gelu_pytorch_tanh"
        else:
            act = c.get("hidden_act", "silu")
        self.act = ACT[act]
        n = c["num_hidden_layers"]
        default_pattern = {"gemma2": 2, "gemma3_text": 6}.get(self.t, 0)
        if c.get("layer_types"):
            self.sliding = [t == "sliding_attention" for t in c["layer_types"]]
        elif self.t == "mistral":
            self.sliding = [True] * n
        elif self.t in ("qwen2", "qwen3"):
            self.sliding = [bool(c.get("use_sliding_window")) and i >= c.get("max_window_layers", 28)
                            for i in range(n)]
        elif default_pattern:
            pattern = c.get("sliding_window_pattern", default_pattern)
            self.sliding = [bool((i + 1) % pattern) for i in range(n)]
        else:
            self.sliding = [False] * n
        self.window = c.get("sliding_window")
        if not self.window:
            self.sliding = [False] * n
        # Rotary: Gemma 3's sliding layers have their own base; rope_scaling on the others.
        global_rope = {"rope_theta": c.get("rope_theta", 1e6 if self.t == "gemma3_text" else 10000.0)}
        global_rope.update(c.get("rope_scaling") or {})
        local_rope = ({"rope_theta": c.get("rope_local_base_freq", 10000.0)}
                      if self.t == "gemma3_text" else global_rope)
        self.inv_freq = {False: rope_inv_freq(global_rope, self.head_dim),
                         True: rope_inv_freq(local_rope, self.head_dim)}
        if self.t in ("gemma2", "gemma3_text"):
            self.scaling = c.get("query_pre_attn_scalar", 256) ** -0.5
        else:
            self.scaling = self.head_dim ** -0.5
        self.attn_softcap = c.get("attn_logit_softcapping") if self.t != "gemma" else None
        self.final_softcap = c.get("final_logit_softcapping") if self.t != "gemma" else None
        self.tie = c.get("tie_word_embeddings", self.gemma)

    def w(self, name):
        return self.sd[self.root + name]

    def has(self, name):
        return self.root + name in self.sd

    def linear(self, x, name):
        y = x @ self.w(name + ".weight").T
        return y + self.w(name + ".bias") if self.has(name + ".bias") else y

    def norm(self, x, name):
        return rms_norm(x, self.w(name + ".weight"), self.eps, self.gemma)

    def attention(self, x, i):
        """LlamaAttention / Qwen3Attention / Gemma3Attention.forward and eager_attention_forward."""
        T = x.shape[0]
        p = f"layers.{i}.self_attn."
        q = self.linear(x, p + "q_proj").view(T, -1, self.head_dim).transpose(0, 1)  # (H, T, d)
        k = self.linear(x, p + "k_proj").view(T, -1, self.head_dim).transpose(0, 1)  # (KV, T, d)
        v = self.linear(x, p + "v_proj").view(T, -1, self.head_dim).transpose(0, 1)
        if self.has(p + "q_norm.weight"):
            q = self.norm(q, p + "q_norm")
            k = self.norm(k, p + "k_norm")
        cos, sin = rope_cos_sin(self.inv_freq[self.sliding[i]], T)
        q = (q * cos) + (rotate_half(q) * sin)
        k = (k * cos) + (rotate_half(k) * sin)
        groups = self.n_head // self.n_kv
        k = k.repeat_interleave(groups, dim=0)  # repeat_kv
        v = v.repeat_interleave(groups, dim=0)
        scores = q @ k.transpose(1, 2)
        weights = scores * self.scaling
        if self.attn_softcap is not None:
            weights = weights / self.attn_softcap
            weights = torch.tanh(weights)
            weights = weights * self.attn_softcap
        q_idx = torch.arange(T)[:, None]
        kv_idx = torch.arange(T)[None, :]
        visible = kv_idx <= q_idx  # causal_mask_function
        if self.sliding[i]:
            visible = visible & (kv_idx > q_idx - self.window)  # sliding_window_overlay
        weights = weights.masked_fill(~visible, torch.finfo(torch.float32).min)
        weights = F.softmax(weights, dim=-1, dtype=torch.float32)
        out = (weights @ v).transpose(0, 1).reshape(T, -1)
        return weights, self.linear(out, p + "o_proj")

    def mlp(self, x, i):
        p = f"layers.{i}.mlp."
        return self.linear(self.act(self.linear(x, p + "gate_proj")) * self.linear(x, p + "up_proj"),
                           p + "down_proj")

    def forward(self, ids):
        x = self.w("embed_tokens.weight")[torch.tensor(ids)]
        if self.gemma:
            x = x * torch.tensor(self.c["hidden_size"] ** 0.5, dtype=x.dtype)
        layers = []
        post = self.t in ("gemma2", "gemma3_text")
        for i in range(self.c["num_hidden_layers"]):
            p = f"layers.{i}."
            weights, attn = self.attention(self.norm(x, p + "input_layernorm"), i)
            if post:
                attn = self.norm(attn, p + "post_attention_layernorm")
            x = x + attn
            mid = x
            mlp = self.mlp(self.norm(x, p + ("pre_feedforward_layernorm" if post
                                              else "post_attention_layernorm")), i)
            if post:
                mlp = self.norm(mlp, p + "post_feedforward_layernorm")
            x = x + mlp
            layers.append({"weights": weights, "x_mid": mid, "mlp_out": mlp, "x_out": x})
        x = self.norm(x, "norm")
        outer = "language_model." if self.root == "language_model.model." else ""
        lm_head = self.w("embed_tokens.weight") if self.tie else self.sd[outer + "lm_head.weight"]
        logits = x @ lm_head.T
        if self.final_softcap is not None:
            logits = logits / self.final_softcap
            logits = torch.tanh(logits)
            logits = logits * self.final_softcap
        return layers, logits
