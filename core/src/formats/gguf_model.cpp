// A GGUF model as a StateDict: llama.cpp's tensor names (llama-arch.cpp) read under Hugging
// Face's, so the decoders' one loader reads both; the settings from the ARCH.* keys, as
// llama.cpp's loader reads them; every matrix kept as the file holds it (Tensor::packed).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <utility>

#include "attnviz/compute/compute.hpp"
#include "attnviz/compute/quant.hpp"
#include "attnviz/error.hpp"
#include "attnviz/formats/gguf.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/strings.hpp"
#include "attnviz/text/utf8.hpp"
#include "compute/pages.hpp"

namespace attnviz {
namespace {

// general.architecture → Hugging Face's model_type; and how llama.cpp rotates q and k there.
struct Architecture {
  const char* name;
  const char* model_type;
  bool adjacent_pairs;  // LLAMA_ROPE_TYPE_NORM: the converter permuted q's and k's rows
  const char* hidden_act;
};

constexpr Architecture kArchitectures[] = {
    {"llama", "llama", true, "silu"},
    {"qwen2", "qwen2", false, "silu"},
    {"qwen3", "qwen3", false, "silu"},
    {"gemma", "gemma", false, "gelu_pytorch_tanh"},
    {"gemma2", "gemma2", false, "gelu_pytorch_tanh"},
    {"gemma3", "gemma3_text", false, "gelu_pytorch_tanh"},
    {"gpt2", "", false, "gelu_new"},  // GPT-2: the whole models' loader, not the decoders'
};

// llama.cpp's names of a family's tensors and those attnviz's loaders read, both ways. Each pair
// leaves out the last part (".weight", ".bias"), which is kept: whole names outside the blocks, the
// part after "blk.N." inside them. GPT-2's become nanoGPT's (transformer.h.N.…: the converter
// stored c_attn, c_proj and c_fc transposed, in nn.Linear's layout, as nanoGPT keeps them); the
// decoders' become Hugging Face's (model.layers.N.…), where ffn_norm, the norm before the MLP, is
// post_attention_layernorm but in Gemma 2 and 3, which have norms after attention and the MLP.
class TensorNames {
 public:
  TensorNames() = default;
  explicit TensorNames(std::string_view arch) {
    if (arch == "gpt2") {
      prefix_ = "transformer.h.";
      outer_ = {{"token_embd", "transformer.wte"},
                {"position_embd", "transformer.wpe"},
                {"output_norm", "transformer.ln_f"},
                {"output", "lm_head"}};
      block_ = {{"attn_norm", "ln_1"}, {"attn_qkv", "attn.c_attn"}, {"attn_output", "attn.c_proj"},
                {"ffn_norm", "ln_2"},  {"ffn_up", "mlp.c_fc"},      {"ffn_down", "mlp.c_proj"}};
      return;
    }
    prefix_ = "model.layers.";
    outer_ = {
        {"token_embd", "model.embed_tokens"}, {"output_norm", "model.norm"}, {"output", "lm_head"}};
    block_ = {{"attn_norm", "input_layernorm"},    {"attn_q", "self_attn.q_proj"},
              {"attn_k", "self_attn.k_proj"},      {"attn_v", "self_attn.v_proj"},
              {"attn_output", "self_attn.o_proj"}, {"attn_q_norm", "self_attn.q_norm"},
              {"attn_k_norm", "self_attn.k_norm"}, {"ffn_gate", "mlp.gate_proj"},
              {"ffn_up", "mlp.up_proj"},           {"ffn_down", "mlp.down_proj"}};
    if (arch == "gemma2" || arch == "gemma3") {
      block_.insert(block_.end(), {{"ffn_norm", "pre_feedforward_layernorm"},
                                   {"post_attention_norm", "post_attention_layernorm"},
                                   {"post_ffw_norm", "post_feedforward_layernorm"}});
    } else {
      block_.emplace_back("ffn_norm", "post_attention_layernorm");
    }
  }

  // "blk.3.attn_q.weight" → "model.layers.3.self_attn.q_proj.weight"; a name attnviz does not
  // read stays as it is, for the warning that names it.
  std::string loaders(std::string_view name) const {
    std::optional<std::string> key;
    if (const auto block = block_part(name)) {
      key = translate(block->second, block_, true);
      if (key) key = prefix_ + std::to_string(block->first) + "." + *key;
    } else {
      key = translate(name, outer_, true);
    }
    return key.value_or(std::string(name));
  }

