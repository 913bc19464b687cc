// The weights JSON format: read through the StateDict layouts, written with the lesson's names.
#include "attnviz/model/state_dict.hpp"
#include "attnviz/model/weights.hpp"
#include "io/json.hpp"

namespace attnviz {
namespace {

Json vector_to_json(const Matrix& row) {  // (1, n) → [...], as PyTorch's 1-D tensors
  Json out = Json::array();
  for (Eigen::Index j = 0; j < row.cols(); ++j) out.push_back(row(0, j));
  return out;
}

}  // namespace

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
  if (w.has_embeddings()) {
    doc["vocab"] = w.vocab;
    doc["token_embedding.weight"] = matrix_to_json(w.token_embedding);
  }
  if (w.has_positions()) doc["position_embedding.weight"] = matrix_to_json(w.position_embedding);
  for (int h = 0; h < w.n_head(); ++h) {
    const HeadWeights& head = w.heads[static_cast<size_t>(h)];
    const std::string p = w.multi_head() ? "heads." + std::to_string(h) + "." : "";
    doc[p + "query.weight"] = matrix_to_json(w.as_linear(head.query));
    doc[p + "key.weight"] = matrix_to_json(w.as_linear(head.key));
    doc[p + "value.weight"] = matrix_to_json(w.as_linear(head.value));
    if (head.has_bias()) {
      doc[p + "query.bias"] = vector_to_json(head.query_bias);
      doc[p + "key.bias"] = vector_to_json(head.key_bias);
      doc[p + "value.bias"] = vector_to_json(head.value_bias);
    }
  }
  if (w.multi_head()) {
    doc["proj.weight"] = matrix_to_json(w.as_linear(w.proj_weight));
    doc["proj.bias"] = vector_to_json(w.proj_bias);
  }
  if (w.has_layer_norm()) {
    doc["ln_1.weight"] = vector_to_json(w.ln_weight);
    doc["ln_1.bias"] = vector_to_json(w.ln_bias);
  }
  return to_pretty_json(doc);
}

}  // namespace attnviz
