// A whole GPT from a state dict: the family from its key names, then the embeddings, every block
// (attention through load_weights, as for a single module; ln_2 and the MLP here), ln_f, lm_head.
#include <algorithm>
#include <unordered_set>

#include "attnviz/model/attention_load.hpp"
#include "attnviz/model/transformer.hpp"
#include "attnviz/strings.hpp"
#include "attnviz/text/utf8.hpp"
#include "model/decoder_load.hpp"
#include "model/expect_shape.hpp"

namespace attnviz {
namespace {

using utf8::quoted;

// Where a family keeps each part, below `root` ("", "_orig_mod.", "transformer.", …).
struct Names {
  Family family;
  std::string root;     // before the blocks and embeddings
  std::string outer;    // before lm_head: root without "transformer."
  bool conv1d = false;  // Hugging Face's Conv1D layout (in × out), used as it lies

  std::string block(int i) const {
    return root + (family == Family::GptPy ? "blocks." : "h.") + std::to_string(i) + ".";
  }
  std::string attention(int i) const {
    return block(i) + (family == Family::GptPy ? "sa." : "attn.");
  }
  std::string ln_1(int i) const { return block(i) + (family == Family::GptPy ? "ln1." : "ln_1."); }
  std::string ln_2(int i) const { return block(i) + (family == Family::GptPy ? "ln2." : "ln_2."); }
  std::string fc(int i) const {
    return block(i) + (family == Family::GptPy ? "ffwd.net.0." : "mlp.c_fc.");
  }
  std::string proj(int i) const {
    return block(i) + (family == Family::GptPy ? "ffwd.net.2." : "mlp.c_proj.");
  }
  std::string wte() const {
    return root + (family == Family::GptPy ? "token_embedding_table.weight" : "wte.weight");
  }
  std::string wpe() const {
    return root + (family == Family::GptPy ? "position_embedding_table.weight" : "wpe.weight");
  }
  // The tensor that shows block i is there.
  std::string marker(int i) const {
    return attention(i) + (family == Family::GptPy ? "heads.0.query.weight" : "c_attn.weight");
  }
};

std::optional<Names> find_names(const StateDict& sd) {
  for (const std::string outer : {"", "_orig_mod."}) {
    for (const std::string inner : {"", "transformer."}) {
      const std::string key = outer + inner + "h.0.attn.c_attn.weight";
      if (!sd.has(key)) continue;
      // Hugging Face's Conv1D stores c_attn as n_embd × 3·n_embd; nn.Linear the other way round.
      const std::vector<int64_t> shape = sd.shape(key);
      const bool conv1d = shape.size() == 2 && shape[1] == 3 * shape[0];
      return Names{conv1d ? Family::Gpt2 : Family::NanoGpt, outer + inner, outer, conv1d};
    }
    if (sd.has(outer + "blocks.0.sa.heads.0.query.weight")) {
      return Names{Family::GptPy, outer, outer};
    }
  }
  return std::nullopt;
}

Activation activation_of(const std::string& name, const StateDict& sd) {
  if (name == "gelu_new" || name == "gelu_pytorch_tanh") return Activation::GeluTanh;
  if (name == "gelu") return Activation::Gelu;
  if (name == "relu") return Activation::Relu;
  sd.fail(Err::UnknownActivation, {name});
}

class ModelLoader {
 public:
  ModelLoader(const StateDict& sd, const Names& names, const ModelSettings& settings,
              std::vector<Words>& warnings, UncheckedKeys* unchecked)
      : sd_(sd), n_(names), settings_(settings), warnings_(warnings), unchecked_(unchecked) {}