  // The other way, for errors; a block's prefix ("model.layers.3.") becomes "blk.3.".
  std::string file(std::string_view key) const {
    std::optional<std::string> name;
    if (key.rfind(prefix_, 0) == 0) {
      const std::string_view rest = key.substr(prefix_.size());
      const size_t dot = rest.find('.');
      const std::string blk = "blk." + std::string(rest.substr(0, dot)) + ".";
      if (dot != std::string_view::npos && dot + 1 == rest.size()) return blk;
      if (dot != std::string_view::npos) name = translate(rest.substr(dot + 1), block_, false);
      if (name) name = blk + *name;
    } else {
      name = translate(key, outer_, false);
    }
    return name.value_or(std::string(key));
  }

 private:
  using Pairs = std::vector<std::pair<std::string_view, std::string_view>>;  // {llama.cpp, loaders}

  // A block's tensor, "blk.3.attn_q.weight": its layer (3) and the rest ("attn_q.weight").
  static std::optional<std::pair<int, std::string_view>> block_part(std::string_view name) {
    if (name.rfind("blk.", 0) != 0) return std::nullopt;
    const size_t dot = name.find('.', 4);
    const std::string_view layer = name.substr(4, dot == std::string_view::npos ? 0 : dot - 4);
    const bool number =
        !layer.empty() && layer.size() < 6 &&
        std::all_of(layer.begin(), layer.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!number) return std::nullopt;
    return std::pair<int, std::string_view>(std::stoi(std::string(layer)), name.substr(dot + 1));
  }

  // `name` ("attn_q.weight") to llama.cpp's side or from it: its part before the last dot
  // translated, the rest (".weight") kept.
  static std::optional<std::string> translate(std::string_view name, const Pairs& pairs,
                                              bool to_loaders) {
    const size_t dot = name.rfind('.');
    if (dot == std::string_view::npos) return std::nullopt;
    for (const auto& [llama_cpp, loaders] : pairs) {
      if (name.substr(0, dot) == (to_loaders ? llama_cpp : loaders))
        return std::string(to_loaders ? loaders : llama_cpp) + std::string(name.substr(dot));
    }
    return std::nullopt;
  }

  std::string prefix_;  // of a block's tensors on the loaders' side
  Pairs outer_, block_;
};

// A setting of config.json (or nanoGPT's model_args) → the key of a GGUF's ARCH.KEY that holds it.
constexpr std::pair<std::string_view, std::string_view> kSettingKeys[] = {
    {"hidden_size", "embedding_length"},
    {"n_embd", "embedding_length"},
    {"intermediate_size", "feed_forward_length"},
    {"num_attention_heads", "attention.head_count"},
    {"n_head", "attention.head_count"},
    {"num_key_value_heads", "attention.head_count_kv"},
    {"head_dim", "attention.key_length"},
    {"max_position_embeddings", "context_length"},
    {"n_positions", "context_length"},
    {"block_size", "context_length"},
    {"num_hidden_layers", "block_count"},
    {"n_layer", "block_count"},
};

// For llama.cpp's `llama` files, the Hugging Face row r of q (or k) with n heads of d rows: the
// converter wrote head h's rows (two halves of d/2) interleaved, half 0's row i at 2i and half
// 1's at 2i + 1 (convert_hf_to_gguf.py, LlamaModel.permute), for rotating adjacent pairs.
std::vector<int64_t> unpermuted_rows(int64_t rows, int64_t n_head) {
  const int64_t d = rows / n_head, half = d / 2;
  std::vector<int64_t> row_of(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t h = r / d, j = r % d;
    row_of[static_cast<size_t>(r)] = h * d + 2 * (j % half) + j / half;
  }
  return row_of;
}

struct Entry {
  const GgufTensor* tensor;
  std::shared_ptr<const PackedRows> rows;  // row_of set for llama's q and k
};

class GgufStateDict final : public StateDict {
 public:
  GgufStateDict(std::string_view bytes, std::string name, bool mapped, const Limits& limits)
      : StateDict(name), file_(bytes, name), mapped_(mapped) {
    read_settings(limits);
    names_ = TensorNames(arch_);
    for (const GgufTensor& t : file_.tensors()) {
      if (t.name == "rope_freqs.weight") continue;  // read into the settings
      const std::string key = names_.loaders(t.name);
      auto rows = std::make_shared<PackedRows>();
      rows->type = t.type;
      rows->data = reinterpret_cast<const unsigned char*>(t.bytes.data());
      rows->row_bytes = t.bytes.size() / static_cast<size_t>(t.rows());
      const bool q = ends_with(key, "q_proj.weight") || ends_with(key, "q_proj.bias");
      const bool k = ends_with(key, "k_proj.weight") || ends_with(key, "k_proj.bias");
      if (adjacent_pairs_ && (q || k)) {
        const int64_t n = t.ne.size() == 1 ? t.ne[0] : t.rows();
        const int heads = q ? settings_.decoder->n_head : settings_.decoder->n_kv_head;
        if (n % (2 * heads) != 0) {
          fail(Err::GgufHeadRows, {utf8::quoted(t.name), std::to_string(n), std::to_string(heads)});
        }
        rows->row_of = unpermuted_rows(n, heads);
      }
      // Two of the file's names for one tensor ("blk.0.attn_q.weight" and its Hugging Face name)
      if (!entries_.emplace(key, Entry{&t, std::move(rows)}).second) {
        fail(Err::GgufDuplicateTensor, {utf8::quoted(t.name)});
      }
      order_.push_back(key);
    }
  }

