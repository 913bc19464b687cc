// --save-weights: Weights under the lesson's key names, as weights JSON or safetensors, and the
// weights JSON format read back through the StateDict layouts.
#include "attnviz/model/attention_load.hpp"
#include "attnviz/model/weights.hpp"
#include "io/json.hpp"

namespace attnviz {

std::vector<NamedTensor> named_tensors(const Weights& w) {
  std::vector<NamedTensor> tensors;
  const auto add = [&](std::string key, const ConstMatrixRef& m, bool vector) {
    if (m.size() > 0) tensors.push_back({std::move(key), m, vector});
  };
  add("token_embedding.weight", w.token_embedding, false);
  add("position_embedding.weight", w.position_embedding, false);
  for (int h = 0; h < w.n_head(); ++h) {
    const HeadWeights& head = w.heads[static_cast<size_t>(h)];
    const std::string p = w.multi_head() ? "heads." + std::to_string(h) + "." : "";
    add(p + "query.weight", w.as_linear(head.query), false);
    add(p + "key.weight", w.as_linear(head.key), false);
    add(p + "value.weight", w.as_linear(head.value), false);
    add(p + "query.bias", head.query_bias, true);
    add(p + "key.bias", head.key_bias, true);
    add(p + "value.bias", head.value_bias, true);
  }
  add("proj.weight", w.as_linear(w.proj_weight), false);
  add("proj.bias", w.proj_bias, true);
  add("ln_1.weight", w.ln_weight, true);
  add("ln_1.bias", w.ln_bias, true);
  return tensors;
}

Weights parse_weights_json(std::string_view text, std::string_view name,
                           std::vector<Words>& warnings, int max_embd) {
  LoadOptions options;
  options.max_embd = max_embd;
  return load_weights(*open_json_state_dict(text, std::string(name)), options, warnings);
}

std::string weights_to_json(const Weights& w) {
  Json doc = Json::object();
  doc["n_embd"] = w.n_embd;
  if (w.multi_head()) doc["n_head"] = w.n_head();
  if (w.block_size > 0) doc["block_size"] = w.block_size;
  if (w.has_embeddings()) doc["vocab"] = w.vocab;
  for (const NamedTensor& t : named_tensors(w)) {
    if (!t.vector) {
      doc[t.key] = matrix_to_json(t.value);
      continue;
    }
    Json values = Json::array();  // (1, n) → [...], as PyTorch's 1-D tensors
    for (Eigen::Index j = 0; j < t.value.cols(); ++j) values.push_back(t.value(0, j));
    doc[t.key] = std::move(values);
  }
  return to_pretty_json(doc);
}

std::string weights_to_safetensors(const Weights& w) {
  std::vector<std::pair<std::string, std::string>> metadata = {
      {"format", "pt"}, {"n_embd", std::to_string(w.n_embd)}};
  if (w.multi_head()) metadata.emplace_back("n_head", std::to_string(w.n_head()));
  if (w.block_size > 0) metadata.emplace_back("block_size", std::to_string(w.block_size));
  if (!w.vocab.empty()) metadata.emplace_back("vocab", Json(w.vocab).dump());
  return to_safetensors(named_tensors(w), metadata);
}

}  // namespace attnviz