  Transformer load() {
    // A GPT-2 in nn.Linear's layout (a GGUF's, transposed by llama.cpp's converter) is GPT-2.
    m_.family = settings_.family == "gpt2" ? Family::Gpt2 : n_.family;
    read_settings();
    read_embeddings();
    int n_layer = 0;
    while (sd_.has(n_.marker(n_layer))) ++n_layer;
    if (settings_.n_layer && *settings_.n_layer != n_layer) {
      sd_.fail(
          Err::LayerCountMismatch,
          {sd_.file_setting("n_layer"), std::to_string(*settings_.n_layer), std::to_string(n_layer),
           sd_.file_key(n_.block(0)), sd_.file_key(n_.block(n_layer - 1))});
    }
    if (unchecked_) unchecked_->blocks.resize(static_cast<size_t>(n_layer));
    for (int i = 0; i < n_layer; ++i) m_.blocks.push_back(read_block(i));
    m_.ln_f_weight = vector(n_.root + "ln_f.weight", m_.n_embd, "n_embd");
    m_.ln_f_bias = optional_vector(n_.root + "ln_f.bias", m_.n_embd, "n_embd");
    read_lm_head();
    warn_unused(n_layer);
    return std::move(m_);
  }

 private:
  void read_settings() {
    if (settings_.scale_attn_by_inverse_layer_idx) {
      sd_.fail(Err::UnsupportedOption, {"scale_attn_by_inverse_layer_idx"});
    }
    const auto activation =
        settings_.activation ? settings_.activation : sd_.text_setting("activation_function");
    if (activation) {
      m_.activation = activation_of(*activation, sd_);
    } else {
      m_.activation = m_.family == Family::Gpt2    ? Activation::GeluTanh
                      : n_.family == Family::GptPy ? Activation::Relu
                                                   : Activation::Gelu;
    }
    m_.layer_norm_epsilon = settings_.layer_norm_epsilon.value_or(1e-5f);
  }

  void read_embeddings() {
    const std::vector<int64_t> shape =
        sd_.has(n_.wte()) ? sd_.shape(n_.wte()) : std::vector<int64_t>{};
    if (shape.size() == 2 && shape[1] > settings_.max_embd) {
      sd_.fail(Err::WidthOverLimit, {sd_.quoted_key(n_.wte()), std::to_string(shape[1]),
                                     Words(Err::Columns, {}), std::to_string(settings_.max_embd)});
    }
    m_.token_embedding = read(n_.wte(), 2, unchecked_ ? &unchecked_->token_embedding : nullptr);
    m_.n_embd = static_cast<int>(m_.token_embedding.cols());
    m_.position_embedding =
        read(n_.wpe(), 2, unchecked_ ? &unchecked_->position_embedding : nullptr);
    expect_shape(m_.position_embedding, n_.wpe(), {m_.position_embedding.rows(), m_.n_embd},
                 "block_size × n_embd");
    m_.block_size = static_cast<int>(m_.position_embedding.rows());
    agree("n_embd", settings_.n_embd, m_.n_embd, n_.wte(), Err::Columns);
    agree("vocab_size", settings_.vocab_size, m_.vocab_size(), n_.wte(), Err::Rows);
    agree("n_positions", settings_.n_positions, m_.block_size, n_.wpe(), Err::Rows);
    const auto vocab = sd_.vocab();  // a BPE model's vocabulary comes with its tokenizer instead
    if (!vocab) return;
    if (static_cast<Eigen::Index>(vocab->size()) != m_.token_embedding.rows()) {
      sd_.fail(Err::VocabSizeMismatch, {quoted(n_.wte()), std::to_string(m_.token_embedding.rows()),
                                        std::to_string(vocab->size())});
    }
    m_.vocab = *vocab;
  }