  std::vector<std::string> keys() const override { return order_; }
  bool has(const std::string& key) const override { return entries_.count(key) > 0; }
  std::vector<int64_t> shape(const std::string& key) const override {
    const std::vector<int64_t>& ne = entries_.at(key).tensor->ne;
    return std::vector<int64_t>(ne.rbegin(), ne.rend());  // PyTorch's order: rows first
  }

  Tensor tensor(const std::string& key, int dims) const override {
    const Tensor packed = unchecked_tensor(key, dims);
    if (!packed.packed()) return packed;
    Matrix m(packed.rows(), packed.cols());
    for (Eigen::Index r = 0; r < m.rows(); ++r) packed.row_into(r, m.row(r).data());
    check_finite(key, 0, m.rows());
    return m;
  }

  // A matrix stays packed; a vector (a norm's weights, a bias) is unpacked and checked here.
  Tensor unchecked_tensor(const std::string& key, int dims) const override {
    const Entry& e = entry(key, dims);
    const GgufTensor& t = *e.tensor;
    if (dims == 2) return Tensor::packed(e.rows, t.ne[1], t.ne[0]);
    Matrix v(1, t.ne[0]);  // (1, n)
    dequantize(t.type, t.bytes.data(), v.data(), static_cast<size_t>(t.ne[0]));
    if (!e.rows->row_of.empty()) {  // a bias of llama's q or k, permuted as their rows
      const Matrix file = v;
      for (Eigen::Index i = 0; i < v.cols(); ++i)
        v(0, i) = file(0, e.rows->row_of[static_cast<size_t>(i)]);
    }
    for (Eigen::Index i = 0; i < v.cols(); ++i) {
      if (!std::isfinite(v(0, i))) not_finite(t, 0, i, v(0, i));
    }
    return v;
  }

  void check_finite(const std::string& key, Eigen::Index first, Eigen::Index rows) const override {
    const auto it = entries_.find(key);
    if (it == entries_.end() || it->second.tensor->ne.size() != 2) return;
    const Entry& e = it->second;
    const GgufTensor& t = *e.tensor;
    if (first < 0 || rows < 0 || first > t.ne[1] - rows) throw std::out_of_range("check_finite");
    const auto cols = static_cast<size_t>(t.ne[0]);
    const int64_t r = first_row_not_finite(*e.rows, first, rows, cols);
    if (r < 0) return;
    std::vector<float> values(cols);
    dequantize(t.type, e.rows->row(r), values.data(), cols);
    for (size_t j = 0; j < cols; ++j) {
      if (!std::isfinite(values[j])) not_finite(t, r, static_cast<Eigen::Index>(j), values[j]);
    }
  }

