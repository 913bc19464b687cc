// A run over one attention module — the lesson's SelfAttention or MultiHeadAttention — with
// weights from a file (a module on its own, or one picked out of a model with --prefix) or
// PyTorch's random ones.
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/model/attention.hpp"
#include "attnviz/model/attention_load.hpp"
#include "run/stages.hpp"

namespace attnviz {

Result run_module(const Request& request, const StateDict* state_dict,
                  const std::vector<std::string>* vocab, Result result) {
  if (request.rollout) throw Error(Err::RolloutNeedsModel, {});
  const size_t T = result.tokens.size();
  const int max_embd = request.limits.max_embd;
  Matrix x;  // (T, n_embd)
  if (state_dict != nullptr) {
    LoadOptions options;
    options.prefix = request.weights_prefix;
    if (request.random.n_head > 0) options.n_head = request.random.n_head;
    options.embeddings = !request.randn_input;
    options.vocab = vocab;
    options.max_embd = max_embd;
    result.weights = load_weights(*state_dict, options, result.warnings);
    check_length(T, result.weights.block_size, request);
    if (request.randn_input) {
      x = randn_x(static_cast<int>(T), result.weights.n_embd, request.random);
    }
  } else {
    check_length(T, request.random.block_size, request);
    if (request.randn_input) {
      RandnInput drawn = random_input(static_cast<int>(T), request.random, max_embd);
      x = std::move(drawn.x);
      result.weights = std::move(drawn.weights);
    } else {
      result.weights = random_weights(distinct_tokens(result.tokens), request.random, max_embd);
    }
  }
  if (!request.randn_input) {
    result.ids =
        lookup_ids(result.tokens, result.weights.vocab, request.weights_path.value_or("weights"));
    x = embed(result.ids, result.weights);
  }
  result.layers.push_back(
      attend(std::move(x), result.weights,
             AttentionOptions{request.causal, request.scale, request.keep_scores}));
  result.layer_numbers = {0};
  describe_run(request, result);
  keep_means(request, result);
  return result;
}

}  // namespace attnviz
