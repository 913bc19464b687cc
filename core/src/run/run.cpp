// One run: the text's tokens, then the weights decide which run it is — a whole model's
// (run_model) or one attention module's (run_module), from a file or drawn at random.
#include "attnviz/run/run.hpp"

#include "attnviz/formats/state_dict.hpp"
#include "attnviz/model/transformer.hpp"
#include "run/stages.hpp"

namespace attnviz {

Result run(const Request& request) {
  Result result;
  read_tokens(request, result);
  warn_mojibake(request, result.warnings);
  if (!request.weights_path) return run_module(request, nullptr, std::move(result));
  const auto state_dict = open_state_dict(request.weights_data, *request.weights_path,
                                          request.limits, request.weights_mapped);
  // A whole model runs whole, unless --prefix picks one attention module out of it.
  if (request.weights_prefix.empty() && detect_family(*state_dict)) {
    return run_model(request, *state_dict, std::move(result));
  }
  return run_module(request, state_dict.get(), std::move(result));
}

}  // namespace attnviz
