// Embedding lookup and masked scaled dot-product attention: a causal kernel that computes only
// what the mask leaves (the lower triangle of q·kᵀ and of weights·v), block by block, with scale,
// mask and softmax fused in one pass over each row, in float32 throughout.
#include "attnviz/model/attention.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "attnviz/compute/compute.hpp"
#include "attnviz/compute/kernels.hpp"
#include "attnviz/error.hpp"
#include "compute/pages.hpp"

namespace attnviz {
namespace {

// Rows of q handled together: big enough for efficient matrix products, small enough that the
// square block on the diagonal, computed in full and half thrown away, costs little; a multiple
// of the products' 6-row tiles. Measured at T = 1024, n_embd 256, one thread: 96 rows took
// 10.7 ms on AVX2 and 6.1 on AVX-512, 128 rows 12.6 and 6.2, 64 rows 10.7 and 7.3.
constexpr Eigen::Index kBlockRows = 96;

// "head 2: q·kᵀ", naming a step in an overflow error.
Words head_step(int head, const char* step) {
  return Words(Err::HeadStep, {std::to_string(head), step});
}

[[noreturn]] void overflow(const Words& step, Eigen::Index i, Eigen::Index j) {
  throw Error(Err::Overflow, {step, std::to_string(i), std::to_string(j)});
}

// Finite weights can still overflow float32 in a product; name the first step that did.
void check_finite(const Matrix& m, const Words& step) {
  if (all_finite(m.data(), static_cast<size_t>(m.size()))) return;
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
      if (!std::isfinite(m(i, j))) overflow(step, i, j);
    }
  }
}

// weights = softmax(mask(q·kᵀ · scale)) and out = weights·v for one head, block row by block
// row: with the mask, block row [r0, r1) needs keys 0..r1 only, and the keys after are set to 0.
// (Eigen's triangular products for the diagonal block, measured, were slower than computing the
// block whole and dropping its upper half.)
void attend_head(HeadTrace& h, float scale, bool causal, int index) {
  const Eigen::Index T = h.q.rows();
  h.weights = square_on_huge_pages(T);  // (T, T), every entry written below
  h.out = Matrix(T, h.v.cols());        // (T, hs)
  for (Eigen::Index r0 = 0; r0 < T; r0 += kBlockRows) {
    const Eigen::Index rows = std::min(kBlockRows, T - r0);
    const Eigen::Index keys = causal ? r0 + rows : T;
    auto block = h.weights.block(r0, 0, rows, keys);  // (rows, keys)
    matmul(h.q.middleRows(r0, rows), h.k.topRows(keys), Operand::Transposed, block);
    for (Eigen::Index i = r0; i < r0 + rows; ++i) {
      const Eigen::Index seen = causal ? i + 1 : T;
      float* row = h.weights.row(i).data();
      if (!softmax_row(row, seen, scale)) {
        const Matrix scores = h.q.row(i) * h.k.topRows(seen).transpose();  // (1, seen)
        for (Eigen::Index j = 0; j < seen; ++j) {
          if (!std::isfinite(scores(0, j))) overflow(head_step(index, "q·kᵀ"), i, j);
        }
        overflow(head_step(index, "softmax"), i, 0);
      }
      std::fill(row + seen, row + T, 0.0f);  // future keys: masked, exactly 0
    }
    // (rows, keys) · (keys, hs): the zeros above the diagonal add nothing.
    matmul(block, h.v.topRows(keys), Operand::AsIs, h.out.middleRows(r0, rows));
  }
}

// One head's q, k, v = x·Wᵀ (+ biases): (T, C) · (C, hs) → (T, hs), each checked.
void project(const Matrix& input, const HeadWeights& w, Operand operand, int h, HeadTrace& head) {
  const Eigen::Index T = input.rows();
  const Eigen::Index hs = operand == Operand::Transposed ? w.query.rows() : w.query.cols();
  head.q = head.k = head.v = Matrix(T, hs);
  matmul(input, w.query, operand, head.q);
  matmul(input, w.key, operand, head.k);
  matmul(input, w.value, operand, head.v);
  if (w.has_bias()) {  // + (1, hs) broadcast over rows
    head.q.rowwise() += w.query_bias.row(0);
    head.k.rowwise() += w.key_bias.row(0);
    head.v.rowwise() += w.value_bias.row(0);
  }
  check_finite(head.q, head_step(h, "q = x·Wqᵀ"));
  check_finite(head.k, head_step(h, "k = x·Wkᵀ"));
  check_finite(head.v, head_step(h, "v = x·Wvᵀ"));
}

