// Next-token guesses and attention rollout from a forward pass.
#include "attnviz/model/analysis.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <numeric>

#include "attnviz/compute/compute.hpp"
#include "attnviz/compute/kernels.hpp"

namespace attnviz {

std::vector<std::vector<Prediction>> top_predictions(const Matrix& logits, int k) {
  std::vector<std::vector<Prediction>> out;
  const Eigen::Index V = logits.cols();
  k = static_cast<int>(std::min<Eigen::Index>(k, V));
  Eigen::RowVectorXf p(V);
  for (Eigen::Index t = 0; t < logits.rows(); ++t) {
    // softmax: the row max subtracted first, so exp() stays finite.
    const auto row = logits.row(t);
    p = (row.array() - row.maxCoeff()).exp();
    p /= p.sum();
    // One pass keeping the k best, best first. Ties go to the lower id, as torch.topk on CPU
    // returns them: ids come in ascending order and only a strictly greater p moves ahead.
    std::vector<Prediction> top;
    top.reserve(static_cast<size_t>(k) + 1);
    for (Eigen::Index id = 0; id < V && k > 0; ++id) {
      const float pi = p(id);
      if (static_cast<int>(top.size()) == k && !(pi > top.back().p)) continue;
      auto at = top.end();
      while (at != top.begin() && pi > (at - 1)->p) --at;
      top.insert(at, {static_cast<int>(id), pi});
      if (static_cast<int>(top.size()) > k) top.pop_back();
    }
    out.push_back(std::move(top));
  }
  return out;
}

NextTokens::NextTokens(Eigen::Index T, int k, int candidates)
    : k_(k), candidates_(candidates > 0 ? candidates : INT_MAX), rows_(static_cast<size_t>(T)) {}

void NextTokens::add(const Eigen::Ref<const Matrix, 0, Eigen::OuterStride<>>& logits, int first) {
  parallel_for((rows_.size() + 15) / 16, [&](size_t block) {
    const size_t end = std::min(rows_.size(), block * 16 + 16);
    for (size_t t = block * 16; t < end; ++t) {
      Row& r = rows_[t];
      const auto row = logits.row(static_cast<Eigen::Index>(t));
      const float max = std::max(r.max, row.maxCoeff());
      r.sum =
          (r.max == max ? r.sum : r.sum * std::exp(r.max - max)) + (row.array() - max).exp().sum();
      r.max = max;
      const Eigen::Index guessed = std::clamp<Eigen::Index>(candidates_ - first, 0, row.size());
      for (Eigen::Index j = 0; j < guessed; ++j) {
        const float logit = row(j);
        if (static_cast<int>(r.best.size()) == k_ && !(logit > r.best.back().first)) continue;
        auto at = r.best.end();
        while (at != r.best.begin() && logit > (at - 1)->first) --at;
        r.best.insert(at, {logit, first + static_cast<int>(j)});
        if (static_cast<int>(r.best.size()) > k_) r.best.pop_back();
      }
    }
  });
}

std::vector<std::vector<Prediction>> NextTokens::result() const {
  std::vector<std::vector<Prediction>> out;
  for (size_t t = 0; t < rows_.size(); ++t) {
    std::vector<Prediction> top;
    for (const auto& [logit, id] : rows_[t].best)
      top.push_back({id, probability(static_cast<Eigen::Index>(t), logit)});
    out.push_back(std::move(top));
  }
  return out;
}

float NextTokens::probability(Eigen::Index t, float logit) const {
  const Row& r = rows_[static_cast<size_t>(t)];
  return std::exp(logit - r.max) / r.sum;
}

Matrix head_mean(const AttentionTrace& layer) {
  Matrix mean = Matrix::Zero(layer.T(), layer.T());  // (T, T)
  for (const HeadTrace& h : layer.heads) mean += h.weights;
  return mean / static_cast<float>(layer.heads.size());
}

void rollout_step(Matrix& rollout, const AttentionTrace& layer) {
  const Eigen::Index T = layer.T();
  Matrix a = 0.5f * head_mean(layer) + 0.5f * Matrix::Identity(T, T);  // (T, T)
  a = a.array().colwise() / a.rowwise().sum().array();                 // each row sums to 1 again
  if (rollout.size() == 0) {
    rollout = std::move(a);
    return;
  }
  Matrix next(T, T);  // Â_l · rollout
  matmul(a, rollout, Operand::AsIs, next);
  rollout = std::move(next);
}

Matrix attention_rollout(const std::vector<const AttentionTrace*>& layers) {
  Matrix rollout;
  for (const AttentionTrace* layer : layers) rollout_step(rollout, *layer);
  return rollout;
}

}  // namespace attnviz
