// The module layouts attnviz finds in a state_dict, turned into Weights.
#include "attnviz/model/attention_load.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <unordered_map>

#include "attnviz/error.hpp"
#include "attnviz/strings.hpp"
#include "attnviz/text/utf8.hpp"
#include "model/expect_shape.hpp"

namespace attnviz {
namespace {

// Where each model keeps its embedding tables, tried in this order: attnviz and the lesson,
// Karpathy's gpt.py, nanoGPT, GPT-2 as Hugging Face saves it.
constexpr std::array<const char*, 4> kTokenEmbedding = {"token_embedding.weight",
                                                        "token_embedding_table.weight",
                                                        "transformer.wte.weight", "wte.weight"};
constexpr std::array<const char*, 4> kPositionEmbedding = {"position_embedding.weight",
                                                           "position_embedding_table.weight",
                                                           "transformer.wpe.weight", "wpe.weight"};

enum class Layout { SelfAttention, MultiHead, CAttn };

using utf8::quoted;

int64_t first_dim(const std::vector<int64_t>& shape) { return shape.empty() ? 0 : shape.front(); }
int64_t last_dim(const std::vector<int64_t>& shape) { return shape.empty() ? 0 : shape.back(); }

// The block number in a prefix such as "transformer.h.3.attn." (3), or -1.
int block_index(const std::string& prefix) {
  int index = -1;
  size_t start = 0;
  while (start < prefix.size()) {
    const size_t dot = std::min(prefix.find('.', start), prefix.size());
    const std::string part = prefix.substr(start, dot - start);
    if (!part.empty() && part.size() < 7 &&
        std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      index = std::stoi(part);
    }
    start = dot + 1;
  }
  return index;
}

class Loader {
 public:
  Loader(const StateDict& sd, const LoadOptions& options, std::vector<Words>& warnings)
      : sd_(sd), options_(options), warnings_(warnings) {}

  Weights load() {
    const Layout layout = detect();
    if (const auto n = sd_.setting("n_embd", options_.max_embd)) w_.n_embd = *n;
    if (options_.embeddings) {
      read_embeddings();
    } else {
      read_block_size();
    }
    if (w_.n_embd == 0) w_.n_embd = n_embd_of(layout);
    switch (layout) {
      case Layout::SelfAttention:
        read_self_attention();
        break;
      case Layout::MultiHead:
        read_multi_head();
        break;
      case Layout::CAttn:
        read_c_attn();
        break;
    }
    if (options_.embeddings) read_layer_norm();
    warn_unused(layout);
    return std::move(w_);
  }

 private:
  std::string key(const std::string& name) const { return options_.prefix + name; }

  Tensor read(const std::string& full_key, int dims) {
    used_.insert(full_key);
    if (dims == 1 || options_.unchecked == nullptr) return sd_.tensor(full_key, dims);
    options_.unchecked->push_back(full_key);
    return sd_.unchecked_tensor(full_key, dims);
  }

  void expect_shape(const ConstMatrixRef& m, const std::string& full_key,
                    const std::vector<int64_t>& shape, const std::string& meaning) const {
    attnviz::expect_shape(sd_, m, full_key, shape, meaning);
  }

  // The width C a tensor's shape implies, checked against the limit before it is read.
  int checked_width(int64_t width, const std::string& full_key, Err what) const {
    if (width > options_.max_embd) {
      sd_.fail(Err::WidthOverLimit, {sd_.quoted_key(full_key), std::to_string(width),
                                     Words(what, {}), std::to_string(options_.max_embd)});
    }
    return static_cast<int>(std::max<int64_t>(width, 0));
  }

