// The parameters of the lesson's model: embeddings, then the day-12 SelfAttention (one head) or
// the day-13 MultiHeadAttention (several heads and an output projection). Load, save, random.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attnviz/error.hpp"
#include "attnviz/limits.hpp"
#include "attnviz/matrix.hpp"
#include "attnviz/model/torch_random.hpp"

namespace attnviz {

// One head's projections, in PyTorch nn.Linear layout (out × in): q = x · queryᵀ (+ query_bias);
// or, for GPT-2's Conv1D (Weights::operand AsIs), stored (in × out): q = x · query.
struct HeadWeights {
  Tensor query;  // (head_size, n_embd); Conv1D: (n_embd, head_size)
  Tensor key;    // the same
  Tensor value;  // the same
  // nanoGPT's c_attn has biases, each (1, head_size); 0×0 for the lesson's and Karpathy's heads.
  Matrix query_bias, key_bias, value_bias;

  bool has_bias() const { return query_bias.size() > 0; }
};

// How a block normalizes each row x (1, n_embd) with its weight w (and bias b): nn.LayerNorm
// ((x − mean) / √(var + eps) · w + b, GPT); RMSNorm (x / √(mean(x²) + eps) · w, Llama, Mistral,
// Qwen); Gemma's RMSNorm, whose weights are stored as w − 1 (x / √(mean(x²) + eps) · (1 + w)).
enum class Norm { LayerNorm, RmsNorm, RmsNormPlusOne };

// Rotary position embedding as Hugging Face applies it (rotate_half): entries j and j + d/2 of
// each head's q and k (d = head_size) turn together by the angle pos · inv_freq[j], and
// cos, sin are multiplied by attention_scaling first.
struct Rotary {
  Matrix inv_freq;  // (1, d/2) the angle per position of each pair; 0×0: no rotation
  float attention_scaling = 1.0f;
  double base = 0.0;    // rope_theta, for the explanation
  std::string scaling;  // how inv_freq was scaled for long texts ("linear × 8", "llama3"), or ""

  bool on() const { return inv_freq.size() > 0; }
};

struct Weights {
  int n_embd = 0;                  // C: embedding width
  int block_size = 0;              // longest sequence the model accepts
  std::vector<std::string> vocab;  // token text of each token_embedding row
  Tensor token_embedding;          // (vocab_size, n_embd)
  Tensor position_embedding;       // (block_size, n_embd), or 0×0 when positions are not used
  std::vector<HeadWeights> heads;  // the lesson's SelfAttention is one head of size n_embd
  // The heads' projections whole, where the file keeps them side by side (nanoGPT's and GPT-2's
  // c_attn; Llama's q_proj, k_proj and v_proj): the matrices the heads' query, key and value view,
  // multiplied once for every head, so that a new token reads each as one stream (one head's
  // columns of a Conv1D c_attn are a short piece of every row). Their outputs side by side are [q
  // of head 0 … n_head−1 | k of key/value head 0 … | v of key/value head 0 …], head_size each.
  // Empty: a product per head (the lesson's and gpt.py's heads, each its own tensor).
  std::vector<Tensor> joined;
  // MultiHeadAttention's proj (nn.Linear(n_head · head_size, n_embd) with bias); both 0×0 for the
  // lesson's SelfAttention, whose output is its one head's output.
  Tensor proj_weight;  // (n_embd, n_head · head_size); Conv1D: (n_embd, n_embd) stored in × out
  // How query, key, value and proj_weight enter their products: Transposed (nn.Linear) or AsIs
  // (Conv1D, used where it lies in the file).
  Operand operand = Operand::Transposed;
  Matrix proj_bias;  // (1, n_embd)
  // The LayerNorm a transformer block applies to x before attention (nanoGPT's ln_1), weight and
  // bias each (1, n_embd); 0×0 for the lesson's module on its own.
  Matrix ln_weight, ln_bias;
  float ln_eps = 1e-5f;         // nn.LayerNorm's eps (Hugging Face's layer_norm_epsilon)
  Norm norm = Norm::LayerNorm;  // how ln_weight (and q_norm, k_norm) apply
  // Grouped-query attention: query head h reads the keys and values of key/value head
  // h / (n_head / n_kv_head), whose key and value every head of the group views. 0: each its own.
  int n_kv_head = 0;
  // Each head's q and k normalized over head_size before the rotation (Qwen 3, Gemma 3), the
  // weights shared by all heads: (1, head_size) each, or 0×0.
  Matrix q_norm, k_norm;
  Rotary rotary;            // positions turn q and k (Llama and its kin); off for GPT
  float attn_scale = 0.0f;  // > 0: the scores' scale in place of head_size^-0.5 (Gemma 2, 3)
  float softcap = 0.0f;     // > 0: scaled scores become cap · tanh(score / cap) (Gemma 2)
  int window = 0;           // > 0: sliding-window attention, keys `window` or more back masked

