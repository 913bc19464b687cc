// Embedding lookup and masked scaled dot-product attention: a causal kernel that computes only
// what the mask leaves (the lower triangle of q·kᵀ and of weights·v), block by block, with scale,
// mask and softmax fused in one pass over each row, in float32 throughout.
#include "attnviz/model/attention.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
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

// How one head turns a row of scores into weights: scale, Gemma 2's cap, and the keys a query
// sees (the causal mask and a sliding window).
struct RowRule {
  float scale = 1.0f;
  float softcap = 0.0f;  // > 0: cap · tanh(scale · score / cap), then softmax unscaled
  bool causal = true;
  int window = 0;

  // The first key query i sees.
  Eigen::Index first_key(Eigen::Index i) const {
    return causal && window > 0 ? std::max<Eigen::Index>(0, i - window + 1) : 0;
  }
  // Turns row[0, n) of scores into query i's weights over n keys: the keys it does not see are
  // exactly 0. False when a score is not finite.
  bool apply(float* row, Eigen::Index i, Eigen::Index n) const {
    const Eigen::Index first = first_key(i), seen = causal ? std::min(n, i + 1) : n;
    float s = scale;
    if (softcap > 0.0f) {  // as Gemma 2's eager attention: (scores · scale) / cap, tanh, · cap
      for (Eigen::Index j = first; j < seen; ++j) {
        row[j] = std::tanh(row[j] * scale / softcap) * softcap;
      }
      s = 1.0f;
    }
    const bool ok = softmax_row(row + first, seen - first, s);
    std::fill(row, row + first, 0.0f);     // keys before the window: masked, exactly 0
    std::fill(row + seen, row + n, 0.0f);  // future keys: masked, exactly 0
    return ok;
  }
};

// Names the first of query i's scores that is not finite (q·kᵀ overflowed), else the softmax.
// q: (1, hs) the query's row; keys: (n, hs).
[[noreturn]] void row_overflow(const ConstMatrixRef& q, const ConstMatrixRef& keys, Eigen::Index i,
                               int index) {
  const Matrix scores = q * keys.transpose();  // (1, n)
  for (Eigen::Index j = 0; j < keys.rows(); ++j) {
    if (!std::isfinite(scores(0, j))) overflow(head_step(index, "q·kᵀ"), i, j);
  }
  overflow(head_step(index, "softmax"), i, 0);
}

// weights = softmax(mask(q·kᵀ · scale)) and out = weights·v for one head, block row by block
// row: with the mask, block row [r0, r1) needs keys 0..r1 only, and the keys after are set to 0.
// (Eigen's triangular products for the diagonal block, measured, were slower than computing the
// block whole and dropping its upper half.)
void attend_head(HeadTrace& h, const RowRule& rule, int index) {
  const Eigen::Index T = h.q.rows();
  h.weights = square_on_huge_pages(T);  // (T, T), every entry written below
  h.out = Matrix(T, h.v.cols());        // (T, hs)
  for (Eigen::Index r0 = 0; r0 < T; r0 += kBlockRows) {
    const Eigen::Index rows = std::min(kBlockRows, T - r0);
    const Eigen::Index keys = rule.causal ? r0 + rows : T;
    auto block = h.weights.block(r0, 0, rows, keys);  // (rows, keys)
    matmul(h.q.middleRows(r0, rows), h.k.topRows(keys), Operand::Transposed, block);
    for (Eigen::Index i = r0; i < r0 + rows; ++i) {
      if (!rule.apply(h.weights.row(i).data(), i, T)) {
        row_overflow(h.q.row(i), h.k.topRows(keys), i, index);
      }
    }
    // (rows, keys) · (keys, hs): the zeros above the diagonal add nothing.
    matmul(block, h.v.topRows(keys), Operand::AsIs, h.out.middleRows(r0, rows));
  }
}

