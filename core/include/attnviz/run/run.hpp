// One attnviz run from input text to attention trace: tokenize → weights → embed → attend.
#pragma once

#include <string>
#include <vector>

#include "attnviz/run/request.hpp"
#include "attnviz/run/result.hpp"

namespace attnviz {

// Throws Error for bad text, bad weights, a token missing from the vocab, more tokens than
// block_size or the limits allow, or weights so large that a step overflows float32 (no NaN or
// infinity ever reaches an output). Text that looks like mojibake runs, with a warning.
Result run(const Request& request);

// The distinct tokens in order of first appearance: the vocab random weights are made for.
std::vector<std::string> distinct_tokens(const std::vector<std::string>& tokens);

}  // namespace attnviz