  // The pages of rows the run is done with leave memory (read from the file again if needed).
  void release(const std::string& key, Eigen::Index first, Eigen::Index rows) const override {
    const auto it = entries_.find(key);
    if (!mapped_ || it == entries_.end() || it->second.tensor->ne.size() != 2) return;
    const Entry& e = it->second;
    if (!e.rows->row_of.empty()) return;  // permuted rows: not one run of bytes
    const Eigen::Index all = e.tensor->ne[1];
    first = std::clamp<Eigen::Index>(first, 0, all);
    rows = std::clamp<Eigen::Index>(rows, 0, all - first);
    release_pages(e.rows->row(first), e.rows->row_bytes * static_cast<size_t>(rows));
  }

  std::optional<int> setting(const std::string&, int) const override { return std::nullopt; }
  std::optional<std::string> text_setting(const std::string&) const override {
    return std::nullopt;
  }
  std::optional<std::vector<std::string>> vocab() const override { return std::nullopt; }
  const ModelSettings* file_settings() const override { return &settings_; }
  const GgufFile* gguf() const override { return &file_; }
  std::string file_key(const std::string& key) const override {
    const auto it = entries_.find(key);
    return it != entries_.end() ? it->second.tensor->name : names_.file(key);
  }
  std::string file_setting(const std::string& setting) const override {
    for (const auto& [config, key] : kSettingKeys) {
      if (setting == config) return arch_ + "." + std::string(key);
    }
    return setting;
  }

 private:
  const Entry& entry(const std::string& key, int dims) const {
    const auto it = entries_.find(key);
    if (it == entries_.end()) {
      fail(Err::MissingTensor, {file_key(key)});
    }
    const GgufTensor& t = *it->second.tensor;
    if (static_cast<int>(t.ne.size()) != dims) {
      std::string shape;
      for (const int64_t n : shape_of(key)) shape += (shape.empty() ? "" : "×") + std::to_string(n);
      if (dims == 1) fail(Err::WrongDimensionsOne, {t.name, shape});
      fail(Err::WrongDimensions, {t.name, shape, std::to_string(dims)});
    }
    return it->second;
  }
  std::vector<int64_t> shape_of(const std::string& key) const { return shape(key); }

  [[noreturn]] void not_finite(const GgufTensor& t, Eigen::Index row, Eigen::Index col,
                               float value) const {
    const std::string index = t.ne.size() == 2
                                  ? "[" + std::to_string(row) + "][" + std::to_string(col) + "]"
                                  : "[" + std::to_string(col) + "]";
    fail(Err::NotFinite,
         {t.name, index, Words(std::isnan(value) ? Err::NaN : Err::AnInfinity, {})});
  }

  // A count the model needs: a positive integer (an array of equal ones, as some files give one
  // per layer), at most `max`.
  int count(const std::string& key, int max, std::optional<int> otherwise = std::nullopt) const {
    std::optional<int64_t> n;
    if (const GgufValue* v = file_.find(key); v && v->type == GgufType::Array) {
      const std::vector<double> all = *file_.numbers(key);
      if (all.empty() ||
          std::any_of(all.begin(), all.end(), [&](double x) { return x != all[0]; })) {
        fail(Err::GgufPerLayer, {utf8::quoted(key)});
      }
      if (!(all[0] >= 1 && all[0] <= max)) {  // before it becomes an integer
        fail(Err::GgufBadValue,
             {utf8::quoted(key), format_number(all[0]), "1 … " + std::to_string(max)});
      }
      n = static_cast<int64_t>(all[0]);
    } else {
      n = file_.integer(key);
    }
    if (!n) {
      if (otherwise) return *otherwise;
      fail(Err::GgufMissingKey, {utf8::quoted(key), arch_});
    }
    if (*n <= 0 || *n > max) {
      fail(Err::GgufBadValue,
           {utf8::quoted(key), std::to_string(*n), "1 … " + std::to_string(max)});
    }
    return static_cast<int>(*n);
  }

  double real(const std::string& key, std::optional<double> otherwise) const {
    const auto x = file_.number(key);
    if (!x && !otherwise) fail(Err::GgufMissingKey, {utf8::quoted(key), arch_});
    const double v = x ? *x : *otherwise;
    if (!std::isfinite(v) || v < 0 || v > std::numeric_limits<float>::max()) {
      fail(Err::GgufBadValue, {utf8::quoted(key), format_number(v), "a float32 ≥ 0"});
    }
    return v;
  }