  bool has_positions() const { return position_embedding.rows() > 0; }
  bool multi_head() const { return proj_weight.size() > 0; }
  bool has_layer_norm() const { return ln_weight.size() > 0; }
  bool has_embeddings() const { return token_embedding.size() > 0; }
  int n_head() const { return static_cast<int>(heads.size()); }
  // Query heads per key/value head: 1 without grouping.
  int kv_group() const { return n_kv_head > 0 ? n_head() / n_kv_head : 1; }
  // The key/value head query head h reads: h itself without grouping.
  int kv_head(int h) const { return h / kv_group(); }
  // The first head of h's group: the one whose key and value are computed.
  int kv_first(int h) const { return h - h % kv_group(); }
  bool computes_kv(int h) const { return kv_first(h) == h; }
  // A projection (query, key, value, proj_weight) in nn.Linear's layout, out × in, however it is
  // stored: what saved weights hold.
  Matrix as_linear(const Tensor& m) const {
    return operand == Operand::Transposed ? Matrix(m) : Matrix(m.transpose());
  }
  int head_size() const {
    const Tensor& q = heads.front().query;
    return static_cast<int>(operand == Operand::Transposed ? q.rows() : q.cols());
  }
  // Row of `token` in token_embedding, or -1.
  int token_id(std::string_view token) const;
};

struct RandomInit {
  uint32_t seed = 1337;  // torch.manual_seed(seed)
  int n_embd = 16;
  int block_size = 256;
  bool positions = true;
  int n_head = 0;  // 0: the lesson's SelfAttention; H ≥ 1: MultiHeadAttention(H, n_embd / H)
  TorchCpu cpu = TorchCpu::Avx2;  // whose normal_ kernel to reproduce
};

// The weights PyTorch gives the lesson's modules after torch.manual_seed(seed), bit for bit, drawn
// in the order the lesson's code creates them: nn.Embedding(vocab, C) ~ N(0, 1),
// nn.Embedding(block_size, C) ~ N(0, 1) when positions are used, then SelfAttention's key, query,
// value (nn.Linear's kaiming-uniform, U(±1/√C)); for MultiHeadAttention each head's key, query,
// value, then proj's weight and bias. `vocab` lists each distinct token once. Throws Error for
// sizes out of range (n_embd above `max_embd`) or n_head not dividing n_embd.
Weights random_weights(const std::vector<std::string>& vocab, const RandomInit& init,
                       int max_embd = Limits{}.max_embd);

// The lesson's exercise: after torch.manual_seed(seed), x = torch.randn(1, T, n_embd), then the
// module as random_weights draws it, without embeddings.
struct RandnInput {
  Matrix x;         // (T, n_embd)
  Weights weights;  // no vocab, no embeddings
};
RandnInput random_input(int T, const RandomInit& init, int max_embd = Limits{}.max_embd);

// x alone, for a module loaded from a file: torch.manual_seed(seed); x = torch.randn(1, T, n_embd).
Matrix randn_x(int T, int n_embd, const RandomInit& init);

// Parses the weights JSON format (see README) with embeddings and no prefix: load_weights on
// open_json_state_dict (state_dict.hpp). `name` (the file's path) starts every error message.
// Keys this version does not know are ignored with a message added to `warnings`. "n_embd" above
// `max_embd` is refused before any tensor is read.
Weights parse_weights_json(std::string_view text, std::string_view name,
                           std::vector<Words>& warnings, int max_embd = Limits{}.max_embd);

// The same format, floats written as the shortest text that reads back to the same float32. Heads
// with biases are written as nanoGPT's c_attn; weights without embeddings (--input randn) have no
// "vocab".
std::string weights_to_json(const Weights& weights);

}  // namespace attnviz
