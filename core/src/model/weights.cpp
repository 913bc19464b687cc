// Weights: vocabulary lookup and PyTorch-style random initialization.
#include "attnviz/model/weights.hpp"

#include <algorithm>
#include <cmath>

#include "attnviz/error.hpp"

namespace attnviz {
namespace {

// nn.Linear(in, out, bias): weight (out, in) by kaiming_uniform_(a=√5), then the bias.
Matrix linear_weight(TorchGenerator& g, Eigen::Index out, Eigen::Index in) {
  Matrix m(out, in);
  const double bound = kaiming_uniform_bound(in);
  g.uniform(m, -bound, bound);
  return m;
}

Matrix linear_bias(TorchGenerator& g, Eigen::Index out, Eigen::Index in) {
  Matrix m(1, out);
  const double bound = linear_bias_bound(in);
  g.uniform(m, -bound, bound);
  return m;
}

void check_init(const RandomInit& init, int max_embd) {
  if (init.n_embd < 1 || init.n_embd > max_embd) {
    throw Error(Err::NEmbdRange, {std::to_string(init.n_embd), std::to_string(max_embd)});
  }
  if (init.block_size < 1 || init.block_size > kMaxBlockSize) {
    throw Error(Err::BlockSizeRange,
                {std::to_string(init.block_size), std::to_string(kMaxBlockSize)});
  }
  if (init.n_head < 0 || init.n_head > init.n_embd ||
      (init.n_head > 0 && init.n_embd % init.n_head != 0)) {
    throw Error(Err::NHeadNotDivide, {std::to_string(init.n_head), std::to_string(init.n_embd)});
  }
}

// SelfAttention(C, block_size), or MultiHeadAttention(H, C / H): the lesson creates key, query,
// value in that order; Head does too, and MultiHeadAttention creates proj after its heads.
void draw_module(TorchGenerator& g, const RandomInit& init, Weights& w) {
  const Eigen::Index C = init.n_embd;
  const int n_head = std::max(init.n_head, 1);
  const Eigen::Index head_size = C / n_head;
  for (int h = 0; h < n_head; ++h) {
    HeadWeights head;
    head.key = linear_weight(g, head_size, C);
    head.query = linear_weight(g, head_size, C);
    head.value = linear_weight(g, head_size, C);
    w.heads.push_back(std::move(head));
  }
  if (init.n_head > 0) {
    w.proj_weight = linear_weight(g, C, C);
    w.proj_bias = linear_bias(g, C, C);
  }
}

}  // namespace

int Weights::token_id(std::string_view token) const {
  const auto it = std::find(vocab.begin(), vocab.end(), token);
  return it == vocab.end() ? -1 : static_cast<int>(it - vocab.begin());
}

Weights random_weights(const std::vector<std::string>& vocab, const RandomInit& init,
                       int max_embd) {
  check_init(init, max_embd);
  TorchGenerator g(init.seed, init.cpu);
  Weights w;
  w.n_embd = init.n_embd;
  w.block_size = init.block_size;
  w.vocab = vocab;
  Matrix token_embedding(static_cast<Eigen::Index>(vocab.size()), init.n_embd);
  g.normal(token_embedding);
  w.token_embedding = std::move(token_embedding);
  if (init.positions) {
    Matrix position_embedding(init.block_size, init.n_embd);
    g.normal(position_embedding);
    w.position_embedding = std::move(position_embedding);
  }
  draw_module(g, init, w);
  return w;
}

RandnInput random_input(int T, const RandomInit& init, int max_embd) {
  check_init(init, max_embd);
  TorchGenerator g(init.seed, init.cpu);
  RandnInput r;
  r.x = Matrix(T, init.n_embd);  // (T, n_embd)
  g.normal(r.x);
  r.weights.n_embd = init.n_embd;
  r.weights.block_size = init.block_size;
  draw_module(g, init, r.weights);
  return r;
}

Matrix randn_x(int T, int n_embd, const RandomInit& init) {
  TorchGenerator g(init.seed, init.cpu);
  Matrix x(T, n_embd);  // (T, n_embd)
  g.normal(x);
  return x;
}

}  // namespace attnviz
