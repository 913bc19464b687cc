// One run: the weights decide which run it is — a whole model's
// (run_model) or one attention module's (run_module), from a file or drawn at random.
#include "attnviz/run/run.hpp"

#include "attnviz/error.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/model/transformer.hpp"
#include "run/stages.hpp"

namespace attnviz {

Result run(const Request& request) {
  Result result;
  if (!request.weights_path) {
    if (request.vocab) throw Error(Err::VocabNeedsModel, {});
    read_tokens(request, request_reading(request), result);
    return run_module(request, nullptr, nullptr, std::move(result));
  }
  const auto state_dict = request.weights_shards.empty()
                              ? open_state_dict(request.weights_data, *request.weights_path,
                                                request.limits, request.weights_mapped)
                              : open_sharded(request.weights_data, *request.weights_path,
                                             request.weights_shards, request.limits);
  // A whole model runs whole, unless --prefix picks one attention module out of it. It reads
  // the text once it knows the model's vocabulary.
  if (request.weights_prefix.empty() && detect_family(*state_dict)) {
    return run_model(request, *state_dict, std::move(result));
  }
  // One module of a character model reads its text as the model does (code points) when its
  // vocabulary comes from beside the file.
  const auto vocab = given_vocab(request, *state_dict);
  read_tokens(request, vocab ? character_reading(request) : request_reading(request), result);
  return run_module(request, state_dict.get(), vocab ? &vocab->tokens : nullptr, std::move(result));
}

}  // namespace attnviz