// The heads' outputs side by side and, for MultiHeadAttention, projected: (T, C).
void join_heads(const Weights& weights, AttentionTrace& trace) {
  const Eigen::Index T = trace.x.rows();
  const int n_head = weights.n_head();
  const Eigen::Index hs = weights.head_size();
  if (weights.multi_head()) {
    trace.concat = Matrix(T, n_head * hs);  // (T, H·hs)
    for (int h = 0; h < n_head; ++h) {
      trace.concat.middleCols(h * hs, hs) = trace.heads[static_cast<size_t>(h)].out;
    }
    // (T, H·hs) · (H·hs, C) + (1, C) broadcast over rows → (T, C)
    trace.out = Matrix(T, weights.n_embd);
    matmul(trace.concat, weights.proj_weight, weights.operand, trace.out);
    trace.out.rowwise() += weights.proj_bias.row(0);
  } else {
    trace.out = trace.heads.front().out;
  }
  check_finite(trace.out, Words(Err::TheOutput, {}));
}

}  // namespace

Matrix embed(const std::vector<int>& ids, const Weights& weights) {
  return embed(ids, weights.token_embedding, weights.position_embedding);
}

Matrix embed(const std::vector<int>& ids, const Tensor& token_embedding,
             const Tensor& position_embedding) {
  const auto T = static_cast<Eigen::Index>(ids.size());
  const bool positions = position_embedding.rows() > 0;
  if (positions && T > position_embedding.rows()) {
    throw Error(Err::Internal, {"embed() given more tokens than position_embedding has rows"});
  }
  Matrix x(T, token_embedding.cols());  // (T, n_embd)
  for (Eigen::Index t = 0; t < T; ++t) {
    x.row(t) = token_embedding.row(ids[static_cast<size_t>(t)]);
    if (positions) x.row(t) += position_embedding.row(t);
  }
  return x;
}

Matrix masked_softmax(const Matrix& scores, float scale, bool causal) {
  Matrix wei = scores;  // (T, T)
  for (Eigen::Index i = 0; i < wei.rows(); ++i) {
    const Eigen::Index seen = causal ? i + 1 : wei.cols();
    float* row = wei.row(i).data();
    softmax_row(row, seen, scale);
    std::fill(row + seen, row + wei.cols(), 0.0f);  // masked cells are exactly 0
  }
  return wei;
}

Matrix layer_norm(const Matrix& x, const Matrix& weight, const Matrix& bias, float eps) {
  Matrix out(x.rows(), x.cols());  // (T, n_embd)
  for (Eigen::Index t = 0; t < x.rows(); ++t) {
    const float mean = x.row(t).mean();
    const float variance = (x.row(t).array() - mean).square().mean();  // biased, as PyTorch
    const float inv_std = 1.0f / std::sqrt(variance + eps);
    out.row(t) = ((x.row(t).array() - mean) * inv_std * weight.row(0).array() + bias.row(0).array())
                     .matrix();
  }
  return out;
}