  Block read_block(int i) {
    Block b;
    LoadOptions attention;
    attention.prefix = n_.attention(i);
    attention.n_head = settings_.n_head;
    attention.embeddings = false;
    attention.max_embd = settings_.max_embd;
    std::vector<std::string>* keys =
        unchecked_ ? &unchecked_->blocks[static_cast<size_t>(i)] : nullptr;
    attention.unchecked = keys;
    b.attention = load_weights(sd_, attention, warnings_);
    const int C = m_.n_embd;
    // The block's width against wte's, in nn.Linear's terms (head_size × n_embd) either way.
    const Tensor& query = b.attention.heads.front().query;
    const auto hs = b.attention.head_size();
    const auto width = b.attention.operand == Operand::Transposed ? query.cols() : query.rows();
    if (width != C) {
      sd_.fail(Err::ShapeMismatch,
               {sd_.quoted_key(n_.marker(i)), shape_text(hs, width), shape_text(hs, C),
                sd_.settings_text("head_size × n_embd, n_embd of ") + sd_.quoted_key(n_.wte())});
    }
    b.attention.ln_weight = vector(n_.ln_1(i) + "weight", C, "n_embd");
    b.attention.ln_bias = optional_vector(n_.ln_1(i) + "bias", C, "n_embd");
    b.attention.ln_eps = m_.layer_norm_epsilon;
    b.ln2_weight = vector(n_.ln_2(i) + "weight", C, "n_embd");
    b.ln2_bias = optional_vector(n_.ln_2(i) + "bias", C, "n_embd");
    // Conv1D keeps in × out, c_fc n_embd × hidden and c_proj hidden × n_embd, and is used as it
    // lies in the file (operand AsIs).
    const bool conv1d = n_.conv1d;
    if (conv1d) b.mlp.operand = Operand::AsIs;
    b.mlp.fc_weight = read(n_.fc(i) + "weight", 2, next(keys));
    const auto hidden = conv1d ? b.mlp.fc_weight.cols() : b.mlp.fc_weight.rows();
    expect_shape(b.mlp.fc_weight, n_.fc(i) + "weight", {conv1d ? C : hidden, conv1d ? hidden : C},
                 conv1d ? "n_embd × hidden" : "hidden × n_embd");
    b.mlp.fc_bias = optional_vector(n_.fc(i) + "bias", hidden, "hidden", false);
    b.mlp.proj_weight = read(n_.proj(i) + "weight", 2, next(keys));
    expect_shape(b.mlp.proj_weight, n_.proj(i) + "weight",
                 {conv1d ? hidden : C, conv1d ? C : hidden},
                 conv1d ? "hidden × n_embd" : "n_embd × hidden");
    b.mlp.proj_bias = optional_vector(n_.proj(i) + "bias", C, "n_embd", false);
    return b;
  }

  // lm_head: its own matrix (gpt.py, with a bias), or tied to wte (nanoGPT lists the same tensor
  // twice, Hugging Face leaves it out).
  void read_lm_head() {
    const std::string key = n_.outer + "lm_head.weight";
    if (!sd_.has(key)) return;
    std::string lm_head_key;
    Tensor lm_head = read(key, 2, unchecked_ ? &lm_head_key : nullptr);
    expect_shape(lm_head, key, {m_.token_embedding.rows(), m_.n_embd}, "vocab_size × n_embd");
    // One storage under both names (a torch.save file keeps tied tensors so): the same bytes,
    // tied, with nothing to compare — a GPT-2-sized wte is not read just to find that out.
    // (Matrices kept quantized, a GGUF's, are its two tensors: never the same.)
    const bool packed = lm_head.packed() != nullptr || m_.token_embedding.packed() != nullptr;
    const bool same_bytes = !packed && lm_head.data() == m_.token_embedding.data() &&
                            lm_head.outerStride() == m_.token_embedding.outerStride();
    if (packed) {
      m_.lm_head = std::move(lm_head);
      if (unchecked_) unchecked_->output_embedding = lm_head_key;
    } else if (!same_bytes) {
      if (unchecked_) {  // their values are compared: both checked (and converted) now
        sd_.check_finite(key, 0, lm_head.rows());
        sd_.check_finite(unchecked_->token_embedding, 0, lm_head.rows());
      }
      if (lm_head != m_.token_embedding) {
        m_.lm_head = std::move(lm_head);
        if (unchecked_) unchecked_->output_embedding = lm_head_key;
      }
    }
    if (sd_.has(n_.outer + "lm_head.bias")) {
      m_.lm_head_bias = vector(n_.outer + "lm_head.bias", m_.token_embedding.rows(), "vocab_size");
    }
  }

