// The decoders after GPT-2 from a Hugging Face folder (Llama, Mistral, Qwen 2 and 3, Gemma 1 to 3):
// what each family is, as data, and one loader that reads every family's tensors by their names.
#include "model/decoder_load.hpp"

#include <cmath>
#include <unordered_set>

#include "attnviz/strings.hpp"
#include "attnviz/text/utf8.hpp"
#include "model/expect_shape.hpp"
#include "model/rotary.hpp"

namespace attnviz {
namespace {

using utf8::quoted;

// What sets a family apart; everything else is Llama's.
struct FamilyTraits {
  const char* model_type;
  Family family;
  Norm norm;
  bool qkv_bias;     // biases on q, k and v whatever attention_bias says (Qwen 2)
  bool qk_norm;      // each head's q and k RMSNormed (Qwen 3, Gemma 3)
  bool post_norms;   // norms after attention and MLP, pre_feedforward_layernorm before it
  bool embed_scale;  // x = embedding · √n_embd (Gemma)
};

constexpr FamilyTraits kTraits[] = {
    {"llama", Family::Llama, Norm::RmsNorm, false, false, false, false},
    {"mistral", Family::Mistral, Norm::RmsNorm, false, false, false, false},
    {"qwen2", Family::Qwen2, Norm::RmsNorm, true, false, false, false},
    {"qwen3", Family::Qwen3, Norm::RmsNorm, false, true, false, false},
    {"gemma", Family::Gemma, Norm::RmsNormPlusOne, false, false, false, true},
    {"gemma2", Family::Gemma2, Norm::RmsNormPlusOne, false, false, true, true},
    {"gemma3_text", Family::Gemma3, Norm::RmsNormPlusOne, false, true, true, true},
};

const FamilyTraits& traits_of(const std::string& model_type) {
  for (const FamilyTraits& t : kTraits) {
    if (model_type == t.model_type) return t;
  }
  throw Error(Err::Internal, {"no traits for model_type " + model_type});
}

Activation activation_of(const std::string& name, const StateDict& sd) {
  if (name == "silu" || name == "swish") return Activation::Silu;
  if (name == "gelu_pytorch_tanh" || name == "gelu_new") return Activation::GeluTanh;
  if (name == "gelu") return Activation::Gelu;
  if (name == "relu") return Activation::Relu;
  sd.fail(Err::UnknownHiddenAct, {name});
}

// Where the text model's tensors lie: a causal LM's "model.", a base model's "", Gemma 3's
// multimodal checkpoints' "model.language_model." (transformers ≥ 4.52) or "language_model.model.".
constexpr const char* kRoots[] = {"model.", "", "model.language_model.", "language_model.model."};

class DecoderLoader {
 public:
  DecoderLoader(const StateDict& sd, const ModelSettings& settings, std::vector<Words>& warnings,
                UncheckedKeys* unchecked)
      : sd_(sd),
        c_(*settings.decoder),
        source_(settings.source),
        t_(traits_of(c_.model_type)),
        norm_(t_.norm == Norm::RmsNormPlusOne && c_.norms_hold_one ? Norm::RmsNorm : t_.norm),
        warnings_(warnings),
        unchecked_(unchecked) {}

  Transformer load() {
    find_root();
    m_.family = t_.family;
    m_.activation = activation_of(c_.hidden_act, sd_);
    m_.norm = norm_;
    m_.layer_norm_epsilon = c_.rms_norm_eps;
    m_.n_embd = c_.n_embd;
    m_.block_size = c_.max_positions;
    m_.final_softcap = c_.final_softcap;
    // √n_embd as a float32 tensor (Gemma: torch.tensor(hidden_size ** 0.5)).
    if (t_.embed_scale) m_.embed_scale = static_cast<float>(std::sqrt(double(c_.n_embd)));
    const std::string embed = root_ + "embed_tokens.weight";
    m_.token_embedding = read(embed, 2, unchecked_ ? &unchecked_->token_embedding : nullptr);
    agree("hidden_size", c_.n_embd, m_.token_embedding.cols(), embed, Err::Columns);
    agree("vocab_size", c_.vocab_size, m_.token_embedding.rows(), embed, Err::Rows);
    int n_layer = 0;
    while (sd_.has(layer(n_layer) + "self_attn.q_proj.weight")) ++n_layer;
    if (n_layer != c_.n_layer) {
      sd_.fail(Err::LayerCountMismatch,
               {sd_.file_setting("num_hidden_layers"), std::to_string(c_.n_layer),
                std::to_string(n_layer), sd_.file_key(layer(0)),
                sd_.file_key(layer(std::max(0, n_layer - 1)))});
    }
    if (unchecked_) unchecked_->blocks.resize(static_cast<size_t>(n_layer));
    for (int i = 0; i < n_layer; ++i) m_.blocks.push_back(read_block(i));
    m_.ln_f_weight = vector(root_ + "norm.weight", c_.n_embd, "hidden_size");
    read_lm_head();
    warn_unused();
    return std::move(m_);
  }

