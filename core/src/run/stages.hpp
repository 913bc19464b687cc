// The stages of a run (stages.cpp) and its two kinds: run_module.cpp (one attention module) and
// run_model.cpp (a whole model). run.cpp chooses between them; nothing here calls back up.
#pragma once

#include <string>
#include <vector>

#include "attnviz/formats/state_dict.hpp"
#include "attnviz/run/run.hpp"

namespace attnviz {

// The stand-in a model's vocabulary may hold for characters it lacks (the shipped models do).
inline constexpr const char* kStandInToken = "\xEF\xBF\xBD";  // U+FFFD �

// Each token's row in `vocab`; throws Error naming the first token it lacks. With
// `stand_in_warnings`, a vocabulary that holds kStandInToken maps what it lacks there instead, with
// one warning naming those tokens.
std::vector<int> lookup_ids(const std::vector<std::string>& tokens,
                            const std::vector<std::string>& vocab, const std::string& weights_name,
                            std::vector<Words>* stand_in_warnings = nullptr);

// Throws Error when T tokens are more than block_size (0: no limit).
void check_length(size_t T, int block_size, const Request& request);

// Fills result.info from the request and result.weights (the attention shown first).
void describe_run(const Request& request, Result& result);

// Each shown layer's mean over its heads, where the request asks for it (--head mean, the page).
void keep_means(const Request& request, Result& result);

// The text's tokens (result.tokens); with a BPE tokenizer also their ids (result.ids), which a
// whole model uses as they are.
void read_tokens(const Request& request, Result& result);

// A warning when the text looks like UTF-8 read as Latin-1 and saved again.
void warn_mojibake(const Request& request, std::vector<Words>& warnings);

// One attention module on `result.tokens`: its weights from `state_dict`, or random when null.
Result run_module(const Request& request, const StateDict* state_dict, Result result);

// A whole model's forward pass on `result.tokens`, keeping the requested layers' attention and the
// next-token guesses.
Result run_model(const Request& request, const StateDict& state_dict, Result result);

}  // namespace attnviz