// Each row of x (rows, d) divided by its root mean square, then weighted as `norm` says:
// Llama's and Gemma's RMSNorm of x, and of each head's q and k in Qwen 3 and Gemma 3.
void rms_norm_rows(MatrixRef x, Norm norm, const Matrix& weight, float eps) {
  for (Eigen::Index t = 0; t < x.rows(); ++t) {
    double sum = 0.0;  // mean(x²) in float32, its sum rounded once
    for (Eigen::Index j = 0; j < x.cols(); ++j) sum += double(x(t, j)) * double(x(t, j));
    const float variance = static_cast<float>(sum) / static_cast<float>(x.cols());
    const float inv_rms = 1.0f / std::sqrt(variance + eps);
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      const float n = x(t, j) * inv_rms;
      x(t, j) = norm == Norm::RmsNormPlusOne ? n * (1.0f + weight(0, j)) : weight(0, j) * n;
    }
  }
}

// The turn of every pair at rows' positions: angles (rows, d/2) = pos · inv_freq[j] in float32
// (as freqs = inv_freq @ positions), with cos · scaling and sin · scaling of each.
struct Turns {
  Matrix angles, cos, sin;  // (rows, d/2) each
};

Turns turns_of(const Rotary& rotary, Eigen::Index first, Eigen::Index rows) {
  const Eigen::Index half = rotary.inv_freq.cols();
  Turns t{Matrix(rows, half), Matrix(rows, half), Matrix(rows, half)};
  for (Eigen::Index r = 0; r < rows; ++r) {
    const auto pos = static_cast<float>(first + r);
    for (Eigen::Index j = 0; j < half; ++j) {
      const float angle = rotary.inv_freq(0, j) * pos;
      t.angles(r, j) = angle;
      t.cos(r, j) = std::cos(angle) * rotary.attention_scaling;
      t.sin(r, j) = std::sin(angle) * rotary.attention_scaling;
    }
  }
  return t;
}

// Hugging Face's apply_rotary_pos_emb on x (rows, d): for j < d/2, with c and s the row's turn of
// pair j, x'[j] = x[j]·c + (−x[j + d/2])·s and x'[j + d/2] = x[j + d/2]·c + x[j]·s.
void rotate(MatrixRef x, const Turns& turns) {
  const Eigen::Index half = turns.cos.cols();
  for (Eigen::Index t = 0; t < x.rows(); ++t) {
    float* row = x.row(t).data();
    for (Eigen::Index j = 0; j < half; ++j) {
      const float c = turns.cos(t, j), s = turns.sin(t, j);
      const float a = row[j], b = row[j + half];
      row[j] = a * c + (-b) * s;
      row[j + half] = b * c + a * s;
    }
  }
}

// Every head's q, k and v from x (T, C) by the joined products, side by side in their order:
// (T, (n_head + 2·n_kv)·hs), as Weights::joined describes; no columns when it is empty.
Matrix joined_product(const Matrix& input, const Weights& w) {
  const auto width = [&](const Tensor& m) {
    return w.operand == Operand::Transposed ? m.rows() : m.cols();
  };
  Eigen::Index columns = 0;
  for (const Tensor& m : w.joined) columns += width(m);
  Matrix y(input.rows(), columns);
  Eigen::Index at = 0;
  for (const Tensor& m : w.joined) {
    matmul_weight(input, m, w.operand, y.middleCols(at, width(m)));  // (T, C) · (C, width)
    at += width(m);
  }
  return y;
}

// Head h's q — and its k and v, unless another head of its group computes them — from x (T, C):
// x·Wᵀ (+ biases), each checked, or their columns of `joined` (joined_product's) when it has any;
// then, where the model has them, q and k normalized and turned by `turns` (their rows'
// positions). With keep_raw, q and k before the rotation are kept.
void project(const Matrix& input, const Matrix& joined, const Weights& w, int h, const Turns& turns,
             bool keep_raw, HeadTrace& head) {
  const HeadWeights& hw = w.heads[static_cast<size_t>(h)];
  const Eigen::Index hs = w.head_size(), n_q = w.n_head() * hs;
  const Eigen::Index n_kv = w.n_head() / w.kv_group() * hs, kv = w.kv_head(h) * hs;
  // (T, C) · (C, hs) (+ (1, hs) broadcast over rows) → (T, hs)
  const auto product = [&](const Tensor& weight, const Matrix& bias, Eigen::Index column,
                           const char* step) {
    Matrix y;
    if (joined.size() > 0) {
      y = joined.middleCols(column, hs);
    } else {
      y = Matrix(input.rows(), hs);
      matmul_weight(input, weight, w.operand, y);
    }
    if (bias.size() > 0) y.rowwise() += bias.row(0);
    check_finite(y, head_step(h, step));
    return y;
  };
  const bool shaped = w.rotary.on() || w.q_norm.size() > 0;
  const auto finish = [&](Matrix& m, Matrix& raw, const Matrix& norm_weight) {
    if (norm_weight.size() > 0) rms_norm_rows(m, w.norm, norm_weight, w.ln_eps);
    if (keep_raw && shaped) raw = m;
    if (w.rotary.on()) rotate(m, turns);
  };
  head.q = product(hw.query, hw.query_bias, h * hs, "q = x·Wqᵀ");
  finish(head.q, head.q_raw, w.q_norm);
  if (!w.computes_kv(h)) return;
  head.k = product(hw.key, hw.key_bias, n_q + kv, "k = x·Wkᵀ");
  finish(head.k, head.k_raw, w.k_norm);
  head.v = product(hw.value, hw.value_bias, n_q + n_kv + kv, "v = x·Wvᵀ");
}

