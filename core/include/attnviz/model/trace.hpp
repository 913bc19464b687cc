// Every intermediate of one attention computation, for renderers to show.
#pragma once

#include <vector>

#include "attnviz/matrix.hpp"

namespace attnviz {

struct HeadTrace {
  Matrix q;        // (T, head_size) queries: x · queryᵀ
  Matrix k;        // (T, head_size) keys:    x · keyᵀ
  Matrix v;        // (T, head_size) values:  x · valueᵀ
  Matrix scores;   // (T, T) q · kᵀ, before scaling and masking; 0×0 unless kept for the trace
  Matrix weights;  // (T, T) softmax of each row of scale · scores, masked cells exactly 0
  Matrix out;      // (T, head_size) weights · v
};

struct AttentionTrace {
  Matrix x;                      // (T, n_embd) token embedding + position embedding
  Matrix x_ln;                   // (T, n_embd) LayerNorm(x), the heads' input, or 0×0 if none
  float scale = 1.0f;            // head_size^-0.5, as the lesson's C**-0.5 (1 with --no-scale)
  bool causal = true;            // keys after the query were masked to −inf before softmax
  std::vector<HeadTrace> heads;  // one per head
  Matrix concat;  // (T, n_head·head_size) the heads' outputs side by side; 0×0 for one head
  Matrix out;     // (T, n_embd) the module's output: concat, or concat·projᵀ + bias

  Eigen::Index T() const { return x.rows(); }
  // True when the weight of query i on key j was masked (a future token).
  bool masked(Eigen::Index i, Eigen::Index j) const { return causal && j > i; }
};

}  // namespace attnviz
