// Embedding lookup and masked scaled dot-product attention.
#include "attnviz/attention.hpp"

#include <cmath>
#include <limits>

#include "attnviz/error.hpp"

namespace attnviz {

Matrix embed(const std::vector<int>& ids, const Weights& weights) {
  const auto T = static_cast<Eigen::Index>(ids.size());
  if (weights.has_positions() && T > weights.position_embedding.rows()) {
    throw Error("internal: embed() given more tokens than position_embedding has rows");
  }
  Matrix x(T, weights.n_embd);  // (T, n_embd)
  for (Eigen::Index t = 0; t < T; ++t) {
    x.row(t) = weights.token_embedding.row(ids[static_cast<size_t>(t)]);
    if (weights.has_positions()) x.row(t) += weights.position_embedding.row(t);
  }
  return x;
}

Matrix masked_softmax(const Matrix& scores, float scale, bool causal) {
  const Eigen::Index T = scores.rows();
  Matrix wei = Matrix::Zero(T, scores.cols());  // (T, T); masked cells stay exactly 0
  for (Eigen::Index i = 0; i < T; ++i) {
    const Eigen::Index n_keys = causal ? i + 1 : scores.cols();
    float row_max = -std::numeric_limits<float>::infinity();
    for (Eigen::Index j = 0; j < n_keys; ++j) {
      wei(i, j) = scores(i, j) * scale;
      row_max = std::max(row_max, wei(i, j));
    }
    float sum = 0.0f;
    for (Eigen::Index j = 0; j < n_keys; ++j) {
      wei(i, j) = std::exp(wei(i, j) - row_max);
      sum += wei(i, j);
    }
    for (Eigen::Index j = 0; j < n_keys; ++j) wei(i, j) /= sum;
  }
  return wei;
}

Matrix layer_norm(const Matrix& x, const Matrix& weight, const Matrix& bias) {
  constexpr float kEps = 1e-5f;    // nn.LayerNorm's and nanoGPT's default
  Matrix out(x.rows(), x.cols());  // (T, n_embd)
  for (Eigen::Index t = 0; t < x.rows(); ++t) {
    const float mean = x.row(t).mean();
    const float variance = (x.row(t).array() - mean).square().mean();  // biased, as PyTorch
    const float inv_std = 1.0f / std::sqrt(variance + kEps);
    out.row(t) = ((x.row(t).array() - mean) * inv_std * weight.row(0).array() + bias.row(0).array())
                     .matrix();
  }
  return out;
}

AttentionTrace attend(const Matrix& x, const Weights& weights, const AttentionOptions& options) {
  AttentionTrace trace;
  trace.x = x;
  if (weights.has_layer_norm()) trace.x_ln = layer_norm(x, weights.ln_weight, weights.ln_bias);
  const Matrix& input = weights.has_layer_norm() ? trace.x_ln : x;  // (T, n_embd)
  trace.causal = options.causal;
  const auto head_size = static_cast<double>(weights.head_size());
  trace.scale = options.scale ? static_cast<float>(std::pow(head_size, -0.5)) : 1.0f;
  trace.concat = Matrix(x.rows(), weights.n_head() * weights.head_size());  // (T, H·hs)
  Eigen::Index column = 0;
  for (const HeadWeights& w : weights.heads) {
    HeadTrace h;
    h.q = input * w.query.transpose();  // (T, C) · (C, hs) → (T, hs)
    h.k = input * w.key.transpose();
    h.v = input * w.value.transpose();
    if (w.has_bias()) {  // + (1, hs) broadcast over rows
      h.q.rowwise() += w.query_bias.row(0);
      h.k.rowwise() += w.key_bias.row(0);
      h.v.rowwise() += w.value_bias.row(0);
    }
    h.scores = h.q * h.k.transpose();  // (T, hs) · (hs, T) → (T, T)
    h.weights = masked_softmax(h.scores, trace.scale, options.causal);
    h.out = h.weights * h.v;  // (T, T) · (T, hs) → (T, hs)
    trace.concat.middleCols(column, h.out.cols()) = h.out;
    column += h.out.cols();
    trace.heads.push_back(std::move(h));
  }
  if (weights.multi_head()) {
    // (T, H·hs) · (H·hs, C) + (1, C) broadcast over rows → (T, C)
    trace.out =
        (trace.concat * weights.proj_weight.transpose()).rowwise() + weights.proj_bias.row(0);
  } else {
    trace.out = trace.concat;
  }
  return trace;
}

}  // namespace attnviz
