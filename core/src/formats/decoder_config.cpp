// config.json of the decoders after GPT-2 (Llama, Mistral, Qwen 2 and 3, Gemma 1 to 3): each field
// checked, the defaults those of transformers' configuration classes (transformers 5.0).
#include "formats/decoder_config.hpp"

#include <algorithm>
#include <cmath>

#include "attnviz/error.hpp"
#include "attnviz/limits.hpp"
#include "attnviz/text/utf8.hpp"

namespace attnviz {
namespace {

using Json = nlohmann::json;

// What each model_type's configuration class gives a field left out.
struct Defaults {
  const char* model_type;
  int max_positions;
  double rope_theta;
  bool tie_word_embeddings;
  int sliding_window;           // 0: none
  int sliding_pattern;          // every n-th layer full (Gemma 2: 2, Gemma 3: 6); 0: all alike
  float query_pre_attn_scalar;  // 0: head_dim's
  float attn_softcap, final_softcap;
};

constexpr Defaults kDefaults[] = {
    {"llama", 2048, 10000.0, false, 0, 0, 0.0f, 0.0f, 0.0f},
    {"mistral", 4096 * 32, 10000.0, false, 4096, 0, 0.0f, 0.0f, 0.0f},
    {"qwen2", 32768, 10000.0, false, 4096, 0, 0.0f, 0.0f, 0.0f},
    {"qwen3", 32768, 10000.0, false, 4096, 0, 0.0f, 0.0f, 0.0f},
    {"gemma", 8192, 10000.0, true, 0, 0, 0.0f, 0.0f, 0.0f},
    {"gemma2", 8192, 10000.0, true, 4096, 2, 256.0f, 50.0f, 30.0f},
    {"gemma3_text", 131072, 1000000.0, true, 4096, 6, 256.0f, 0.0f, 0.0f},
};

const Defaults* defaults_of(const std::string& model_type) {
  for (const Defaults& d : kDefaults) {
    if (model_type == d.model_type) return &d;
  }
  return nullptr;
}

bool is_gemma(const std::string& model_type) { return model_type.rfind("gemma", 0) == 0; }

// rope_scaling (transformers 4) or one entry of rope_parameters (5): {"rope_type" (or "type"),
// "factor", …}; `where` names it for errors.
void read_rope_scaling(const ConfigReader& file, const Json& v, const std::string& where,
                       RopeSettings& rope) {
  if (!v.is_object()) file.fail(where, v, Words(Err::ExpectObject, {}));
  const Json* type = v.contains("rope_type") ? &v.at("rope_type")
                     : v.contains("type")    ? &v.at("type")
                                             : nullptr;
  if (type == nullptr || !type->is_string()) {
    file.fail(where + ".rope_type", type ? *type : Json(), Words(Err::ExpectString, {}));
  }
  rope.type = type->get<std::string>();
  if (rope.type != "default" && rope.type != "linear" && rope.type != "llama3") {
    throw Error(Err::RopeTypeUnsupported, {file.name(), utf8::truncate_to_width(rope.type, 30)});
  }
  const auto number = [&](const char* key, double& into, double min, double max) {
    if (!v.contains(key) || v.at(key).is_null()) {
      if (rope.type == "default" || (rope.type == "linear" && std::string(key) != "factor")) return;
      file.fail(where + "." + key, Json(), Words(Err::ExpectNumber, {}));
    }
    const Json& n = v.at(key);
    if (!n.is_number() || !(n.get<double>() > min) || !(n.get<double>() <= max)) {
      file.fail(where + "." + key, n,
                Words(Err::ExpectRange, {Json(min).dump(), Json(max).dump()}));
    }
    into = n.get<double>();
  };
  if (v.contains("rope_theta")) number("rope_theta", rope.theta, 1.0, 1e12);
  if (rope.type == "default") return;
  number("factor", rope.factor, 0.0, 1e6);
  if (rope.type != "llama3") return;
  number("low_freq_factor", rope.low_freq_factor, 0.0, 1e6);
  number("high_freq_factor", rope.high_freq_factor, rope.low_freq_factor, 1e6);
  double original = 0;
  number("original_max_position_embeddings", original, 0.0, kMaxBlockSize * 1024.0);
  rope.original_max_positions = static_cast<int>(original);
}

void read_rope(ConfigReader& r, const Defaults& d, DecoderSettings& s) {
  if (const auto p =
          r.number("partial_rotary_factor", 0.0, 1.0 + 1e-9, Words(Err::ExpectRange, {"0", "1"}));
      p && *p != 1.0) {
    throw Error(Err::UnsupportedSetting, {r.name(), "partial_rotary_factor", Json(*p).dump()});
  }
  s.rope.theta = r.number("rope_theta", 1.0, 1e12, Words(Err::ExpectRange, {"1", "1e12"}))
                     .value_or(d.rope_theta);
  if (r.has("rope_scaling")) read_rope_scaling(r, r.at("rope_scaling"), "rope_scaling", s.rope);
  s.local_rope = s.rope;
  if (s.model_type == "gemma3_text") {  // the sliding layers: their own base, never scaled
    s.local_rope = RopeSettings{};
    s.local_rope.theta =
        r.number("rope_local_base_freq", 1.0, 1e12, Words(Err::ExpectRange, {"1", "1e12"}))
            .value_or(10000.0);
  }
  if (!r.has("rope_parameters")) return;
  // transformers 5: one set of parameters, or one per layer type.
  const Json& p = r.at("rope_parameters");
  if (p.is_object() && p.contains("full_attention")) {
    read_rope_scaling(r, p.at("full_attention"), "rope_parameters.full_attention", s.rope);
    if (p.contains("sliding_attention")) {
      read_rope_scaling(r, p.at("sliding_attention"), "rope_parameters.sliding_attention",
                        s.local_rope);
    }
  } else {
    read_rope_scaling(r, p, "rope_parameters", s.rope);
    s.local_rope = s.rope;
  }
}

// layer_types, else the class's pattern: which layers attend through the sliding window.
void read_layer_types(ConfigReader& r, const Defaults& d, DecoderSettings& s) {
  const auto n = static_cast<size_t>(s.n_layer);
  s.sliding.assign(n, false);
  if (r.has("layer_types")) {
    const Json& types = r.at("layer_types");
    if (!types.is_array() || types.size() != n) {
      r.fail("layer_types", types, Words(Err::ExpectLayerTypes, {std::to_string(n)}));
    }
    for (size_t i = 0; i < n; ++i) {
      const Json& t = types[i];
      if (t != "full_attention" && t != "sliding_attention") {
        r.fail("layer_types[" + std::to_string(i) + "]", t, Words(Err::ExpectLayerType, {}));
      }
      s.sliding[i] = t == "sliding_attention";
    }
  } else if (s.model_type == "mistral") {
    s.sliding.assign(n, true);
  } else if (s.model_type == "qwen2" || s.model_type == "qwen3") {
    const int from = r.integer("max_window_layers", 0, 1 << 20).value_or(28);
    if (r.flag("use_sliding_window")) {
      for (size_t i = static_cast<size_t>(from); i < n; ++i) s.sliding[i] = true;
    }
  } else if (d.sliding_pattern > 0) {
    const int pattern =
        r.integer("sliding_window_pattern", 1, 1 << 20)
            .value_or(r.integer("_sliding_window_pattern", 1, 1 << 20).value_or(d.sliding_pattern));
    for (size_t i = 0; i < n; ++i) s.sliding[i] = (i + 1) % static_cast<size_t>(pattern) != 0;
  }
  if (s.model_type == "qwen2" || s.model_type == "qwen3") {
    if (!r.flag("use_sliding_window")) s.sliding.assign(n, false);
  }
  // A window set to null (Mistral 7B v0.2 on) means full attention everywhere.
  s.sliding_window = r.has("sliding_window")
                         ? r.integer("sliding_window", 1, kMaxBlockSize * 1024).value()
                         : (r.is_null("sliding_window") ? 0 : d.sliding_window);
  if (s.sliding_window == 0) s.sliding.assign(n, false);
}

}  // namespace

bool is_decoder_type(const std::string& model_type) {
  return defaults_of(model_type) != nullptr || model_type == "gemma3";
}

DecoderSettings read_decoder_config(ConfigReader& r, const std::string& model_type,
                                    const Limits& limits) {
  const Defaults& d = *defaults_of(model_type);
  DecoderSettings s;
  s.model_type = model_type;
  s.n_layer = *r.integer("num_hidden_layers", 1, 1024, true);
  s.n_embd = *r.integer("hidden_size", 1, limits.max_embd, true);
  s.n_head = *r.integer("num_attention_heads", 1, s.n_embd, true);
  s.n_kv_head = r.integer("num_key_value_heads", 1, s.n_head).value_or(s.n_head);
  if (s.n_head % s.n_kv_head != 0) {
    throw Error(Err::ConfigKvNotDivide,
                {r.name(), std::to_string(s.n_kv_head), std::to_string(s.n_head)});
  }
  if (r.has("head_dim")) {
    s.head_dim = *r.integer("head_dim", 2, limits.max_embd);
  } else if (s.n_embd % s.n_head != 0) {
    throw Error(Err::ConfigNotDivide,
                {r.name(), std::to_string(s.n_head), std::to_string(s.n_embd)});
  } else {
    s.head_dim = s.n_embd / s.n_head;
  }
  if (s.head_dim % 2 != 0) {  // the rotation turns pairs
    r.fail("head_dim", Json(s.head_dim), Words(Err::ExpectEven, {}));
  }
  s.intermediate_size = *r.integer("intermediate_size", 1, 1 << 20, true);
  s.vocab_size = *r.integer("vocab_size", 1, 1 << 24, true);
  s.max_positions = r.integer("max_position_embeddings", 1, 1 << 30).value_or(d.max_positions);
  s.rms_norm_eps = r.epsilon("rms_norm_eps").value_or(1e-6f);
  // Gemma's MLP is GeGLU with the tanh GELU whatever hidden_act says, as transformers warns and
  // does (the early Gemma configs said "gelu"), unless hidden_activation names another.
  s.hidden_act = is_gemma(model_type) ? r.text("hidden_activation").value_or("gelu_pytorch_tanh")
                                      : r.text("hidden_act").value_or("silu");
  s.attention_bias = r.flag("attention_bias");
  s.mlp_bias = r.flag("mlp_bias");
  s.tie_word_embeddings = r.flag("tie_word_embeddings", d.tie_word_embeddings);
  read_rope(r, d, s);
  read_layer_types(r, d, s);
  s.query_pre_attn_scalar = static_cast<float>(
      r.number("query_pre_attn_scalar", 0.0, 1e9, Words(Err::ExpectRange, {"0", "1e9"}))
          .value_or(d.query_pre_attn_scalar));
  const auto cap = [&](const char* key, float absent) {
    if (!r.has(key)) return r.is_null(key) ? 0.0f : absent;
    return static_cast<float>(*r.number(key, 0.0, 1e9, Words(Err::ExpectRange, {"0", "1e9"})));
  };
  s.attn_softcap = cap("attn_logit_softcapping", d.attn_softcap);
  s.final_softcap = cap("final_logit_softcapping", d.final_softcap);
  if (r.flag("use_bidirectional_attention")) {
    throw Error(Err::UnsupportedOption, {"use_bidirectional_attention"});
  }
  return s;
}

}  // namespace attnviz
