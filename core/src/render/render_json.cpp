// JSON renderer for a run.
#include "attnviz/render/render_json.hpp"

#include <cmath>

#include "attnviz/compute/compute.hpp"
#include "attnviz/render/summary.hpp"
#include "attnviz/version.hpp"
#include "io/json.hpp"

namespace attnviz {
namespace {

Json config_json(const Result& result) {
  const RunInfo& info = result.info;
  Json config = Json::object();
  config["text"] = info.text;
  config["input"] = info.input == InputKind::TokenList ? "tokens" : "text";
  if (info.input == InputKind::Text) config["tokenizer"] = tokenizer_name(info.tokenizer);
  config["module"] = info.multi_head ? "MultiHeadAttention" : "SelfAttention";
  config["n_layer"] = result.model ? result.model->n_layer : 1;
  if (result.model) {
    config["family"] = family_id(result.model->family);
    config["vocab_size"] = result.model->vocab_size;
    if (info.bos) config["bos"] = true;
  }
  config["n_embd"] = info.n_embd;
  config["n_head"] = info.n_head;
  config["head_size"] = info.head_size;
  config["block_size"] = info.block_size > 0 ? Json(info.block_size) : Json(nullptr);
  config["x"] = info.randn_input ? "randn" : "embeddings";
  config["positions"] = info.positions;
  config["rotary"] = info.rotary;
  // Grouped-query attention: each query head's key/value head (null: each head its own).
  config["kv_head_of"] = info.kv_head_of.empty() ? Json(nullptr) : Json(info.kv_head_of);
  config["causal"] = info.causal;
  // > 0: each token saw only the `window` tokens ending at it (a text past block_size)
  config["window"] = result.trace().window;
  config["scaled"] = info.scale;
  config["scale"] = result.trace().scale;
  if (info.weights) {
    config["weights"] = *info.weights;
    if (!info.prefix.empty()) config["prefix"] = info.prefix;
    if (!info.file_type.empty()) config["file_type"] = info.file_type;  // a GGUF's quantization
    config["layer_norm"] = info.layer_norm;
  } else {
    config["weights"] = "random";
  }
  if (!info.weights || info.randn_input) {
    config["seed"] = info.seed;
    config["init"] = info.init == TorchCpu::Avx2 ? "torch" : "torch-generic";
  }
  return config;
}

Json summaries_json(const Matrix& weights) {
  Json rows = Json::array();
  for (const RowSummary& s : summarize_rows(weights)) {
    rows.push_back(Json{{"top_key", s.top_key},
                        {"top_weight", s.top_weight},
                        {"entropy_bits", static_cast<float>(s.entropy_bits)}});
  }
  return rows;
}

// Pretty JSON written in pieces: small values through the Json layout, matrices row by row, so
// no document of T² numbers is ever built. Output goes to the sink 64 KiB at a time.
class Stream {
 public:
  explicit Stream(const JsonSink& sink) : sink_(sink) {}

  // `"key": ` at `depth`, after a comma unless it is the object's first entry.
  void key(const char* name, int depth) {
    out_ += first_ ? "\n" : ",\n";
    first_ = false;
    out_.append(static_cast<size_t>(depth) * 2, ' ');
    out_ += '"';
    out_ += name;
    out_ += "\": ";
  }
  // An array entry at `depth`: the separator and indent, no key.
  void item(int depth) {
    out_ += first_ ? "\n" : ",\n";
    first_ = false;
    out_.append(static_cast<size_t>(depth) * 2, ' ');
  }
  void raw(std::string_view text) { out_ += text; }
  void open(char bracket) {
    out_ += bracket;
    first_ = true;
  }
  void close(char bracket, int depth) {
    out_ += '\n';
    out_.append(static_cast<size_t>(depth) * 2, ' ');
    out_ += bracket;
    first_ = false;
  }
  void value(const Json& v, int depth) { append_pretty_json(v, depth, out_); }

