// JSON renderer for a run.
#include "attnviz/render_json.hpp"

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
  config["n_embd"] = w.n_embd;
  config["n_head"] = w.heads.size();
  config["head_size"] = w.head_size();
  config["block_size"] = w.block_size > 0 ? Json(w.block_size) : Json(nullptr);
  config["positions"] = w.has_positions();
  config["causal"] = request.causal;
  config["scale"] = result.trace.scale;
  if (request.weights_path) {
    config["weights"] = *request.weights_path;
  } else {
    config["weights"] = "random";
    config["seed"] = request.random.seed;
  }
  return config;
}

}  // namespace

std::string render_json(const Request& request, const Result& result) {
  Json doc = Json::object();
  doc["attnviz_version"] = kVersion;
  doc["tokens"] = result.tokens;
  doc["token_ids"] = result.ids;
  doc["config"] = config_json(request, result);
  Json heads = Json::array();
  for (const HeadTrace& head : result.trace.heads) {
    heads.push_back(Json{{"weights", matrix_to_json(head.weights)}});
  }
  doc["heads"] = std::move(heads);
  doc["output"] = matrix_to_json(result.trace.out);
  if (!result.warnings.empty()) doc["warnings"] = result.warnings;
  return to_pretty_json(doc);
}

}  // namespace attnviz