  // A rotary base or scale: above 0.
  double positive(const std::string& key, std::optional<double> otherwise) const {
    const double v = real(key, otherwise);
    if (v <= 0) fail(Err::GgufBadValue, {utf8::quoted(key), format_number(v), "> 0"});
    return v;
  }

  static std::string format_number(double v) {
    char s[32];
    std::snprintf(s, sizeof s, "%g", v);
    return s;
  }

  void read_settings(const Limits& limits) {
    const auto arch = file_.text("general.architecture");
    if (!arch) fail(Err::GgufMissingKey, {"\"general.architecture\"", "GGUF"});
    arch_ = std::string(*arch);
    const Architecture* a = nullptr;
    for (const Architecture& known : kArchitectures) {
      if (arch_ == known.name) a = &known;
    }
    if (a == nullptr) fail(Err::GgufArchitecture, {utf8::quoted(arch_)});
    adjacent_pairs_ = a->adjacent_pairs;
    const std::string p = arch_ + ".";
    settings_.source = name();
    if (arch_ == "gpt2") {
      settings_.activation = a->hidden_act;
      return read_gpt2(limits, p);
    }
    DecoderSettings d;
    d.model_type = a->model_type;
    d.hidden_act = a->hidden_act;
    d.n_layer = count(p + "block_count", 1024);
    d.n_embd = count(p + "embedding_length", limits.max_embd);
    d.n_head = count(p + "attention.head_count", d.n_embd);
    d.n_kv_head = count(p + "attention.head_count_kv", d.n_head, d.n_head);
    if (d.n_head % d.n_kv_head != 0) {
      fail(Err::GgufBadValue,
           {utf8::quoted(p + "attention.head_count_kv"), std::to_string(d.n_kv_head),
            "a divisor of " + std::to_string(d.n_head)});
    }
    d.head_dim =
        count(p + "attention.key_length", limits.max_embd,
              d.n_embd % d.n_head == 0 ? std::optional<int>(d.n_embd / d.n_head) : std::nullopt);
    if (d.head_dim % 2 != 0) {
      fail(Err::GgufBadValue,
           {utf8::quoted(p + "attention.key_length"), std::to_string(d.head_dim), "even"});
    }
    d.intermediate_size = count(p + "feed_forward_length", 1 << 20);
    d.max_positions = count(p + "context_length", 1 << 30);
    d.rms_norm_eps = static_cast<float>(real(p + "attention.layer_norm_rms_epsilon", std::nullopt));
    const GgufTensor* embedding = find_tensor("token_embd.weight");
    if (embedding == nullptr) fail(Err::MissingTensor, {"token_embd.weight"});
    if (embedding->ne.size() != 2 || embedding->rows() > (1 << 24)) {
      fail(Err::GgufBadValue, {"\"token_embd.weight\"", std::to_string(embedding->rows()) + " rows",
                               "a matrix of at most 2^24 rows"});
    }
    d.vocab_size = static_cast<int>(embedding->rows());
    d.tie_word_embeddings = find_tensor("output.weight") == nullptr;
    d.attention_bias = find_tensor("blk.0.attn_output.bias") != nullptr;
    d.rope.theta = positive(p + "rope.freq_base", 10000.0);
    if (const auto type = file_.text(p + "rope.scaling.type"); type && *type != "none") {
      if (*type != "linear") fail(Err::GgufRopeScaling, {std::string(*type)});
      d.rope.type = "linear";
      d.rope.factor = positive(p + "rope.scaling.factor", 1.0);
    } else if (const auto scale = file_.number(p + "rope.scale_linear"); scale && *scale != 1.0) {
      d.rope.type = "linear";
      d.rope.factor = positive(p + "rope.scale_linear", std::nullopt);
    }
    if (const GgufTensor* f = find_tensor("rope_freqs.weight")) {
      if (f->ne.size() != 1 || f->ne[0] != d.head_dim / 2) {
        fail(Err::GgufBadValue, {"\"rope_freqs.weight\"", std::to_string(f->ne[0]) + " values",
                                 std::to_string(d.head_dim / 2) + " (head_dim / 2)"});
      }
      d.rope.divisors.resize(static_cast<size_t>(f->ne[0]));
      dequantize(f->type, f->bytes.data(), d.rope.divisors.data(), d.rope.divisors.size());
      for (const float x : d.rope.divisors) {
        if (!(x > 0.0f) || !std::isfinite(x)) {
          fail(Err::GgufBadValue, {"\"rope_freqs.weight\"", std::to_string(x), "> 0"});
        }
      }
    }
    d.local_rope = d.rope;
    d.sliding.assign(static_cast<size_t>(d.n_layer), false);
    if (arch_ == "gemma2" || arch_ == "gemma3") read_gemma(d, p);
    d.norms_hold_one = arch_ == "gemma" || arch_ == "gemma2" || arch_ == "gemma3";
    settings_.decoder = std::move(d);
  }

