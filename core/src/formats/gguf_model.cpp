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

// A block's tensor, "blk.3.attn_q.weight": its layer (3) and the rest ("attn_q.weight").
std::optional<std::pair<int, std::string_view>> block_part(std::string_view name) {
  if (name.rfind("blk.", 0) != 0) return std::nullopt;
  const size_t dot = name.find('.', 4);
  const std::string_view layer = name.substr(4, dot == std::string_view::npos ? 0 : dot - 4);
  const bool number =
      !layer.empty() && layer.size() < 6 &&
      std::all_of(layer.begin(), layer.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!number) return std::nullopt;
  return std::pair<int, std::string_view>(std::stoi(std::string(layer)), name.substr(dot + 1));
}

// GPT-2's tensors as llama.cpp names them → as nanoGPT does (transformer.h.N.…): the converter
// stored c_attn, c_proj and c_fc transposed, in nn.Linear's layout, as nanoGPT keeps them.
std::string gpt2_name(const std::string& name) {
  static const std::map<std::string_view, std::string_view> kOuter = {
      {"token_embd.weight", "transformer.wte.weight"},
      {"position_embd.weight", "transformer.wpe.weight"},
      {"output_norm.weight", "transformer.ln_f.weight"},
      {"output_norm.bias", "transformer.ln_f.bias"},
      {"output.weight", "lm_head.weight"}};
  static const std::map<std::string_view, std::string_view> kBlock = {
      {"attn_norm", "ln_1"}, {"attn_qkv", "attn.c_attn"}, {"attn_output", "attn.c_proj"},
      {"ffn_norm", "ln_2"},  {"ffn_up", "mlp.c_fc"},      {"ffn_down", "mlp.c_proj"}};
  if (const auto it = kOuter.find(name); it != kOuter.end()) return std::string(it->second);
  const auto block = block_part(name);
  if (!block) return name;
  const std::string_view rest = block->second;
  const size_t dot = rest.rfind('.');
  const auto part = kBlock.find(rest.substr(0, dot));
  if (dot == std::string_view::npos || part == kBlock.end()) return name;
  return "transformer.h." + std::to_string(block->first) + "." + std::string(part->second) +
         std::string(rest.substr(dot));
}

// A decoder block's tensors as llama.cpp names them (blk.N.NAME) and as Hugging Face does
// (model.layers.N.…), both ways. ffn_norm, the norm before the MLP, is Hugging Face's
// post_attention_layernorm, but Gemma 2's and 3's pre_feedforward_layernorm (their
// post_attention_layernorm is llama.cpp's post_attention_norm).
constexpr std::pair<const char*, const char*> kDecoderBlock[] = {
    {"attn_norm.weight", "input_layernorm.weight"},
    {"attn_q.weight", "self_attn.q_proj.weight"},
    {"attn_k.weight", "self_attn.k_proj.weight"},
    {"attn_v.weight", "self_attn.v_proj.weight"},
    {"attn_q.bias", "self_attn.q_proj.bias"},
    {"attn_k.bias", "self_attn.k_proj.bias"},
    {"attn_v.bias", "self_attn.v_proj.bias"},
    {"attn_output.weight", "self_attn.o_proj.weight"},
    {"attn_output.bias", "self_attn.o_proj.bias"},
    {"attn_q_norm.weight", "self_attn.q_norm.weight"},
    {"attn_k_norm.weight", "self_attn.k_norm.weight"},
    {"post_attention_norm.weight", "post_attention_layernorm.weight"},
    {"post_ffw_norm.weight", "post_feedforward_layernorm.weight"},
    {"ffn_gate.weight", "mlp.gate_proj.weight"},
    {"ffn_up.weight", "mlp.up_proj.weight"},
    {"ffn_down.weight", "mlp.down_proj.weight"},
    {"ffn_norm.weight", nullptr},  // hf_block_name's
};

const char* hf_block_name(std::string_view name, bool post_norms) {
  if (name == "ffn_norm.weight") {
    return post_norms ? "pre_feedforward_layernorm.weight" : "post_attention_layernorm.weight";
  }
  for (const auto& [llama_cpp, hf] : kDecoderBlock) {
    if (name == llama_cpp) return hf;
  }
  return nullptr;
}

std::string hf_name(const std::string& name, bool post_norms) {
  if (name == "token_embd.weight") return "model.embed_tokens.weight";
  if (name == "output_norm.weight") return "model.norm.weight";
  if (name == "output.weight") return "lm_head.weight";
  if (const auto block = block_part(name)) {
    if (const char* part = hf_block_name(block->second, post_norms)) {
      return "model.layers." + std::to_string(block->first) + "." + part;
    }
  }
  return name;  // not one attnviz reads: kept as it is, for the warning that names it
}

// The other way: llama.cpp's name of a Hugging Face one, for errors (the name itself if none).
std::string llama_cpp_name(const std::string& hf, bool post_norms) {
  for (const char* name : {"token_embd.weight", "output_norm.weight", "output.weight"}) {
    if (hf == hf_name(name, post_norms)) return name;
  }
  const std::string prefix = "model.layers.";
  const size_t dot = hf.find('.', prefix.size());
  if (hf.rfind(prefix, 0) != 0 || dot == std::string::npos) return hf;
  for (const auto& [llama_cpp, _] : kDecoderBlock) {
    if (hf.compare(dot + 1, std::string::npos, hf_block_name(llama_cpp, post_norms)) == 0) {
      return "blk." + hf.substr(prefix.size(), dot - prefix.size()) + "." + llama_cpp;
    }
  }
  return hf;
}

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
    for (const GgufTensor& t : file_.tensors()) {
      if (t.name == "rope_freqs.weight") continue;  // read into the settings
      const std::string key = arch_ == "gpt2" ? gpt2_name(t.name) : hf_name(t.name, post_norms_);
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
    const auto bad = [&](Eigen::Index r) { return !quant_finite(t.type, e.rows->row(r), cols); };
    std::vector<char> finite(static_cast<size_t>(rows), 1);
    parallel_for(static_cast<size_t>(rows),
                 [&](size_t i) { finite[i] = !bad(first + static_cast<Eigen::Index>(i)); });
    const auto at = std::find(finite.begin(), finite.end(), 0);
    if (at == finite.end()) return;
    const Eigen::Index r = first + (at - finite.begin());
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

 private:
  const Entry& entry(const std::string& key, int dims) const {
    const auto it = entries_.find(key);
    if (it == entries_.end()) {
      fail(Err::MissingTensor, {arch_ == "gpt2" ? key : llama_cpp_name(key, post_norms_)});
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
    post_norms_ = arch_ == "gemma2" || arch_ == "gemma3";
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
  bool adjacent_pairs_ = false, post_norms_ = false;
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
