// How a model's next token is chosen from its logits, as the course's PyTorch code chooses it:
// nanoGPT's generate() (logits / temperature, top-k, softmax, torch.multinomial), Karpathy's
// gpt.py (softmax, torch.multinomial) and Hugging Face's top-p warper, drawing from PyTorch's
// generator so that the same seed gives the same tokens.
#pragma once

#include <vector>

#include "attnviz/model/torch_random.hpp"

namespace attnviz {

struct Sampling {
  double temperature = 1.0;  // logits / temperature; 0: the most probable token, nothing drawn
  int top_k = 0;             // keep the logits ≥ the k-th largest (nanoGPT's rule); 0: all
  double top_p = 1.0;  // keep the most probable tokens whose probabilities reach p (HF's); 1: all
};

// What choosing one token computed on the way, kept for --explain: every entry is per token
// (vocab).
struct SamplingTrace {
  std::vector<float> filtered;      // logits / temperature, −∞ where top-k or top-p removed it
  std::vector<float> exponentials;  // q ~ Exp(1), torch.multinomial's draws; empty: none drawn
  std::vector<float> ratios;        // p / q, whose first largest entry is the token chosen
};

// The probabilities a token is drawn from (vocab): softmax of the logits after temperature, top-k
// and top-p, each in float32 as PyTorch computes it; the tokens left out are exactly 0. With
// temperature 0, 1 on the most probable token (the lowest id of a tie). `trace`: the logits
// filtered, before the softmax.
std::vector<float> sampling_distribution(const float* logits, int vocab, const Sampling& sampling,
                                         SamplingTrace* trace = nullptr);

// torch.multinomial(probs, num_samples=1) on the CPU: q ~ Exp(1) drawn for every entry, then the
// first index of the largest probs / q. Draws vocab double-precision numbers from `generator`.
// `trace`: the draws and the ratios.
int multinomial_one(const std::vector<float>& probs, TorchGenerator& generator,
                    SamplingTrace* trace = nullptr);

struct Candidate {
  int id = 0;
  float p = 0;  // the model's probability: softmax of the logits as they are (as NextTokens has it)
  float p_sampled = 0;  // after temperature, top-k and top-p: what the token was drawn with
};

struct Choice {
  int id = 0;  // the token chosen
  // The `n` most probable tokens under the model, most probable first (ties: the lower id), and
  // the chosen one after them when it is not among them.
  std::vector<Candidate> candidates;
};

// The next token from one position's logits (vocab): drawn from sampling_distribution() with
// multinomial_one(), or the most probable one when the temperature is 0 (no draw).
Choice choose_next(const float* logits, int vocab, const Sampling& sampling,
                   TorchGenerator& generator, int n, SamplingTrace* trace = nullptr);

}  // namespace attnviz
