// JSON renderer for a run.
#include "attnviz/render_json.hpp"

#include "attnviz/summary.hpp"
#include "attnviz/version.hpp"
#include "json.hpp"

namespace attnviz {
namespace {

Json config_json(const Request& request, const Result& result) {
  const Weights& w = result.weights;
  Json config = Json::object();
  config["text"] = request.text;
  config["input"] = request.input == InputKind::TokenList ? "tokens" : "text";
  if (request.input == InputKind::Text) config["tokenizer"] = tokenizer_name(request.tokenizer);
  config["module"] = w.multi_head() ? "MultiHeadAttention" : "SelfAttention";
  config["n_embd"] = w.n_embd;
  config["n_head"] = w.n_head();
  config["head_size"] = w.head_size();
  config["block_size"] = w.block_size > 0 ? Json(w.block_size) : Json(nullptr);
  config["x"] = request.randn_input ? "randn" : "embeddings";
  config["positions"] = w.has_positions();
  config["causal"] = request.causal;
  config["scaled"] = request.scale;
  config["scale"] = result.trace.scale;
  if (request.weights_path) {
    config["weights"] = *request.weights_path;
    if (!request.weights_prefix.empty()) config["prefix"] = request.weights_prefix;
    config["layer_norm"] = w.has_layer_norm();
  } else {
    config["weights"] = "random";
  }
  if (!request.weights_path || request.randn_input) {
    config["seed"] = request.random.seed;
    config["init"] = request.random.cpu == TorchCpu::Avx2 ? "torch" : "torch-generic";
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

// Every intermediate of one head, named as in the lesson's forward(); −inf (masked) is null.
Json head_trace_json(const HeadTrace& head, const AttentionTrace& trace) {
  const Matrix scaled = head.scores * trace.scale;  // (T, T)
  Json masked = matrix_to_json(scaled);
  for (Eigen::Index i = 0; i < scaled.rows(); ++i) {
    for (Eigen::Index j = 0; j < scaled.cols(); ++j) {
      if (trace.masked(i, j)) masked[static_cast<size_t>(i)][static_cast<size_t>(j)] = nullptr;
    }
  }
  return Json{{"q", matrix_to_json(head.q)},
              {"k", matrix_to_json(head.k)},
              {"v", matrix_to_json(head.v)},
              {"scores", matrix_to_json(head.scores)},
              {"scaled_scores", matrix_to_json(scaled)},
              {"masked_scores", std::move(masked)},
              {"out", matrix_to_json(head.out)}};
}

}  // namespace

std::string render_json(const Request& request, const Result& result, const JsonOptions& options) {
  const AttentionTrace& trace = result.trace;
  Json doc = Json::object();
  doc["attnviz_version"] = kVersion;
  doc["tokens"] = result.tokens;
  doc["token_ids"] = result.ids;
  doc["config"] = config_json(request, result);
  if (options.trace) doc["x"] = matrix_to_json(trace.x);
  if (options.trace && trace.x_ln.size() > 0) doc["x_ln"] = matrix_to_json(trace.x_ln);
  Json heads = Json::array();
  for (const HeadTrace& head : trace.heads) {
    Json entry = options.trace ? head_trace_json(head, trace) : Json::object();
    entry["weights"] = matrix_to_json(head.weights);
    entry["row_summaries"] = summaries_json(head.weights);
    heads.push_back(std::move(entry));
  }
  doc["heads"] = std::move(heads);
  if (options.trace && result.weights.multi_head()) doc["concat"] = matrix_to_json(trace.concat);
  doc["output"] = matrix_to_json(trace.out);
  if (!result.warnings.empty()) doc["warnings"] = result.warnings;
  return to_pretty_json(doc);
}

}  // namespace attnviz
