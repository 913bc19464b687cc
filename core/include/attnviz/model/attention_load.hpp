// The attention module layouts attnviz recognizes in a state_dict — the lesson's SelfAttention,
// Karpathy's MultiHeadAttention, nanoGPT's CausalSelfAttention (and GPT-2's, whose Conv1D stores
// weights transposed) — turned into Weights.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "attnviz/error.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/limits.hpp"
#include "attnviz/model/weights.hpp"

namespace attnviz {

struct LoadOptions {
  // Where the attention module's keys start inside a whole-model file, e.g.
  // "transformer.h.0.attn." (nanoGPT) or "blocks.0.sa." (Karpathy's gpt.py).
  std::string prefix;
  std::optional<int> n_head;  // --heads: needed by c_attn, which packs all heads in one matrix
  bool embeddings = true;     // false (--input randn): the embedding tables are not read
  // The token text of each embedding row, given beside the file (--vocab, nanoGPT's meta.pkl):
  // used instead of the file's "vocab".
  const std::vector<std::string>* vocab = nullptr;
  int max_embd = Limits{}.max_embd;
  // Where given, matrices are read with unchecked_tensor() and their keys listed here, for the
  // caller to check_finite() before use.
  std::vector<std::string>* unchecked = nullptr;
};

// The attention module under `options.prefix` and, when asked for, the embeddings and vocab
// (token_embedding/position_embedding, Karpathy's *_table, nanoGPT's transformer.wte/wpe, GPT-2's
// wte/wpe) and the LayerNorm a transformer block applies before attention (nanoGPT's ln_1,
// Karpathy's ln1). Entries under the prefix that no layout uses are reported in `warnings`.
Weights load_weights(const StateDict& state_dict, const LoadOptions& options,
                     std::vector<Words>& warnings);

// The tensors of Weights under the JSON format's keys, in nn.Linear's layout whatever they were
// loaded from (Conv1D is transposed): what --save-weights writes, as JSON or safetensors.
std::vector<NamedTensor> named_tensors(const Weights& weights);

// Weights as safetensors (F32), for --save-weights FILE.safetensors: the same keys as the JSON
// format, settings and vocab in __metadata__.
std::string weights_to_safetensors(const Weights& weights);

}  // namespace attnviz