  // Every key below the model's root that no part read: attention modules report their own.
  void warn_unused(int n_layer) {
    std::vector<std::string> attention_prefixes;
    for (int i = 0; i < n_layer; ++i) attention_prefixes.push_back(n_.attention(i));
    for (const std::string& k : sd_.keys()) {
      if (used_.count(k)) continue;
      const bool in_attention =
          std::any_of(attention_prefixes.begin(), attention_prefixes.end(),
                      [&](const std::string& p) { return k.rfind(p, 0) == 0; });
      if (!in_attention)
        warnings_.emplace_back(Err::UnknownKey, std::vector<Words>{sd_.name(), sd_.quoted_key(k)});
    }
  }

  // A setting of config.json against the size the tensors have.
  void agree(const char* setting, std::optional<int> said, int found, const std::string& key,
             Err unit) const {
    if (!said || *said == found) return;
    sd_.fail(Err::ConfigDisagrees,
             {settings_.source, sd_.file_setting(setting), std::to_string(*said),
              sd_.quoted_key(key), std::to_string(found), Words(unit, {})});
  }

  Tensor read(const std::string& key, int dims) {
    used_.insert(key);
    return sd_.tensor(key, dims);
  }
  // A matrix whose values the run checks later, given where to note its key; else checked now.
  Tensor read(const std::string& key, int dims, std::string* later) {
    if (later == nullptr) return read(key, dims);
    *later = key;
    used_.insert(key);
    return sd_.unchecked_tensor(key, dims);
  }
  // Where to note one more of a block's unchecked keys, or nullptr.
  static std::string* next(std::vector<std::string>* keys) {
    return keys ? &keys->emplace_back() : nullptr;
  }

  Matrix vector(const std::string& key, Eigen::Index n, const char* meaning) {
    Matrix v = read(key, 1);
    expect_shape(v, key, {n}, meaning);
    return v;
  }

  // A bias that models without biases leave out: zeros (or 0×0 with `zeros` false).
  Matrix optional_vector(const std::string& key, Eigen::Index n, const char* meaning,
                         bool zeros = true) {
    if (sd_.has(key)) return vector(key, n, meaning);
    return zeros ? Matrix(Matrix::Zero(1, n)) : Matrix();
  }

  void expect_shape(const ConstMatrixRef& m, const std::string& key,
                    const std::vector<int64_t>& shape, const std::string& meaning) const {
    attnviz::expect_shape(sd_, m, key, shape, meaning);
  }

  const StateDict& sd_;
  const Names& n_;
  const ModelSettings& settings_;
  std::vector<Words>& warnings_;
  UncheckedKeys* unchecked_;
  std::unordered_set<std::string> used_;
  Transformer m_;
};

}  // namespace

std::optional<Family> detect_family(const StateDict& state_dict) {
  if (looks_like_decoder(state_dict)) return Family::Llama;  // the config says which exactly
  const auto names = find_names(state_dict);
  if (!names) return std::nullopt;
  return names->family;
}

Transformer load_transformer(const StateDict& state_dict, const ModelSettings& settings,
                             std::vector<Words>& warnings, UncheckedKeys* unchecked) {
  if (settings.decoder) return load_decoder(state_dict, settings, warnings, unchecked);
  const auto names = find_names(state_dict);
  if (!names && looks_like_decoder(state_dict)) state_dict.fail(Err::DecoderNeedsConfig, {});
  if (!names) state_dict.fail(Err::NotAWholeModel, {});
  Transformer model = ModelLoader(state_dict, *names, settings, warnings, unchecked).load();
  if (unchecked && unchecked->output_embedding.empty())
    unchecked->output_embedding = unchecked->token_embedding;  // tied
  return model;
}

}  // namespace attnviz
