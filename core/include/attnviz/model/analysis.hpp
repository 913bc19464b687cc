// What a whole model's forward pass says beyond each head: its next-token guesses, and attention
// rollout through all the layers.
#pragma once

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

// Attention rollout (Abnar & Zuidema, 2020): how much each position draws on each input token
// through every layer, with the residual connection counted as attention to itself.
// Â_l = ½·mean over heads(A_l) + ½·I, rows renormalized; rollout = Â_L ⋯ Â_2 · Â_1. (T, T).
Matrix attention_rollout(const std::vector<const AttentionTrace*>& layers);

}  // namespace attnviz