  // Rows of numbers, one row per line; `null_if(i, j)` cells print null (masked −inf). Blocks of
  // 16 rows are formatted on every thread at once and written in order.
  template <typename NullIf>
  void matrix(const Matrix& m, float scale, int depth, NullIf null_if) {
    if (m.rows() == 0) {
      out_ += "[]";
      return;
    }
    out_ += "[\n";
    constexpr Eigen::Index kRowsPerBlock = 16;
    const auto format = [&](Eigen::Index i, std::string& text) {
      text.append(static_cast<size_t>(depth + 1) * 2, ' ');
      text += '[';
      for (Eigen::Index j = 0; j < m.cols(); ++j) {
        if (j > 0) text += ',';
        if (null_if(i, j)) {
          text += "null";
        } else {
          append_float(m(i, j) * scale, text);
        }
      }
      text += i + 1 < m.rows() ? "],\n" : "]\n";
    };
    const Eigen::Index blocks = (m.rows() + kRowsPerBlock - 1) / kRowsPerBlock;
    struct alignas(64) Text {  // one cache line each: threads appending never share one
      std::string s;
    };
    std::vector<Text> text(static_cast<size_t>(2 * threads()));
    for (Eigen::Index b0 = 0; b0 < blocks; b0 += static_cast<Eigen::Index>(text.size())) {
      const auto n = std::min<size_t>(text.size(), static_cast<size_t>(blocks - b0));
      parallel_for(n, [&](size_t b) {
        text[b].s.clear();
        const Eigen::Index first = (b0 + static_cast<Eigen::Index>(b)) * kRowsPerBlock;
        for (Eigen::Index i = first; i < std::min(m.rows(), first + kRowsPerBlock); ++i) {
          format(i, text[b].s);
        }
      });
      for (size_t b = 0; b < n; ++b) {
        out_ += text[b].s;
        if (out_.size() >= kFlushBytes) flush();
      }
    }
    out_.append(static_cast<size_t>(depth) * 2, ' ');
    out_ += ']';
  }
  void matrix(const Matrix& m, int depth) {
    matrix(m, 1.0f, depth, [](Eigen::Index, Eigen::Index) { return false; });
  }

  void flush() {
    if (!out_.empty()) sink_(out_);
    out_.clear();
  }