AttentionTrace attend(Matrix x_in, const Weights& weights, const AttentionOptions& options) {
  AttentionTrace trace;
  trace.x = std::move(x_in);
  const Matrix& x = trace.x;  // (T, n_embd)
  trace.causal = options.causal;
  check_finite(x, Words(Err::XEmbedding, {}));
  if (weights.has_layer_norm()) {
    trace.x_ln = layer_norm(x, weights.ln_weight, weights.ln_bias, weights.ln_eps);
    check_finite(trace.x_ln, "LayerNorm(x)");
  }
  const Matrix& input = weights.has_layer_norm() ? trace.x_ln : x;  // (T, C)
  const Eigen::Index T = x.rows();
  const int n_head = weights.n_head();
  const Eigen::Index hs = weights.head_size();
  trace.scale = options.scale ? static_cast<float>(std::pow(static_cast<double>(hs), -0.5)) : 1.0f;

  // The heads are independent: computed side by side when there are enough of them for every
  // thread, otherwise one by one with each product spread over the threads.
  trace.heads.resize(static_cast<size_t>(n_head));
  const auto one_head = [&](size_t index) {
    const int h = static_cast<int>(index);
    const HeadWeights& w = weights.heads[index];
    HeadTrace& head = trace.heads[index];
    project(input, w, weights.operand, h, head);
    if (options.keep_scores) {
      head.scores = Matrix(T, T);  // (T, T), the future included, for the trace
      matmul(head.q, head.k, Operand::Transposed, head.scores);
      check_finite(head.scores, head_step(h, "q·kᵀ"));
    }
    attend_head(head, trace.scale, options.causal, h);
    check_finite(head.out, head_step(h, "weights·v"));
  };
  if (n_head >= threads()) {
    parallel_for(trace.heads.size(), one_head);
  } else {
    for (size_t h = 0; h < trace.heads.size(); ++h) one_head(h);
  }
  join_heads(weights, trace);
  return trace;
}

AttentionTrace attend_next(Matrix x_in, const Weights& weights, KvCache& cache,
                           const AttentionOptions& options) {
  AttentionTrace trace;
  trace.x = std::move(x_in);
  trace.causal = true;
  const Matrix& x = trace.x;  // (1, n_embd)
  check_finite(x, Words(Err::XEmbedding, {}));
  if (weights.has_layer_norm()) {
    trace.x_ln = layer_norm(x, weights.ln_weight, weights.ln_bias, weights.ln_eps);
    check_finite(trace.x_ln, "LayerNorm(x)");
  }
  const Matrix& input = weights.has_layer_norm() ? trace.x_ln : x;  // (1, C)
  const Eigen::Index hs = weights.head_size();
  trace.scale = options.scale ? static_cast<float>(std::pow(static_cast<double>(hs), -0.5)) : 1.0f;
  const Eigen::Index n = cache.rows + 1;  // the keys the new query sees, itself the last
  if (cache.keys.empty()) {
    cache.keys.assign(weights.heads.size(), Matrix());
    cache.values.assign(weights.heads.size(), Matrix());
  }
  trace.heads.resize(weights.heads.size());
  for (size_t index = 0; index < weights.heads.size(); ++index) {
    const int h = static_cast<int>(index);
    HeadTrace& head = trace.heads[index];
    project(input, weights.heads[index], weights.operand, h, head);
    Matrix& keys = cache.keys[index];      // (capacity, hs), rows [0, n) in use
    Matrix& values = cache.values[index];  // the same
    if (keys.rows() < n) {                 // room for twice as many, the rows so far kept
      const Eigen::Index rows =
          std::max<Eigen::Index>(2 * keys.rows(), std::max<Eigen::Index>(n, 16));
      keys.conservativeResize(rows, hs);
      values.conservativeResize(rows, hs);
    }
    keys.row(n - 1) = head.k.row(0);
    values.row(n - 1) = head.v.row(0);
    // (1, hs) · (hs, n) → (1, n), then softmax over all n: nothing after the query exists yet.
    head.weights = Matrix(1, n);
    matmul(head.q, keys.topRows(n), Operand::Transposed, head.weights);
    if (options.keep_scores) head.scores = head.weights;  // (1, n) q·kᵀ
    if (!softmax_row(head.weights.data(), n, trace.scale)) {
      const Matrix scores = head.q * keys.topRows(n).transpose();  // (1, n)
      for (Eigen::Index j = 0; j < n; ++j) {
        if (!std::isfinite(scores(0, j))) overflow(head_step(h, "q·kᵀ"), n - 1, j);
      }
      overflow(head_step(h, "softmax"), n - 1, 0);
    }
    head.out = Matrix(1, hs);  // (1, n) · (n, hs) → (1, hs)
    matmul(head.weights, values.topRows(n), Operand::AsIs, head.out);
    check_finite(head.out, head_step(h, "weights·v"));
  }
  cache.rows = n;
  join_heads(weights, trace);
  return trace;
}

}  // namespace attnviz