 private:
  void find_root() {
    for (const char* root : kRoots) {
      if (sd_.has(std::string(root) + "embed_tokens.weight")) {
        root_ = root;
        // Gemma 3's multimodal checkpoints keep lm_head beside the text model.
        outer_ = root_ == "language_model.model." ? "language_model." : "";
        return;
      }
    }
    sd_.fail(Err::MissingTensor, {"model.embed_tokens.weight"});
  }

  std::string layer(int i) const { return root_ + "layers." + std::to_string(i) + "."; }

  Weights read_attention(int i, std::vector<std::string>* keys) {
    const std::string a = layer(i) + "self_attn.";
    const int C = c_.n_embd, hd = c_.head_dim, H = c_.n_head, KV = c_.n_kv_head;
    Weights w;
    w.n_embd = C;
    w.block_size = c_.max_positions;
    w.norm = norm_;
    w.ln_eps = c_.rms_norm_eps;
    w.ln_weight = vector(layer(i) + "input_layernorm.weight", C, "hidden_size");
    const Tensor q =
        matrix(a + "q_proj.weight", H * hd, C, "num_attention_heads·head_dim × hidden_size", keys);
    const Tensor k =
        matrix(a + "k_proj.weight", KV * hd, C, "num_key_value_heads·head_dim × hidden_size", keys);
    const Tensor v =
        matrix(a + "v_proj.weight", KV * hd, C, "num_key_value_heads·head_dim × hidden_size", keys);
    w.proj_weight =
        matrix(a + "o_proj.weight", C, H * hd, "hidden_size × num_attention_heads·head_dim", keys);
    const bool bias = t_.qkv_bias || c_.attention_bias;
    const Matrix qb =
        bias ? vector(a + "q_proj.bias", H * hd, "num_attention_heads·head_dim") : Matrix();
    const Matrix kb =
        bias ? vector(a + "k_proj.bias", KV * hd, "num_key_value_heads·head_dim") : Matrix();
    const Matrix vb =
        bias ? vector(a + "v_proj.bias", KV * hd, "num_key_value_heads·head_dim") : Matrix();
    w.proj_bias = c_.attention_bias ? vector(a + "o_proj.bias", C, "hidden_size")
                                    : Matrix(Matrix::Zero(1, C));
    w.n_kv_head = KV == H ? 0 : KV;
    for (int h = 0; h < H; ++h) {
      const int kv = h / (H / KV);
      HeadWeights head;  // views of the projections' rows: head h's, its group's k and v
      head.query = q.part(h * hd, 0, hd, C);
      head.key = k.part(kv * hd, 0, hd, C);
      head.value = v.part(kv * hd, 0, hd, C);
      if (bias) {
        head.query_bias = qb.middleCols(h * hd, hd);
        head.key_bias = kb.middleCols(kv * hd, hd);
        head.value_bias = vb.middleCols(kv * hd, hd);
      }
      w.heads.push_back(std::move(head));
    }
    w.joined = {q, k, v};
    if (t_.qk_norm) {
      w.q_norm = vector(a + "q_norm.weight", hd, "head_dim");
      w.k_norm = vector(a + "k_norm.weight", hd, "head_dim");
    }
    const bool sliding = c_.sliding[static_cast<size_t>(i)];
    w.rotary = rotary_of(sliding ? c_.local_rope : c_.rope, hd);
    w.window = sliding ? c_.sliding_window : 0;
    w.softcap = c_.attn_softcap;
    // query_pre_attn_scalar ** -0.5 in Python, then float32 as it multiplies the scores
    if (c_.query_pre_attn_scalar > 0.0f) {
      w.attn_scale = static_cast<float>(std::pow(double(c_.query_pre_attn_scalar), -0.5));
    }
    return w;
  }