  Layout detect() const {
    const std::array<std::tuple<Layout, std::string, Err>, 3> layouts = {
        std::tuple{Layout::SelfAttention, key("query.weight"), Err::LayoutSelfAttention},
        std::tuple{Layout::MultiHead, key("heads.0.query.weight"), Err::LayoutMultiHead},
        std::tuple{Layout::CAttn, key("c_attn.weight"), Err::LayoutCAttn}};
    std::vector<const std::tuple<Layout, std::string, Err>*> found;
    for (const auto& layout : layouts) {
      if (sd_.has(std::get<1>(layout))) found.push_back(&layout);
    }
    const auto key_of = [](const auto& layout) { return Words(quoted(std::get<1>(layout))); };
    const auto name_of = [](const auto& layout) { return Words(std::get<2>(layout), {}); };
    if (found.size() > 1) {
      sd_.fail(Err::BothLayouts,
               {key_of(*found[0]), name_of(*found[0]), key_of(*found[1]), name_of(*found[1])});
    }
    if (found.empty()) {
      sd_.fail(Err::MissingLayout,
               {key_of(layouts[0]), name_of(layouts[0]), key_of(layouts[1]), name_of(layouts[1]),
                key_of(layouts[2]), name_of(layouts[2]), prefix_hint()});
    }
    return std::get<0>(*found.front());
  }

  // "; the file has "transformer.h.0.attn.c_attn.weight": pass --prefix transformer.h.0.attn."
  Words prefix_hint() const {
    for (const std::string& k : sd_.keys()) {
      for (const char* suffix : {"c_attn.weight", "heads.0.query.weight", "query.weight"}) {
        if (ends_with(k, suffix) && k.size() > std::string_view(suffix).size()) {
          return Words(Err::PrefixHint,
                       {quoted(k), k.substr(0, k.size() - std::string_view(suffix).size())});
        }
      }
    }
    return "";
  }

  int n_embd_of(Layout layout) const {
    switch (layout) {
      case Layout::SelfAttention:
        return checked_width(last_dim(sd_.shape(key("query.weight"))), key("query.weight"),
                             Err::Columns);
      case Layout::MultiHead: {
        const std::string k = key("heads.0.query.weight");
        return checked_width(last_dim(sd_.shape(k)), k, Err::Columns);
      }
      case Layout::CAttn:
        break;
    }
    // c_attn: (3C, C) as nn.Linear, or (C, 3C) as GPT-2's Conv1D.
    const std::string k = key("c_attn.weight");
    const std::vector<int64_t> shape = sd_.shape(k);
    if (shape.size() == 2 && shape[0] == 3 * shape[1])
      return checked_width(shape[1], k, Err::Columns);
    if (shape.size() == 2 && shape[1] == 3 * shape[0]) return checked_width(shape[0], k, Err::Rows);
    sd_.fail(Err::CAttnShape, {sd_.quoted_key(k), shape_text(shape)});
  }

  // The first candidate present at the top level or under a leading part of the prefix, so
  // "_orig_mod.transformer.h.0.attn." (a torch.compile'd nanoGPT) finds
  // "_orig_mod.transformer.wte.weight".
  std::optional<std::string> first_present(const std::array<const char*, 4>& candidates) const {
    const std::string& p = options_.prefix;
    std::vector<std::string> roots = {""};
    for (size_t dot = p.find('.'); dot != std::string::npos; dot = p.find('.', dot + 1)) {
      roots.push_back(p.substr(0, dot + 1));
    }
    for (const std::string& root : roots) {
      for (const char* k : candidates) {
        if (sd_.has(root + k)) return root + k;
      }
    }
    return std::nullopt;
  }

  std::vector<std::string> read_vocab() const {
    const auto vocab = options_.vocab ? std::optional(*options_.vocab) : sd_.vocab();
    if (!vocab) sd_.fail(Err::MissingVocab, {});
    if (vocab->empty()) sd_.fail(Err::EmptyVocab, {});
    std::unordered_map<std::string, size_t> seen;
    for (size_t i = 0; i < vocab->size(); ++i) {
      const std::string& token = (*vocab)[i];
      const std::string where = "\"vocab\"[" + std::to_string(i) + "]";
      if (token.empty()) sd_.fail(Err::VocabEmptyString, {where});
      const auto [it, inserted] = seen.emplace(token, i);
      if (!inserted) {
        sd_.fail(Err::VocabRepeats,
                 {where, utf8::truncate_to_width(token, 20), std::to_string(it->second)});
      }
    }
    return *vocab;
  }

