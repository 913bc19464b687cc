// The run as JSON: tokens, the configuration that reproduces it, each head's weights, the output.
#pragma once

#include <string>

#include "attnviz/run.hpp"

namespace attnviz {

// Schema in README.md ("JSON output"). Floats are the shortest text that reads back to the same
// float32; masked weights are exactly 0.
std::string render_json(const Request& request, const Result& result);

}  // namespace attnviz