// The scale of the module's scores: head_size^-0.5, the model's own, or 1 with --no-scale.
float scale_of(const Weights& w, const AttentionOptions& options) {
  if (!options.scale) return 1.0f;
  if (w.attn_scale > 0.0f) return w.attn_scale;
  return static_cast<float>(std::pow(static_cast<double>(w.head_size()), -0.5));
}

// The block's input as the heads take it: x normalized when the module has its block's norm.
void normalize_input(const Weights& weights, AttentionTrace& trace) {
  if (!weights.has_layer_norm()) return;
  trace.x_ln = normalize(trace.x, weights.norm, weights.ln_weight, weights.ln_bias, weights.ln_eps);
  check_finite(trace.x_ln, weights.norm == Norm::LayerNorm ? "LayerNorm(x)" : "RMSNorm(x)");
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
    matmul_weight(trace.concat, weights.proj_weight, weights.operand, trace.out);
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
  Matrix x(T, token_embedding.cols());         // (T, n_embd)
  Matrix position(1, token_embedding.cols());  // (1, n_embd): row t of the table, unpacked
  for (Eigen::Index t = 0; t < T; ++t) {
    token_embedding.row_into(ids[static_cast<size_t>(t)], x.row(t).data());
    if (!positions) continue;
    position_embedding.row_into(t, position.data());
    x.row(t) += position;
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

Matrix normalize(const Matrix& x, Norm norm, const Matrix& weight, const Matrix& bias, float eps) {
  if (norm == Norm::LayerNorm) return layer_norm(x, weight, bias, eps);
  Matrix out = x;  // (T, n_embd)
  rms_norm_rows(out, norm, weight, eps);
  return out;
}

AttentionTrace attend(Matrix x_in, const Weights& weights, const AttentionOptions& options) {
  AttentionTrace trace;
  trace.x = std::move(x_in);
  trace.causal = options.causal;
  trace.window = weights.window;
  trace.sliding = weights.window > 0;
  check_finite(trace.x, Words(Err::XEmbedding, {}));
  normalize_input(weights, trace);
  const Matrix& input = weights.has_layer_norm() ? trace.x_ln : trace.x;  // (T, C)
  const Eigen::Index T = trace.x.rows();
  trace.scale = scale_of(weights, options);
  const RowRule rule{trace.scale, weights.softcap, options.causal, weights.window};

  // The heads are independent: computed side by side when there are enough of them for every
  // thread, otherwise one by one with each product spread over the threads. Each group's k and v
  // (grouped-query attention) are computed by its first head, then given to the others.
  trace.heads.resize(weights.heads.size());
  const auto each_head = [&](const std::function<void(size_t)>& f) {
    if (weights.n_head() >= threads()) {
      parallel_for(trace.heads.size(), f);
    } else {
      for (size_t h = 0; h < trace.heads.size(); ++h) f(h);
    }
  };
  Turns turns = weights.rotary.on() ? turns_of(weights.rotary, 0, T) : Turns{};
  {
    const Matrix joined = joined_product(input, weights);  // (T, (n_head + 2·n_kv)·hs)
    each_head([&](size_t h) {
      project(input, joined, weights, static_cast<int>(h), turns, options.keep_scores,
              trace.heads[h]);
    });
  }
  if (options.keep_scores) trace.angles = std::move(turns.angles);
  each_head([&](size_t index) {
    const int h = static_cast<int>(index);
    HeadTrace& head = trace.heads[index];
    if (!weights.computes_kv(h)) {
      const HeadTrace& first = trace.heads[static_cast<size_t>(weights.kv_first(h))];
      head.k = first.k;
      head.v = first.v;
      head.k_raw = first.k_raw;
    }
    if (options.keep_scores) {
      head.scores = Matrix(T, T);  // (T, T), the future included, for the trace
      matmul(head.q, head.k, Operand::Transposed, head.scores);
      check_finite(head.scores, head_step(h, "q·kᵀ"));
    }
    attend_head(head, rule, h);
    check_finite(head.out, head_step(h, "weights·v"));
  });
  join_heads(weights, trace);
  return trace;
}

AttentionTrace attend_next(Matrix x_in, const Weights& weights, KvCache& cache,
                           const AttentionOptions& options) {
  AttentionTrace trace;
  trace.x = std::move(x_in);
  trace.causal = true;
  trace.window = weights.window;
  trace.sliding = weights.window > 0;
  check_finite(trace.x, Words(Err::XEmbedding, {}));
  normalize_input(weights, trace);
  const Matrix& input = weights.has_layer_norm() ? trace.x_ln : trace.x;  // (1, C)
  const Eigen::Index hs = weights.head_size();
  trace.scale = scale_of(weights, options);
  const RowRule rule{trace.scale, weights.softcap, true, weights.window};
  const Eigen::Index n = cache.rows + 1;  // the keys the new query sees, itself the last
  const size_t n_kv =
      static_cast<size_t>(weights.n_kv_head > 0 ? weights.n_kv_head : weights.n_head());
  if (cache.keys.empty()) {
    cache.keys.assign(n_kv, Matrix());
    cache.values.assign(n_kv, Matrix());
  }
  trace.heads.resize(weights.heads.size());
  Turns turns = weights.rotary.on() ? turns_of(weights.rotary, cache.rows, 1) : Turns{};
  const Matrix joined = joined_product(input, weights);  // (1, (n_head + 2·n_kv)·hs)
  for (size_t index = 0; index < weights.heads.size(); ++index) {
    const int h = static_cast<int>(index);
    HeadTrace& head = trace.heads[index];
    project(input, joined, weights, h, turns, options.keep_scores, head);
    const auto kv = static_cast<size_t>(weights.kv_head(h));
    Matrix& keys = cache.keys[kv];      // (capacity, hs), rows [0, n) in use
    Matrix& values = cache.values[kv];  // the same
    if (weights.computes_kv(h)) {
      if (keys.rows() < n) {  // room for twice as many, the rows so far kept
        const Eigen::Index rows =
            std::max<Eigen::Index>(2 * keys.rows(), std::max<Eigen::Index>(n, 16));
        keys.conservativeResize(rows, hs);
        values.conservativeResize(rows, hs);
      }
      keys.row(n - 1) = head.k.row(0);
      values.row(n - 1) = head.v.row(0);
    } else {
      const HeadTrace& first = trace.heads[static_cast<size_t>(weights.kv_first(h))];
      head.k = first.k;
      head.v = first.v;
      head.k_raw = first.k_raw;
    }
    // (1, hs) · (hs, n) → (1, n): nothing after the query exists yet.
    head.weights = Matrix(1, n);
    matmul(head.q, keys.topRows(n), Operand::Transposed, head.weights);
    if (options.keep_scores) head.scores = head.weights;  // (1, n) q·kᵀ
    if (!rule.apply(head.weights.data(), n - 1, n)) row_overflow(head.q, keys.topRows(n), n - 1, h);
    head.out = Matrix(1, hs);  // (1, n) · (n, hs) → (1, hs)
    matmul(head.weights, values.topRows(n), Operand::AsIs, head.out);
    check_finite(head.out, head_step(h, "weights·v"));
  }
  if (options.keep_scores) trace.angles = std::move(turns.angles);
  cache.rows = n;
  join_heads(weights, trace);
  return trace;
}

}  // namespace attnviz
