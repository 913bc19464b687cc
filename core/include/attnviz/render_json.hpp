// The run as JSON: tokens, the configuration that reproduces it, each head's weights, the output.
#pragma once

#include <string>

#include "attnviz/run.hpp"

namespace attnviz {

struct JsonOptions {
  bool trace = false;  // also x and every head's q, k, v, scores, scaled and masked scores, out
};

// Schema in README.md ("JSON output"). Floats are the shortest text that reads back to the same
// float32; masked weights are exactly 0.
std::string render_json(const Request& request, const Result& result,
                        const JsonOptions& options = {});

}  // namespace attnviz
