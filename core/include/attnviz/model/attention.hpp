// Masked self-attention, exactly as the lesson's PyTorch SelfAttention computes it, in float32.
#pragma once

#include <vector>

#include "attnviz/model/trace.hpp"
#include "attnviz/model/weights.hpp"

namespace attnviz {

// x = token_embedding[ids] + position_embedding[0..T), shape (T, n_embd). ids index the vocab;
// T must not exceed the position table.
Matrix embed(const std::vector<int>& ids, const Weights& weights);
// The same from the two tables (a 0×0 position_embedding adds nothing): (T, n_embd).
Matrix embed(const std::vector<int>& ids, const Tensor& token_embedding,
             const Tensor& position_embedding);

struct AttentionOptions {
  bool causal = true;       // false: every token sees every other (bidirectional, as in BERT)
  bool scale = true;        // false: skip · head_size^-0.5, to show the softmax saturating
  bool keep_scores = true;  // false: no (T, T) q·kᵀ in the trace, only the weights (long texts)
};

// LayerNorm over each row of x (T, n_embd): (x - mean) / √(var + eps) · weight + bias, the
// variance biased as PyTorch's. weight, bias: (1, n_embd).
Matrix layer_norm(const Matrix& x, const Matrix& weight, const Matrix& bias, float eps = 1e-5f);

// Each row of x (T, n_embd) normalized as `norm` says (weights.hpp): layer_norm(), or RMSNorm
// x / √(mean(x²) + eps) times weight (or 1 + weight, Gemma's); bias only for LayerNorm.
Matrix normalize(const Matrix& x, Norm norm, const Matrix& weight, const Matrix& bias, float eps);

// When the weights carry a block's norm (nanoGPT's ln_1, Llama's input_layernorm), x is
// normalized first. Then for each head: q, k, v = x·Wqᵀ, x·Wkᵀ, x·Wvᵀ (+ biases, nanoGPT's
// c_attn); where the model has them, q and k normalized (q_norm, k_norm) and rotated to their
// positions 0 … T − 1; wei = q·kᵀ · head_size^-0.5 (or the model's scale, and Gemma 2's cap);
// future cells, and those before a sliding window, −inf when causal; softmax over each row;
// out = wei · v. Grouped heads share their group's k and v. The heads'
// outputs are joined side by side and, for MultiHeadAttention, projected: out = concat · projᵀ +
// bias. x: (T, n_embd).
AttentionTrace attend(Matrix x, const Weights& weights, const AttentionOptions& options);

// The keys and values of the tokens a model has read so far, per key/value head, for
// attend_next(): each new token costs one row of attention, not a pass over the whole text.
struct KvCache {
  std::vector<Matrix> keys, values;  // per k/v head (capacity, head_size); rows [0, rows) in use
  Eigen::Index rows = 0;             // tokens read
};

// attend() for one new token at the end of the text the cache holds, the mask causal: x is its
// (1, n_embd) row; its key and value are appended to the cache, and its query sees every key there,
// itself the last (at position rows, for the rotation). The trace holds that one row: x, x_ln, each
// head's q, k, v (1, head_size), weights (1, rows + 1) and out, and the module's output (1,
// n_embd); with keep_scores also the (1, rows + 1) scores.
AttentionTrace attend_next(Matrix x, const Weights& weights, KvCache& cache,
                           const AttentionOptions& options);

// Row-wise softmax of scale · scores with keys j > i excluded when causal (their weight is exactly
// 0). Stable: the row max is subtracted first, since softmax is shift-invariant and this keeps
// exp() finite. scores: (T, T).
Matrix masked_softmax(const Matrix& scores, float scale, bool causal);

}  // namespace attnviz
