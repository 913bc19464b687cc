// What a whole model's forward pass says beyond each head: its next-token guesses, and attention
// rollout through all the layers.
#pragma once

#include <limits>
#include <utility>
#include <vector>

#include "attnviz/matrix.hpp"
#include "attnviz/model/trace.hpp"

namespace attnviz {

struct Prediction {
  int id = 0;   // the token's row in the vocabulary
  float p = 0;  // its probability: softmax of the position's logits
};

// For each position (row of logits (T, vocab)), the k most probable next tokens, most probable
// first, as torch.topk(F.softmax(logits, dim=-1), k) orders them.
std::vector<std::vector<Prediction>> top_predictions(const Matrix& logits, int k);

// The same guesses from the logits a slab of vocabulary columns at a time, so (T, vocab) logits
// never exist at once: each row keeps a running max, a running sum of exp (rescaled when the max
// grows) and its k largest logits. Ranked by logit (softmax keeps the order); ties go to the
// lower id.
class NextTokens {
 public:
  // Ids from `candidates` on are in the softmax's sum but never among the k (0: all ids may be).
  NextTokens(Eigen::Index T, int k, int candidates = 0);
  // logits (T, n) of the vocabulary ids [first, first + n), slabs in ascending order.
  void add(const Eigen::Ref<const Matrix, 0, Eigen::OuterStride<>>& logits, int first);
  std::vector<std::vector<Prediction>> result() const;
  // Row t's probability of a token with this logit (one of the row's, once every slab is in).
  float probability(Eigen::Index t, float logit) const;

 private:
  struct Row {
    float max = -std::numeric_limits<float>::infinity();
    float sum = 0;                            // Σ exp(logit - max) so far
    std::vector<std::pair<float, int>> best;  // (logit, id), largest first
  };
  int k_;
  int candidates_;
  std::vector<Row> rows_;
};

// The mean over a layer's heads: (T, T), Σ_h weights_h / n_head in float32, head by head.
Matrix head_mean(const AttentionTrace& layer);

// Attention rollout (Abnar & Zuidema, 2020): how much each position draws on each input token
// through every layer, with the residual connection counted as attention to itself.
// Â_l = ½·mean over heads(A_l) + ½·I, rows renormalized; rollout = Â_L ⋯ Â_2 · Â_1. (T, T).
Matrix attention_rollout(const std::vector<const AttentionTrace*>& layers);
// One layer more: rollout = Â_layer · rollout (an empty rollout starts as Â_layer), so a forward
// pass can roll out as it goes without keeping every layer.
void rollout_step(Matrix& rollout, const AttentionTrace& layer);

}  // namespace attnviz
