// Parts of a transformer's pass that forward(), forward_sliding() and generate() share.
#pragma once

#include "attnviz/model/transformer.hpp"

namespace attnviz {

// x (T, n_embd) for ids read from position `first` on: token_embedding[ids] plus their rows of
// the position table if the model has one, times embed_scale if it has one.
Matrix embed(const Transformer& model, const std::vector<int>& ids, Eigen::Index first);

// x += the attention's output (T, n_embd), normalized first where the block says (Gemma 2, 3).
void attention_residual(const Block& block, const Transformer& model, const Matrix& out, Matrix& x);

// The second half of a block: x += mlp(ln_2(x)) on x (rows, n_embd). trace.x_out is the result;
// with `keep` also x_mid (x before), hidden and mlp_out.
void mlp_residual(const Transformer& model, const Block& block, Matrix& x, BlockTrace& trace,
                  bool keep);

// ln_f(x): (rows, n_embd) → (rows, n_embd).
Matrix final_norm(const Transformer& model, const ConstMatrixRef& x);

// The final soft-cap, in place, where the model has one (Gemma 2): (rows, vocab).
void cap_logits(const Transformer& model, MatrixRef logits);

// ln_f(x)·lm_headᵀ (+ bias), capped: (rows, n_embd) → (rows, vocab), the next-token scores.
Matrix next_token_logits(const Transformer& model, const Matrix& x);

// Row `from` of every matrix a layer's rows are put together from (x, x_ln, out, x_out, each
// head's q and out), copied into row `to` of `whole` (T rows, allocated on the first call); the
// weights of that row go to columns [first, first + their count) of whole's (T, T).
void take_row(const LayerTrace& from_layer, Eigen::Index from, Eigen::Index to, Eigen::Index first,
              Eigen::Index T, LayerTrace& whole);

// The mask of a layer put together from rows: a sliding-window layer's own window, and a text
// longer than the context (T > B) its crop, whichever is narrower; `sliding` says which it is.
void set_window(AttentionTrace& trace, const Weights& layer, Eigen::Index T, Eigen::Index B);

// Row `row` of a pass's layer (kept with keep_scores and keep_blocks) as StepTrace holds it: that
// row of every (T, ·) matrix, its scores and weights over keys 0 … row, and every key's k and v.
LayerTrace query_row(const LayerTrace& layer, Eigen::Index row);

}  // namespace attnviz