  void read_embeddings() {
    const auto token_key = first_present(kTokenEmbedding);
    if (!token_key) {
      sd_.fail(Err::NoTokenEmbedding, {});
    }
    w_.vocab = read_vocab();
    if (w_.n_embd == 0) {
      w_.n_embd = checked_width(last_dim(sd_.shape(*token_key)), *token_key, Err::Columns);
    }
    w_.token_embedding = read(*token_key, 2);
    const auto V = static_cast<Eigen::Index>(w_.vocab.size());
    expect_shape(w_.token_embedding, *token_key, {V, w_.n_embd}, "len(vocab) × n_embd");
    if (const auto position_key = first_present(kPositionEmbedding)) {
      w_.position_embedding = read(*position_key, 2);
      expect_shape(w_.position_embedding, *position_key, {w_.position_embedding.rows(), w_.n_embd},
                   "block_size × n_embd");
      w_.block_size = static_cast<int>(w_.position_embedding.rows());
      const auto block_size = sd_.setting("block_size", kMaxBlockSize);
      if (block_size && *block_size != w_.block_size) {
        sd_.fail(Err::BlockSizeDisagrees, {std::to_string(*block_size), quoted(*position_key),
                                           std::to_string(w_.block_size)});
      }
    } else {
      w_.block_size = sd_.setting("block_size", kMaxBlockSize).value_or(0);
    }
  }

  // Without embeddings (--input randn) the position table still says how long a text may be.
  void read_block_size() {
    w_.block_size = sd_.setting("block_size", kMaxBlockSize).value_or(0);
    const auto position_key = first_present(kPositionEmbedding);
    if (w_.block_size == 0 && position_key) {
      w_.block_size =
          static_cast<int>(std::min<int64_t>(first_dim(sd_.shape(*position_key)), kMaxBlockSize));
    }
  }

  void check_n_head(int found, const Words& where) const {
    if (options_.n_head && *options_.n_head != found) {
      const std::string flag = std::to_string(*options_.n_head);
      if (found == 1) sd_.fail(Err::HeadsFlagDisagreesOne, {flag, where});
      sd_.fail(Err::HeadsFlagDisagrees, {flag, where, std::to_string(found)});
    }
  }

  // Biases of a head's three projections, all or none (nn.Linear(bias=True) names them .bias).
  void read_head_biases(const std::string& head_prefix, HeadWeights& head) {
    const std::string q = head_prefix + "query.bias", k = head_prefix + "key.bias",
                      v = head_prefix + "value.bias";
    if (!sd_.has(q) && !sd_.has(k) && !sd_.has(v)) return;
    const Eigen::Index hs = head.query.rows();
    for (const auto& [name, bias] :
         {std::pair{&q, &head.query_bias}, {&k, &head.key_bias}, {&v, &head.value_bias}}) {
      *bias = read(*name, 1);
      expect_shape(*bias, *name, {hs}, "head_size");
    }
  }

  // The lesson's SelfAttention: query/key/value.weight, each n_embd × n_embd.
  void read_self_attention() {
    check_n_head(1, Words(Err::TheFilesSelfAttention, {quoted(key("query.weight"))}));
    const Eigen::Index C = w_.n_embd;
    HeadWeights head;
    for (const auto& [name, m] : {std::pair{"query.weight", &head.query},
                                  {"key.weight", &head.key},
                                  {"value.weight", &head.value}}) {
      *m = read(key(name), 2);
      expect_shape(*m, key(name), {C, C}, "n_embd × n_embd");
    }
    read_head_biases(key(""), head);
    w_.heads.push_back(std::move(head));
  }