  // GPT-2's, as llama.cpp's gpt2.cpp reads them, for the whole models' loader (which checks them
  // against the tensors).
  void read_gpt2(const Limits& limits, const std::string& p) {
    settings_.family = "gpt2";
    settings_.n_layer = count(p + "block_count", 1024);
    settings_.n_embd = count(p + "embedding_length", limits.max_embd);
    settings_.n_head = count(p + "attention.head_count", *settings_.n_embd);
    settings_.n_positions = count(p + "context_length", kMaxBlockSize);
    settings_.layer_norm_epsilon =
        static_cast<float>(real(p + "attention.layer_norm_epsilon", std::nullopt));
  }

  // Gemma 2 and 3 as llama.cpp's gemma2.cpp and gemma3.cpp read them: windows on all layers but
  // every 2nd (Gemma 2) or 6th (Gemma 3) unless sliding_window_pattern says otherwise; the
  // local layers' own rotary base; the scores' scale from the model's size.
  void read_gemma(DecoderSettings& d, const std::string& p) {
    const bool gemma2 = arch_ == "gemma2";
    d.sliding_window = count(p + "attention.sliding_window", 1 << 30,
                             gemma2 ? std::optional<int>(4096) : std::optional<int>(0));
    int pattern = gemma2 ? 2 : 6;
    if (const GgufValue* v = file_.find(p + "attention.sliding_window_pattern");
        v && v->type == GgufType::Array) {
      if (v->element != GgufType::Bool || v->count != static_cast<uint64_t>(d.n_layer)) {
        file_.fail_type(p + "attention.sliding_window_pattern",
                        ("array of " + std::to_string(d.n_layer) + " bool").c_str());
      }
      for (size_t i = 0; i < d.sliding.size(); ++i) d.sliding[i] = v->bytes[i] != 0;
      pattern = 0;
    } else {
      pattern = count(p + "attention.sliding_window_pattern", 1 << 20, pattern);
    }
    if (d.sliding_window > 0 && pattern > 0) {
      for (int i = 0; i < d.n_layer; ++i)
        d.sliding[static_cast<size_t>(i)] = i % pattern < pattern - 1;
    }
    if (d.sliding_window == 0) d.sliding.assign(d.sliding.size(), false);
    d.local_rope = RopeSettings{};
    d.local_rope.theta = positive(p + "rope.freq_base_swa", gemma2 ? d.rope.theta : 10000.0);
    if (gemma2) {
      d.attn_softcap = static_cast<float>(real(p + "attn_logit_softcapping", 50.0));
      d.final_softcap = static_cast<float>(real(p + "final_logit_softcapping", 30.0));
    } else {
      d.final_softcap = static_cast<float>(real(p + "final_logit_softcapping", 0.0));
    }
    // The 27B models scale by n_embd / n_head, the others by head_dim (llama.cpp's rule).
    const bool large = d.n_layer == (gemma2 ? 46 : 62);
    d.query_pre_attn_scalar = static_cast<float>(large ? d.n_embd / d.n_head : d.head_dim);
  }

  const GgufTensor* find_tensor(std::string_view name) const {
    for (const GgufTensor& t : file_.tensors()) {
      if (t.name == name) return &t;
    }
    return nullptr;
  }

  GgufFile file_;
  bool mapped_;
  std::string arch_;
  bool adjacent_pairs_ = false;
  TensorNames names_;
  ModelSettings settings_;
  std::map<std::string, Entry> entries_;
  std::vector<std::string> order_;
};

}  // namespace

std::unique_ptr<StateDict> open_gguf(std::string_view bytes, std::string name, bool mapped,
                                     const Limits& limits) {
  return std::make_unique<GgufStateDict>(bytes, std::move(name), mapped, limits);
}

}  // namespace attnviz
