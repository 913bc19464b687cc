// A model writing: the text continued token by token, each token drawn as nanoGPT's generate()
// and Karpathy's gpt.py draw it, and every new token's attention kept.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "attnviz/model/sampling.hpp"
#include "attnviz/model/transformer.hpp"

namespace attnviz {

struct GenerateOptions {
  int new_tokens = 0;
  Sampling sampling;
  uint64_t seed = 1337;  // torch.manual_seed(seed) just before the first token is drawn
  int candidates = 5;    // each step's most probable tokens kept (Choice::candidates)
  int explain_step = 0;  // 1 … new_tokens: the step whose whole computation is kept (StepTrace)
  // Called with every id (the prompt's, then the new ones) once the last is written, before the
  // layers are visited: what a visitor needs to know about the whole text.
  std::function<void(const std::vector<int>& ids)> on_written;
};

struct GenerationStep {
  Choice choice;  // the token written and the candidates it was drawn from
  // The first token of the context it was chosen from: 0, or once the text is longer than
  // block_size, where nanoGPT's crop idx[:, -block_size:] starts.
  Eigen::Index first_key = 0;
};

// Everything one step computed to choose its token, for --explain and --trace: the attention of
// the row that chose it (query position `query`) and the sampling.
struct StepTrace {
  int step = 0;                // 1-based; 0: none kept
  Eigen::Index query = 0;      // the position whose row chose the token: the last one read
  Eigen::Index first_key = 0;  // the first token that row saw (past block_size, nanoGPT's crop)
  // Per block, that row and what it read: x, x_ln, q, scores, weights, out, concat, the module's
  // out and the block's rows are (1, ·); each head's k and v are (keys, head_size), one row per
  // token from first_key to query (the key/value cache, or the window's pass).
  std::vector<LayerTrace> layers;
  std::vector<float> logits;  // (vocab) the next-token scores of the row
  SamplingTrace sampling;
};

struct Generation {
  std::vector<int> ids;               // the prompt's, then the new tokens
  std::vector<GenerationStep> steps;  // one per new token
  // Every token's rows, as forward_sliding() gives them over `ids`: layers (each row of a new
  // token from the key/value cache, or past block_size from its own window's pass, as the model
  // read it when it chose the next token), predictions for every row with ForwardOptions::top_k,
  // and with keep_logits the logits of rows prompt − 1 … T − 1 (each step's, then the last
  // token's): (new_tokens + 1, vocab).
  ForwardTrace trace;
  StepTrace explained;  // with GenerateOptions::explain_step
};

// Continues `prompt` (at least one token) by options.new_tokens. While the text fits the
// context, a new token costs one row of attention per head (attend_next() on a KvCache); past it,
// one pass over its window, since the crop moves every position. `forward_options` says what is
// kept (keep_layer, top_k, guess_ids, keep_logits, before_reading, scale); the mask is causal and
// every block runs. The visitor sees each layer whole at the end, as forward_sliding()'s does.
Generation generate(const Transformer& model, const std::vector<int>& prompt,
                    const GenerateOptions& options, const ForwardOptions& forward_options = {},
                    const LayerVisitor& visit = {});

}  // namespace attnviz