  // MultiHeadAttention: heads.{i}.query/key/value.weight (head_size × n_embd), proj.weight
  // (n_embd × n_head·head_size), proj.bias (n_embd).
  void read_multi_head() {
    const Eigen::Index C = w_.n_embd;
    int n_head = 0;
    while (sd_.has(key("heads." + std::to_string(n_head) + ".query.weight"))) ++n_head;
    if (const auto declared = sd_.setting("n_head", kMaxEmbdCeiling);
        declared && *declared != n_head) {
      sd_.fail(Err::NHeadDisagrees,
               {std::to_string(*declared), std::to_string(n_head), std::to_string(n_head - 1)});
    }
    check_n_head(n_head, Words(Err::TheFile, {}));
    const Eigen::Index head_size = first_dim(sd_.shape(key("heads.0.query.weight")));
    for (int h = 0; h < n_head; ++h) {
      const std::string p = key("heads." + std::to_string(h) + ".");
      HeadWeights head;
      for (const auto& [name, m] : {std::pair{"query.weight", &head.query},
                                    {"key.weight", &head.key},
                                    {"value.weight", &head.value}}) {
        *m = read(p + name, 2);
        expect_shape(*m, p + name, {head_size, C}, "head_size × n_embd");
      }
      read_head_biases(p, head);
      w_.heads.push_back(std::move(head));
    }
    w_.proj_weight = read(key("proj.weight"), 2);
    expect_shape(w_.proj_weight, key("proj.weight"), {C, n_head * head_size},
                 "n_embd × n_head·head_size");
    w_.proj_bias = read(key("proj.bias"), 1);
    expect_shape(w_.proj_bias, key("proj.bias"), {C}, "n_embd");
  }

  // nanoGPT's CausalSelfAttention: c_attn packs q, k, v (rows 0..C, C..2C, 2C..3C) and within each
  // the heads side by side; c_proj joins the heads. GPT-2's Conv1D stores both transposed.
  void read_c_attn() {
    const Eigen::Index C = w_.n_embd;
    const std::string attn_key = key("c_attn.weight");
    const auto declared = sd_.setting("n_head", kMaxEmbdCeiling);
    if (declared && options_.n_head && *declared != *options_.n_head)
      check_n_head(*declared, Words(Err::TheFile, {}));
    const int n_head = declared ? *declared : options_.n_head.value_or(0);
    if (n_head == 0) {
      sd_.fail(Err::NeedNHead, {quoted(attn_key)});
    }
    if (C % n_head != 0) {
      sd_.fail(Err::NHeadNotDivide, {std::to_string(n_head), std::to_string(C)});
    }
    // Each head's q, k, v is a block of c_attn, viewed where it lies: rows of nn.Linear's
    // (3C, C), columns of Conv1D's (C, 3C), which is used as it is (operand AsIs).
    const Tensor attn = read(attn_key, 2);
    const bool conv1d = attn.rows() == C && attn.cols() == 3 * C && C != 0;
    if (conv1d) w_.operand = Operand::AsIs;
    if (!conv1d) expect_shape(attn, attn_key, {3 * C, C}, "3·n_embd × n_embd");
    Matrix attn_bias = Matrix::Zero(1, 3 * C);
    const bool has_bias = sd_.has(key("c_attn.bias"));
    if (has_bias) {
      attn_bias = read(key("c_attn.bias"), 1);
      expect_shape(attn_bias, key("c_attn.bias"), {3 * C}, "3·n_embd");
    }
    const Eigen::Index hs = C / n_head;
    const auto part = [&](Eigen::Index first) {  // the hs projections from `first` on
      return conv1d ? attn.part(0, first, C, hs) : attn.part(first, 0, hs, C);
    };
    for (int h = 0; h < n_head; ++h) {
      HeadWeights head;
      head.query = part(h * hs);
      head.key = part(C + h * hs);
      head.value = part(2 * C + h * hs);
      if (has_bias) {
        head.query_bias = attn_bias.middleCols(h * hs, hs);
        head.key_bias = attn_bias.middleCols(C + h * hs, hs);
        head.value_bias = attn_bias.middleCols(2 * C + h * hs, hs);
      }
      w_.heads.push_back(std::move(head));
    }
    w_.joined = {attn};  // its columns (Conv1D) or rows: [q | k | v]
    w_.proj_weight = read(key("c_proj.weight"), 2);
    expect_shape(w_.proj_weight, key("c_proj.weight"), {C, C}, "n_embd × n_embd");
    w_.proj_bias = Matrix::Zero(1, C);
    if (sd_.has(key("c_proj.bias"))) {
      w_.proj_bias = read(key("c_proj.bias"), 1);
      expect_shape(w_.proj_bias, key("c_proj.bias"), {C}, "n_embd");
    }
  }

