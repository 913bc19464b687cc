// Weights: vocabulary lookup and PyTorch-style random initialization.
#include "attnviz/weights.hpp"

#include <algorithm>
#include <cmath>

#include "attnviz/error.hpp"
#include "attnviz/rng.hpp"

namespace attnviz {
namespace {

// U(-1/√fan_in, 1/√fan_in): nn.Linear's kaiming_uniform_(a=√5) for the weight, and its bias.
Matrix linear_uniform(Rng& rng, Eigen::Index out, Eigen::Index in) {
  Matrix m(out, in);
  const auto bound = static_cast<float>(1.0 / std::sqrt(static_cast<double>(in)));
  rng.fill_uniform(m, -bound, bound);
  return m;
}

void check_init(const RandomInit& init, int max_embd) {
  if (init.n_embd < 1 || init.n_embd > max_embd) {
    throw Error("n_embd is " + std::to_string(init.n_embd) + ", expected 1.." +
                std::to_string(max_embd) + " (--max-embd raises the limit)");
  }
  if (init.block_size < 1 || init.block_size > kMaxBlockSize) {
    throw Error("block_size is " + std::to_string(init.block_size) + ", expected 1.." +
                std::to_string(kMaxBlockSize));
  }
  if (init.n_head < 0 || init.n_head > init.n_embd ||
      (init.n_head > 0 && init.n_embd % init.n_head != 0)) {
    throw Error("n_head " + std::to_string(init.n_head) + " does not divide n_embd " +
                std::to_string(init.n_embd) + " (head_size = n_embd / n_head must be whole)");
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
  const Eigen::Index C = init.n_embd;
  Rng rng(init.seed);
  Weights w;
  w.n_embd = init.n_embd;
  w.block_size = init.block_size;
  w.vocab = vocab;
  w.token_embedding = Matrix(static_cast<Eigen::Index>(vocab.size()), C);
  rng.fill_normal(w.token_embedding);
  if (init.positions) {
    w.position_embedding = Matrix(init.block_size, C);
    rng.fill_normal(w.position_embedding);
  }
  const int n_head = std::max(init.n_head, 1);
  const Eigen::Index head_size = C / n_head;
  for (int h = 0; h < n_head; ++h) {
    HeadWeights head;
    head.key = linear_uniform(rng, head_size, C);  // the lesson creates key, query, value
    head.query = linear_uniform(rng, head_size, C);
    head.value = linear_uniform(rng, head_size, C);
    w.heads.push_back(std::move(head));
  }
  if (init.n_head > 0) {
    w.proj_weight = linear_uniform(rng, C, C);
    w.proj_bias = linear_uniform(rng, 1, C);  // bias bound is 1/√fan_in too
  }
  return w;
}

}  // namespace attnviz
