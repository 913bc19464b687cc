// Every intermediate of one attention computation, for renderers to show.
#pragma once

#include <algorithm>
#include <vector>

#include "attnviz/matrix.hpp"

namespace attnviz {

// Whether query i's weight on key j is masked: causally, a future token; with a window of W > 0,
// also a key W or more tokens back.
inline bool masked_cell(bool causal, int window, Eigen::Index i, Eigen::Index j) {
  return causal && (j > i || (window > 0 && i - j >= window));
}
// How many of T keys query i sees under the same mask.
inline Eigen::Index keys_seen(bool causal, int window, Eigen::Index i, Eigen::Index T) {
  if (!causal) return T;
  return window > 0 ? std::min<Eigen::Index>(i + 1, window) : i + 1;
}

struct HeadTrace {
  Matrix q;       // (T, head_size) queries: x · queryᵀ (normed and rotated where the model is)
  Matrix k;       // (T, head_size) keys:    x · keyᵀ (the same)
  Matrix v;       // (T, head_size) values:  x · valueᵀ
  Matrix scores;  // (T, T) q · kᵀ, before scaling and masking; 0×0 unless kept for the trace
  // (T, head_size) q and k before the rotation (after q_norm and k_norm where the model has
  // them), kept with the scores for models that rotate; 0×0 otherwise
  Matrix q_raw, k_raw;
  Matrix weights;  // (T, T) softmax of each row of scale · scores, masked cells exactly 0
  Matrix out;      // (T, head_size) weights · v
};

// The rest of a transformer block around its attention, kept for --explain and --trace.
struct BlockTrace {
  Matrix x_mid;    // (T, n_embd) x + attention's output: the residual stream between the two
  Matrix hidden;   // (T, hidden) the MLP's activations: act(ln_2(x_mid)·c_fcᵀ + b)
  Matrix mlp_out;  // (T, n_embd) the MLP's output: hidden·c_projᵀ + b
  Matrix x_out;    // (T, n_embd) x_mid + mlp_out: the block's output, the next block's input
};

struct AttentionTrace {
  Matrix x;            // (T, n_embd) token embedding + position embedding
  Matrix x_ln;         // (T, n_embd) LayerNorm(x) or RMSNorm(x), the heads' input, or 0×0
  float scale = 1.0f;  // head_size^-0.5, as the lesson's C**-0.5 (the model's own; 1: --no-scale)
  bool causal = true;  // keys after the query were masked to −inf before softmax
  // > 0: a text longer than the model's context, run as the model reads it when it writes: query
  // i saw only the `window` keys ending at it, each row from its own pass (forward_sliding()).
  int window = 0;
  // The window is the layer's own sliding-window attention (Mistral, Gemma 2 and 3), one pass:
  // keys `window` or more before the query are masked.
  bool sliding = false;
  // (T, head_size / 2) each position's angle of each pair of q and k (pos · θⱼ), for a model with
  // rotary positions, kept with the scores; 0×0 otherwise
  Matrix angles;
  std::vector<HeadTrace> heads;  // one per head
  Matrix concat;  // (T, n_head·head_size) the heads' outputs side by side; 0×0 for one head
  Matrix out;     // (T, n_embd) the module's output: concat, or concat·projᵀ + bias

  Eigen::Index T() const { return x.rows(); }
  // True when the weight of query i on key j was masked: a future token, or one before the window.
  bool masked(Eigen::Index i, Eigen::Index j) const { return masked_cell(causal, window, i, j); }
};

}  // namespace attnviz