  Block read_block(int i) {
    std::vector<std::string>* keys =
        unchecked_ ? &unchecked_->blocks[static_cast<size_t>(i)] : nullptr;
    Block b;
    b.attention = read_attention(i, keys);
    const int C = c_.n_embd, hidden = c_.intermediate_size;
    const std::string l = layer(i), mlp = l + "mlp.";
    if (t_.post_norms) {
      b.post_attention_norm = vector(l + "post_attention_layernorm.weight", C, "hidden_size");
      b.ln2_weight = vector(l + "pre_feedforward_layernorm.weight", C, "hidden_size");
      b.post_mlp_norm = vector(l + "post_feedforward_layernorm.weight", C, "hidden_size");
    } else {
      b.ln2_weight = vector(l + "post_attention_layernorm.weight", C, "hidden_size");
    }
    b.mlp.gate_weight =
        matrix(mlp + "gate_proj.weight", hidden, C, "intermediate_size × hidden_size", keys);
    b.mlp.fc_weight =
        matrix(mlp + "up_proj.weight", hidden, C, "intermediate_size × hidden_size", keys);
    b.mlp.proj_weight =
        matrix(mlp + "down_proj.weight", C, hidden, "hidden_size × intermediate_size", keys);
    if (c_.mlp_bias) {
      b.mlp.fc_bias = vector(mlp + "up_proj.bias", hidden, "intermediate_size");
      b.mlp.proj_bias = vector(mlp + "down_proj.bias", C, "hidden_size");
      b.mlp.gate_bias = vector(mlp + "gate_proj.bias", hidden, "intermediate_size");
    }
    return b;
  }

  // lm_head.weight, unless tie_word_embeddings ties it to embed_tokens (as transformers does, the
  // file's own copy then unused).
  void read_lm_head() {
    const std::string key = outer_ + "lm_head.weight";
    if (c_.tie_word_embeddings) {
      if (sd_.has(key)) used_.insert(key);
      return;
    }
    std::string lm_head_key;
    m_.lm_head = read(key, 2, unchecked_ ? &lm_head_key : nullptr);
    expect_shape(sd_, m_.lm_head, key, {c_.vocab_size, c_.n_embd}, "vocab_size × hidden_size");
    if (unchecked_) unchecked_->output_embedding = lm_head_key;
  }

  // Tensors no part read, but the rotary buffers of older saves (rotary_emb.inv_freq) and, in a
  // multimodal checkpoint, everything outside the text model.
  void warn_unused() {
    for (const std::string& k : sd_.keys()) {
      if (used_.count(k) || ends_with(k, "rotary_emb.inv_freq")) continue;
      if (k.rfind(root_, 0) != 0 && !outer_.empty()) continue;
      if (root_ == "model.language_model." && k.rfind("model.language_model.", 0) != 0) continue;
      warnings_.emplace_back(Err::UnknownKey, std::vector<Words>{sd_.name(), sd_.quoted_key(k)});
    }
  }

  void agree(const char* setting, int said, Eigen::Index found, const std::string& key,
             Err unit) const {
    if (said == found) return;
    sd_.fail(Err::ConfigDisagrees, {source_, sd_.file_setting(setting), std::to_string(said),
                                    sd_.quoted_key(key), std::to_string(found), Words(unit, {})});
  }

  Tensor read(const std::string& key, int dims, std::string* later) {
    used_.insert(key);
    if (later == nullptr) return sd_.tensor(key, dims);
    *later = key;
    // every matrix here is nn.Linear's weight or a table of rows: F16 and BF16 stay packed
    return dims == 2 ? sd_.unchecked_linear(key) : sd_.unchecked_tensor(key, dims);
  }

  Tensor matrix(const std::string& key, int rows, int cols, const char* meaning,
                std::vector<std::string>* keys) {
    Tensor m = read(key, 2, keys ? &keys->emplace_back() : nullptr);
    expect_shape(sd_, m, key, {rows, cols}, meaning);
    return m;
  }

  Matrix vector(const std::string& key, Eigen::Index n, const char* meaning) {
    Matrix v = read(key, 1, nullptr);
    expect_shape(sd_, v, key, {n}, meaning);
    return v;
  }

  const StateDict& sd_;
  const DecoderSettings& c_;
  const std::string& source_;
  const FamilyTraits& t_;
  Norm norm_;  // the family's, or plain RMSNorm for weights that hold Gemma's 1 + w
  std::vector<Words>& warnings_;
  UncheckedKeys* unchecked_;
  std::string root_, outer_;
  std::unordered_set<std::string> used_;
  Transformer m_;
};

}  // namespace

bool looks_like_decoder(const StateDict& state_dict) {
  for (const char* root : kRoots) {
    if (state_dict.has(std::string(root) + "layers.0.self_attn.q_proj.weight")) return true;
  }
  return false;
}

Transformer load_decoder(const StateDict& state_dict, const ModelSettings& settings,
                         std::vector<Words>& warnings, UncheckedKeys* unchecked) {
  Transformer model = DecoderLoader(state_dict, settings, warnings, unchecked).load();
  if (unchecked && unchecked->output_embedding.empty())
    unchecked->output_embedding = unchecked->token_embedding;  // tied
  return model;
}

}  // namespace attnviz
