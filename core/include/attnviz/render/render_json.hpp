// The run as JSON: tokens, the configuration that reproduces it, each head's weights, the output.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "attnviz/run/result.hpp"

namespace attnviz {

struct JsonOptions {
  bool trace = false;    // also x and every head's q, k, v, scores, scaled and masked scores, out
  bool rollout = false;  // --rollout: the rollout through every layer
};

// Receives the JSON in pieces, in order.
using JsonSink = std::function<void(std::string_view)>;

// Schema in README.md ("JSON output"). Floats are the shortest text that reads back to the same
// float32; masked weights are exactly 0. Streamed: matrices are written row by row and handed to
// `sink` 64 KiB at a time, so a long text never has its T² numbers in memory twice.
void write_json(const Result& result, const JsonOptions& options, const JsonSink& sink);

// The same JSON as one string.
std::string render_json(const Result& result, const JsonOptions& options = {});

}  // namespace attnviz
