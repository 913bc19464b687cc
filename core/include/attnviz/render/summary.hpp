// Per-row summaries of attention weights: where each query looks most, and how spread out it is.
#pragma once

#include <vector>

#include "attnviz/matrix.hpp"

namespace attnviz {

struct RowSummary {
  Eigen::Index top_key = 0;  // the key with the largest weight (the first one on a tie)
  float top_weight = 0;
  double entropy_bits = 0;  // −Σ w·log2 w: 0 when one key takes all, log2 n when n share evenly
};

// One summary per row of `weights` (T, T). Zero weights (masked cells) add nothing to the entropy.
std::vector<RowSummary> summarize_rows(const Matrix& weights);

}  // namespace attnviz
