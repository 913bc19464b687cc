// Next-token guesses and attention rollout from a forward pass.
#include "attnviz/model/analysis.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace attnviz {

std::vector<std::vector<Prediction>> top_predictions(const Matrix& logits, int k) {
  std::vector<std::vector<Prediction>> out;
  const auto V = static_cast<int>(logits.cols());
  k = std::min(k, V);
  std::vector<int> order(static_cast<size_t>(V));
  for (Eigen::Index t = 0; t < logits.rows(); ++t) {
    // softmax: the row max subtracted first, so exp() stays finite.
    const Eigen::RowVectorXf row = logits.row(t);
    const Eigen::RowVectorXf e = (row.array() - row.maxCoeff()).exp();
    const Eigen::RowVectorXf p = e / e.sum();
    std::iota(order.begin(), order.end(), 0);
    // Ties go to the lower id, as torch.topk on CPU returns them.
    std::partial_sort(order.begin(), order.begin() + k, order.end(),
                      [&](int a, int b) { return p(a) != p(b) ? p(a) > p(b) : a < b; });
    std::vector<Prediction> top;
    for (int i = 0; i < k; ++i)
      top.push_back({order[static_cast<size_t>(i)], p(order[static_cast<size_t>(i)])});
    out.push_back(std::move(top));
  }
  return out;
}

Matrix attention_rollout(const std::vector<const AttentionTrace*>& layers) {
  Matrix rollout;
  for (const AttentionTrace* layer : layers) {
    const Eigen::Index T = layer->T();
    Matrix a = Matrix::Zero(T, T);  // (T, T): the mean over heads
    for (const HeadTrace& h : layer->heads) a += h.weights;
    a /= static_cast<float>(layer->heads.size());
    a = 0.5f * a + 0.5f * Matrix::Identity(T, T);
    a = a.array().colwise() / a.rowwise().sum().array();  // each row sums to 1 again
    rollout = rollout.size() == 0 ? a : Matrix(a * rollout);
  }
  return rollout;
}

}  // namespace attnviz
