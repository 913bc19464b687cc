// Parts of a transformer's pass that forward(), forward_sliding() and generate() share.
#pragma once

#include "attnviz/model/transformer.hpp"

namespace attnviz {

// The second half of a block: x += mlp(ln_2(x)) on x (rows, n_embd). trace.x_out is the result;
// with `keep` also x_mid (x before), hidden and mlp_out.
void mlp_residual(const Transformer& model, const Block& block, Matrix& x, BlockTrace& trace,
                  bool keep);

// ln_f(x)·lm_headᵀ (+ bias): (rows, n_embd) → (rows, vocab), the next-token scores.
Matrix next_token_logits(const Transformer& model, const Matrix& x);

// Row `from` of every matrix a layer's rows are put together from (x, x_ln, out, x_out, each
// head's q and out), copied into row `to` of `whole` (T rows, allocated on the first call); the
// weights of that row go to columns [first, first + their count) of whole's (T, T).
void take_row(const LayerTrace& from_layer, Eigen::Index from, Eigen::Index to, Eigen::Index first,
              Eigen::Index T, LayerTrace& whole);

// Row `row` of a pass's layer (kept with keep_scores and keep_blocks) as StepTrace holds it: that
// row of every (T, ·) matrix, its scores and weights over keys 0 … row, and every key's k and v.
LayerTrace query_row(const LayerTrace& layer, Eigen::Index row);

}  // namespace attnviz