 private:
  static constexpr size_t kFlushBytes = 64 << 10;
  const JsonSink& sink_;
  std::string out_;
  bool first_ = true;
};

// Every intermediate of one head, named as in the lesson's forward(); −inf (masked) is null.
void head_trace(Stream& s, const HeadTrace& head, const AttentionTrace& trace, int depth) {
  const auto never = [](Eigen::Index, Eigen::Index) { return false; };
  const auto masked = [&](Eigen::Index i, Eigen::Index j) { return trace.masked(i, j); };
  for (const auto& [name, m] : {std::pair{"q", &head.q}, {"k", &head.k}, {"v", &head.v}}) {
    s.key(name, depth);
    s.matrix(*m, depth);
  }
  s.key("scores", depth);
  s.matrix(head.scores, depth);
  s.key("scaled_scores", depth);
  s.matrix(head.scores, trace.scale, depth, never);
  s.key("masked_scores", depth);
  s.matrix(head.scores, trace.scale, depth, masked);
  s.key("out", depth);
  s.matrix(head.out, depth);
}

// A layer's heads: each head's weights, and with `full` its row summaries and (--trace) every
// intermediate.
void heads(Stream& s, const AttentionTrace& trace, const JsonOptions& options, int depth,
           bool full) {
  s.open('[');
  for (const HeadTrace& head : trace.heads) {
    s.item(depth + 1);
    s.open('{');
    if (full && options.trace && head.scores.size() > 0) head_trace(s, head, trace, depth + 2);
    s.key("weights", depth + 2);
    s.matrix(head.weights, depth + 2);
    if (full) {
      s.key("row_summaries", depth + 2);
      s.value(summaries_json(head.weights), depth + 2);
    }
    s.close('}', depth + 1);
  }
  s.close(']', depth);
}

// Per position, the model's guesses: [{"token", "id", "p"}, …], most probable first.
Json predictions_json(const std::vector<std::vector<Guess>>& predictions) {
  Json out = Json::array();
  for (const auto& row : predictions) {
    Json guesses = Json::array();
    for (const Guess& g : row) guesses.push_back({{"token", g.token}, {"id", g.id}, {"p", g.p}});
    out.push_back(std::move(guesses));
  }
  return out;
}

// Every head's pattern scores and label (a HeadPattern key, or null): [{"layer", "head",
// "scores": {"previous_token": …}, "repeated_induction"?, "label"}, …].
Json head_scores_json(const std::vector<HeadScore>& scores) {
  Json out = Json::array();
  for (const HeadScore& h : scores) {
    Json by_pattern = Json::object();
    for (int p = 0; p < kHeadPatterns; ++p) {
      by_pattern[pattern_key(static_cast<HeadPattern>(p))] = h.score[static_cast<size_t>(p)];
    }
    Json head = {{"layer", h.layer}, {"head", h.head}, {"scores", std::move(by_pattern)}};
    if (h.repeated_induction) head["repeated_induction"] = *h.repeated_induction;
    const auto label = head_label(h);
    head["label"] = label ? Json(pattern_key(*label)) : Json(nullptr);
    out.push_back(std::move(head));
  }
  return out;
}

// "layers": each shown layer's heads, and with --trace the rest of a whole model's block.
void layers_json(Stream& s, const Result& result, const JsonOptions& options) {
  s.key("layers", 1);
  s.open('[');
  for (size_t l = 0; l < result.layers.size(); ++l) {
    s.item(2);
    s.open('{');
    s.key("layer", 3);
    s.value(result.layer_numbers[l], 3);
    if (result.layers[l].sliding) {  // the layer's sliding window: keys this far back masked
      s.key("sliding_window", 3);
      s.value(result.layers[l].window, 3);
    }
    s.key("heads", 3);
    heads(s, result.layers[l], options, 3, result.model.has_value());
    if (options.trace && l < result.blocks.size()) {
      const AttentionTrace& attention = result.layers[l];
      const BlockTrace& block = result.blocks[l];
      const std::pair<const char*, const Matrix*> parts[] = {
          {"x", &attention.x},     {"x_ln", &attention.x_ln}, {"attention_out", &attention.out},
          {"x_mid", &block.x_mid}, {"hidden", &block.hidden}, {"mlp_out", &block.mlp_out},
          {"x_out", &block.x_out}};
      for (const auto& [name, m] : parts) {
        if (m->size() == 0) continue;  // not kept: --generate keeps its rows' x_out alone
        s.key(name, 3);
        s.matrix(*m, 3);
      }
    }
    s.close('}', 2);
  }
  s.close(']', 1);
}

// --generate: how the new tokens were drawn and, per step, the token written, the candidates
// with their probabilities before and after temperature, top-k and top-p, and the new token's
// attention row in each shown layer and head over the keys its context held.
Json generation_json(const Result& result) {
  const GenerationInfo& g = *result.generation;
  Json steps = Json::array();
  for (size_t s = 0; s < g.steps.size(); ++s) {
    const GeneratedToken& step = g.steps[s];
    const auto position = static_cast<Eigen::Index>(g.prompt_tokens) + static_cast<Eigen::Index>(s);
    Json candidates = Json::array();
    for (const auto& c : step.candidates) {
      candidates.push_back({{"token", c.guess.token},
                            {"id", c.guess.id},
                            {"p", c.guess.p},
                            {"p_sampled", c.p_sampled}});
    }
    Json attention = Json::array();
    for (size_t l = 0; l < result.layers.size(); ++l) {
      Json rows = Json::array();
      for (const HeadTrace& head : result.layers[l].heads) {
        const auto row =
            head.weights.row(position).segment(step.first_key, position - step.first_key + 1);
        rows.push_back(std::vector<float>(row.begin(), row.end()));
      }
      attention.push_back({{"layer", result.layer_numbers[l]}, {"heads", std::move(rows)}});
    }
    steps.push_back({{"position", position},
                     {"token", step.token.token},
                     {"id", step.token.id},
                     {"p", step.token.p},
                     {"first_key", step.first_key},
                     {"candidates", std::move(candidates)},
                     {"attention", std::move(attention)}});
  }
  return {{"prompt_tokens", g.prompt_tokens},
          {"seed", g.seed},
          {"temperature", g.sampling.temperature},
          {"top_k", g.sampling.top_k},
          {"top_p", g.sampling.top_p},
          {"defaults_of", g.defaults_of},
          {"steps", std::move(steps)}};
}

// --generate with --trace: everything the explained step computed (StepTrace), named as the
// top-level trace names a pass's intermediates; each head's matrices are over the keys its row
// read.
Json explained_json(const Result& result) {
  const StepTrace& e = result.generation->explained;
  Json layers = Json::array();
  for (const int number : result.layer_numbers) {
    const LayerTrace& layer = e.layers[static_cast<size_t>(number)];
    const AttentionTrace& a = layer.attention;
    Json heads = Json::array();
    for (const HeadTrace& h : a.heads) {
      heads.push_back({{"q", matrix_to_json(h.q)},
                       {"k", matrix_to_json(h.k)},
                       {"v", matrix_to_json(h.v)},
                       {"scores", matrix_to_json(h.scores)},
                       {"scaled_scores", matrix_to_json(h.scores * a.scale)},
                       {"weights", matrix_to_json(h.weights)},
                       {"out", matrix_to_json(h.out)}});
    }
    layers.push_back({{"layer", number},
                      {"x", matrix_to_json(a.x)},
                      {"x_ln", matrix_to_json(a.x_ln)},
                      {"heads", std::move(heads)},
                      {"attention_out", matrix_to_json(a.out)},
                      {"x_mid", matrix_to_json(layer.block.x_mid)},
                      {"hidden", matrix_to_json(layer.block.hidden)},
                      {"mlp_out", matrix_to_json(layer.block.mlp_out)},
                      {"x_out", matrix_to_json(layer.block.x_out)}});
  }
  const SamplingTrace& t = e.sampling;
  // −∞ (a token top-k or top-p removed) is null, as masked scores are.
  Json filtered = Json::array();
  for (const float f : t.filtered) filtered.push_back(std::isinf(f) ? Json(nullptr) : Json(f));
  return {{"step", e.step},
          {"position", e.query},
          {"first_key", e.first_key},
          {"layers", std::move(layers)},
          {"logits", e.logits},
          {"filtered_logits", std::move(filtered)},
          {"exponentials", t.exponentials},
          {"ratios", t.ratios}};
}

// What a whole model adds (guesses, rollout, head scores), or a module's output.
void model_json(Stream& s, const Result& result, const JsonOptions& options) {
  const AttentionTrace& trace = result.trace();
  if (!result.model) {
    if (options.trace && result.info.multi_head) {
      s.key("concat", 1);
      s.matrix(trace.concat, 1);
    }
    s.key("output", 1);
    s.matrix(trace.out, 1);
    return;
  }
  s.key("predictions", 1);
  s.value(predictions_json(result.predictions), 1);
  if (options.rollout && result.rollout.size() > 0) {
    s.key("rollout", 1);
    s.matrix(result.rollout, 1);
  }
  s.key("head_scores", 1);
  s.value(head_scores_json(result.head_scores), 1);
  if (result.labels_withheld) {  // why every "label" is null
    s.key("labels_withheld", 1);
    s.value(result.labels_withheld->english(), 1);
  }
  if (!result.induction_test_ids.empty()) {
    s.key("induction_test_ids", 1);
    s.value(result.induction_test_ids, 1);
  }
  if (result.generation) {
    s.key("generation", 1);
    Json generation = generation_json(result);
    if (options.trace && result.generation->explained.step > 0)
      generation["explained"] = explained_json(result);
    s.value(generation, 1);
  }
}

}  // namespace

void write_json(const Result& result, const JsonOptions& options, const JsonSink& sink) {
  const AttentionTrace& trace = result.trace();
  Stream s(sink);
  s.open('{');
  s.key("attnviz_version", 1);
  s.value(kVersion, 1);
  s.key("tokens", 1);
  s.value(result.tokens, 1);
  s.key("token_ids", 1);
  s.value(result.ids, 1);
  s.key("config", 1);
  s.value(config_json(result), 1);
  if (options.trace) {
    s.key("x", 1);
    s.matrix(trace.x, 1);
    if (trace.x_ln.size() > 0) {
      s.key("x_ln", 1);
      s.matrix(trace.x_ln, 1);
    }
  }
  // One attention module keeps its heads at the top, as before whole models; "layers" lists the
  // layers of every run (a module's one layer with its weights only, not written twice in full).
  if (!result.model) {
    s.key("heads", 1);
    heads(s, trace, options, 1, true);
  }
  layers_json(s, result, options);
  model_json(s, result, options);
  if (!result.warnings.empty()) {  // in English: the JSON is data, read by programs
    Json warnings = Json::array();
    for (const Words& w : result.warnings) warnings.push_back(w.english());
    s.key("warnings", 1);
    s.value(warnings, 1);
  }
  s.close('}', 0);
  s.raw("\n");
  s.flush();
}

std::string render_json(const Result& result, const JsonOptions& options) {
  std::string out;
  write_json(result, options, [&](std::string_view piece) { out += piece; });
  return out;
}

}  // namespace attnviz
