// The next token: temperature, top-k and top-p as PyTorch code applies them, torch.multinomial's
// draw.
#include "attnviz/model/sampling.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "attnviz/compute/kernels.hpp"
#include "attnviz/model/analysis.hpp"

namespace attnviz {
namespace {

constexpr float kMinusInfinity = -std::numeric_limits<float>::infinity();

// The first index of the largest value.
int first_max(const float* values, int n) {
  return static_cast<int>(std::max_element(values, values + n) - values);
}

// nanoGPT: v, _ = torch.topk(logits, k); logits[logits < v[:, [-1]]] = -inf. Every logit equal
// to the k-th largest stays.
void keep_top_k(std::vector<float>& logits, int k) {
  if (k <= 0 || k >= static_cast<int>(logits.size())) return;
  std::vector<float> sorted = logits;
  std::nth_element(sorted.begin(), sorted.begin() + (k - 1), sorted.end(), std::greater<>());
  const float kth = sorted[static_cast<size_t>(k - 1)];
  for (float& l : logits) {
    if (l < kth) l = kMinusInfinity;
  }
}

// Hugging Face's TopPLogitsWarper: the logits sorted ascending, their softmax summed up
// (torch.cumsum on the CPU adds in double and stores float), and every token whose running sum
// is ≤ 1 − p removed; the most probable token always stays.
void keep_top_p(std::vector<float>& logits, double top_p) {
  if (top_p >= 1.0) return;
  const auto n = static_cast<int>(logits.size());
  std::vector<int> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return logits[size_t(a)] < logits[size_t(b)]; });
  std::vector<float> sorted(static_cast<size_t>(n));  // ascending
  for (int i = 0; i < n; ++i) sorted[size_t(i)] = logits[size_t(order[size_t(i)])];
  softmax_row(sorted.data(), n, 1.0f);
  const auto threshold = static_cast<float>(1.0 - top_p);  // compared in float32, as torch does
  double running = 0;
  for (int i = 0; i + 1 < n; ++i) {  // the last, most probable, is kept
    running += sorted[size_t(i)];
    if (static_cast<float>(running) <= threshold) logits[size_t(order[size_t(i)])] = kMinusInfinity;
  }
}

}  // namespace

std::vector<float> sampling_distribution(const float* logits, int vocab, const Sampling& sampling,
                                         SamplingTrace* trace) {
  std::vector<float> p(static_cast<size_t>(vocab), 0.0f);
  if (sampling.temperature <= 0) {
    p[static_cast<size_t>(first_max(logits, vocab))] = 1.0f;
    if (trace) trace->filtered.assign(logits, logits + vocab);
    return p;
  }
  // logits / temperature: the Python float becomes a float32 scalar, then one division each.
  const auto temperature = static_cast<float>(sampling.temperature);
  for (int i = 0; i < vocab; ++i) p[size_t(i)] = logits[i] / temperature;
  keep_top_k(p, sampling.top_k);
  keep_top_p(p, sampling.top_p);
  if (trace) trace->filtered = p;
  softmax_row(p.data(), vocab, 1.0f);  // −∞ gives exactly 0
  return p;
}

int multinomial_one(const std::vector<float>& probs, TorchGenerator& generator,
                    SamplingTrace* trace) {
  std::vector<float> q(probs.size());
  generator.exponential(q.data(), q.size());
  if (trace) trace->exponentials = q;
  for (size_t i = 0; i < q.size(); ++i) q[i] = probs[i] / q[i];  // at::div_out(q, probs, q)
  if (trace) trace->ratios = q;
  return first_max(q.data(), static_cast<int>(q.size()));  // argmax: the first of a tie
}

Choice choose_next(const float* logits, int vocab, const Sampling& sampling,
                   TorchGenerator& generator, int n, SamplingTrace* trace) {
  const std::vector<float> sampled = sampling_distribution(logits, vocab, sampling, trace);
  Choice choice;
  choice.id = sampling.temperature <= 0 ? first_max(sampled.data(), vocab)
                                        : multinomial_one(sampled, generator, trace);
  // The model's probabilities as its guesses at every position have them (NextTokens): one
  // computation, whether a row's guesses or a step's candidates show it.
  NextTokens model(1, n);
  model.add(Eigen::Map<const Matrix>(logits, 1, vocab), 0);
  const std::vector<std::vector<Prediction>> top = model.result();
  for (const Prediction& guess : top.front())
    choice.candidates.push_back({guess.id, guess.p, sampled[size_t(guess.id)]});
  const auto chosen = [&](const Candidate& c) { return c.id == choice.id; };
  if (std::none_of(choice.candidates.begin(), choice.candidates.end(), chosen)) {
    choice.candidates.push_back(
        {choice.id, model.probability(0, logits[choice.id]), sampled[size_t(choice.id)]});
  }
  return choice;
}

}  // namespace attnviz