  // The LayerNorm before attention in a transformer block: nanoGPT's and GPT-2's ln_1 beside
  // "attn.", Karpathy's ln1 beside "sa.", and attnviz's own saved ln_1.
  std::string layer_norm_key() const {
    const std::string& p = options_.prefix;
    if (p.empty()) return "ln_1.weight";
    if (ends_with(p, "attn.")) return p.substr(0, p.size() - 5) + "ln_1.weight";
    if (ends_with(p, "sa.")) return p.substr(0, p.size() - 3) + "ln1.weight";
    return "";
  }

  void read_layer_norm() {
    const std::string weight_key = layer_norm_key();
    if (weight_key.empty() || !sd_.has(weight_key)) return;
    const Eigen::Index C = w_.n_embd;
    w_.ln_weight = read(weight_key, 1);
    expect_shape(w_.ln_weight, weight_key, {C}, "n_embd");
    const std::string bias_key = weight_key.substr(0, weight_key.size() - 6) + "bias";
    w_.ln_bias = Matrix::Zero(1, C);  // nanoGPT's LayerNorm(bias=False) has none
    if (sd_.has(bias_key)) {
      w_.ln_bias = read(bias_key, 1);
      expect_shape(w_.ln_bias, bias_key, {C}, "n_embd");
    }
    const int block = block_index(options_.prefix);
    if (block > 0) {
      warnings_.emplace_back(Err::LaterBlock,
                             std::vector<Words>{sd_.name(), std::to_string(block)});
    }
  }

  // Buffers PyTorch saves beside the weights: the lesson's and Karpathy's tril, nanoGPT's "bias"
  // mask and GPT-2's masked_bias.
  bool is_buffer(const std::string& k, Layout layout) const {
    if (k == key("tril")) return true;
    if (layout == Layout::CAttn && (k == key("bias") || k == key("masked_bias"))) return true;
    for (int h = 0; h < w_.n_head(); ++h) {
      if (k == key("heads." + std::to_string(h) + ".tril")) return true;
    }
    return false;
  }

  bool is_embedding_or_norm(const std::string& k) const {
    const auto in = [&](const std::array<const char*, 4>& list) {
      return std::find(list.begin(), list.end(), k) != list.end();
    };
    return in(kTokenEmbedding) || in(kPositionEmbedding) || k == "ln_1.weight" || k == "ln_1.bias";
  }

  void warn_unused(Layout layout) {
    const std::string& p = options_.prefix;
    for (const std::string& k : sd_.keys()) {
      if (used_.count(k) || is_buffer(k, layout)) continue;
      if (!p.empty() && k.rfind(p, 0) != 0) continue;  // the rest of a whole model
      if (!options_.embeddings && is_embedding_or_norm(k)) continue;
      warnings_.emplace_back(Err::UnknownKey, std::vector<Words>{sd_.name(), quoted(k)});
    }
    for (const std::string& k : sd_.other_entries()) {
      warnings_.emplace_back(Err::UnknownKey, std::vector<Words>{sd_.name(), quoted(k)});
    }
  }

  const StateDict& sd_;
  const LoadOptions& options_;
  std::vector<Words>& warnings_;
  std::set<std::string> used_;
  Weights w_;
};

}  // namespace

Weights load_weights(const StateDict& state_dict, const LoadOptions& options,
                     std::vector<Words>& warnings) {
  return Loader(state_dict, options, warnings).load();
}

}  // namespace attnviz
