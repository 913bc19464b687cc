// A whole decoder-only transformer (GPT) as nanoGPT, GPT-2 (Hugging Face) and Karpathy's gpt.py
// define it, and its forward pass in float32: every layer's attention kept, then the logits.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "attnviz/error.hpp"
#include "attnviz/formats/model_folder.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/limits.hpp"
#include "attnviz/matrix.hpp"
#include "attnviz/model/analysis.hpp"
#include "attnviz/model/attention_load.hpp"
#include "attnviz/model/trace.hpp"
#include "attnviz/model/weights.hpp"

namespace attnviz {

enum class Family {
  NanoGpt,  // transformer.h.{i}.… with nn.Linear weights (also under torch.compile's _orig_mod.)
  Gpt2,     // Hugging Face's GPT-2: h.{i}.… (or transformer.h.{i}.…) with Conv1D weights
  GptPy,    // Karpathy's gpt.py: blocks.{i}.sa.heads.{j}.…, ffwd.net.{0,2}
  // Hugging Face's decoders after GPT-2, from a folder's config.json: model.layers.{i}.…
  Llama,    // Llama 2 and 3, TinyLlama, SmolLM: RMSNorm, rotary, grouped queries, SwiGLU
  Mistral,  // Llama's blocks, with sliding-window attention
  Qwen2,    // Llama's blocks, biases on q, k and v
  Qwen3,    // Llama's blocks, each head's q and k RMSNormed
  Gemma,    // RMSNorm (1 + w), embeddings · √n_embd, GeGLU
  Gemma2,   // Gemma's, norms after attention and MLP too, soft-capped scores, sliding layers
  Gemma3,   // Gemma 2's without the caps, q/k norms, local and global rotary bases
};

// The family as people write it ("GPT-2", "nanoGPT", "gpt.py", "Llama" …), and as JSON names it
// ("gpt2", "nanogpt", "gpt.py", "llama" …: Hugging Face's model_type).
const char* family_name(Family family);
const char* family_id(Family family);

// The MLP's nonlinearity: nanoGPT's nn.GELU() (exact, with erf), GPT-2's gelu_new and Gemma's
// gelu_pytorch_tanh (the tanh approximation), gpt.py's ReLU, Llama's SiLU.
enum class Activation { Gelu, GeluTanh, Relu, Silu };
// As config.json's "activation_function" names it: gelu, gelu_new, relu, silu.
const char* activation_id(Activation activation);

// A transformer block's feed-forward network, nn.Linear layout (out × in): h = act(x·fcᵀ + b),
// out = h·projᵀ + b; Hugging Face's Conv1D weights stay as the file has them (in × out, operand
// AsIs): h = act(x·fc + b). Gated (Llama's SwiGLU, Gemma's GeGLU): h = act(x·gateᵀ) ⊙ x·fcᵀ,
// fc being up_proj and proj down_proj.
struct Mlp {
  Tensor gate_weight;  // (hidden, n_embd) gate_proj; 0×0 for an MLP without a gate
  Matrix gate_bias;    // (1, hidden) with Llama's mlp_bias, or 0×0
  Tensor fc_weight;    // (hidden, n_embd), hidden = 4·n_embd in the GPTs; Conv1D ᵀ
  Matrix fc_bias;      // (1, hidden), or 0×0 without biases
  Tensor proj_weight;  // (n_embd, hidden); Conv1D ᵀ
  Operand operand = Operand::Transposed;
  Matrix proj_bias;  // (1, n_embd), or 0×0
};

struct Block {
  Weights attention;            // ln_1, the heads and c_proj, as attend() takes them
  Matrix ln2_weight, ln2_bias;  // (1, n_embd); the bias is zeros where the model has none
  Mlp mlp;
  // Gemma 2 and 3 normalize the attention's and the MLP's outputs before adding them to x
  // (post_attention_layernorm, post_feedforward_layernorm): (1, n_embd) each, or 0×0.
  Matrix post_attention_norm, post_mlp_norm;
};

struct Transformer {
  Family family = Family::NanoGpt;
  Activation activation = Activation::Gelu;
  int n_embd = 0;                    // C
  int block_size = 0;                // rows of the position table: the longest text
  std::vector<std::string> vocab;    // token text of each row of token_embedding; empty when the
                                     // model's tokenizer (GPT-2's BPE) holds the vocabulary
  Tensor token_embedding;            // (vocab_size, n_embd): nanoGPT's wte
  Tensor position_embedding;         // (block_size, n_embd): wpe
  std::vector<Block> blocks;         // n_layer of them
  Matrix ln_f_weight, ln_f_bias;     // (1, n_embd)
  Tensor lm_head;                    // (vocab_size, n_embd); 0×0: tied to token_embedding
  Matrix lm_head_bias;               // (1, vocab_size): gpt.py's; 0×0 for the others
  float layer_norm_epsilon = 1e-5f;  // also RMSNorm's eps (config.json's rms_norm_eps)
  Norm norm = Norm::LayerNorm;       // every norm of the model: ln_1, ln_2, ln_f, …
  float embed_scale = 0.0f;          // > 0: x = token_embedding[ids] · embed_scale (Gemma's √C)
  float final_softcap = 0.0f;        // > 0: logits = cap · tanh(logits / cap) (Gemma 2)

  int n_layer() const { return static_cast<int>(blocks.size()); }
  int vocab_size() const { return static_cast<int>(token_embedding.rows()); }
  const Tensor& output_embedding() const { return lm_head.size() > 0 ? lm_head : token_embedding; }
};

// Whether the state dict holds a whole model (blocks, embeddings, ln_f) rather than one attention
// module, and which family; nullopt for a single module.
std::optional<Family> detect_family(const StateDict& state_dict);

// The whole model. Throws Error naming the file and key for a missing or misshapen tensor (in any
// block), a layer count that disagrees with the settings, an unknown activation, a vocab that does
// not match the embedding. Keys no part of the model uses are reported in `warnings`.
// With `unchecked`, the matrices are read with StateDict::unchecked_tensor() (views of a file are
// not read yet) and their keys listed there, for the run to check_finite() each part just before
// the forward pass reads it.
struct UncheckedKeys {
  std::vector<std::vector<std::string>> blocks;                       // each block's matrices
  std::string token_embedding, position_embedding, output_embedding;  // the last may be the first
};
Transformer load_transformer(const StateDict& state_dict, const ModelSettings& settings,
                             std::vector<Words>& warnings, UncheckedKeys* unchecked = nullptr);

struct ForwardOptions {
  bool keep_scores = false;  // each head's (T, T) q·kᵀ, for --trace and --explain
  bool causal = true;        // false (--no-mask): every block sees the future too, to compare
  bool scale = true;         // false (--no-scale): no head_size^-0.5 in any block
  bool keep_blocks = false;  // each block's residual stream and MLP intermediates (BlockTrace)
  // Layers kept in ForwardTrace::layers (empty: all). The others are left empty once the
  // visitor has seen them, so a run holds one layer's (T, T) weights, not every layer's.
  std::vector<bool> keep_layer;
  bool keep_logits = true;  // the (T, vocab) logits in ForwardTrace::logits
  // Each block's weights and the output embedding, views of a read-only file mapping, leave
  // resident memory once used (read back from the file if needed again): a run holds one block's,
  // not all. Only for weights in such a mapping: other memory would lose its contents.
  bool release_weights = false;
  int top_k = 0;  // > 0: each position's top_k guesses, from logits made 256 rows at a time
  // The guesses name only ids below guess_ids (0: any): the rows that pad a vocabulary (nanoGPT's
  // 50 304 for GPT-2's 50 257) still count in the softmax but are never guessed.
  int guess_ids = 0;
  // The logits and guesses are made for rows outputs_from … T − 1 only.
  Eigen::Index outputs_from = 0;
  // Blocks run: the first n_layer (-1: all). Fewer leave out ln_f, the logits and the guesses:
  // a heatmap of layer 5 needs blocks 0 … 5 only.
  int n_layer = -1;
  // Called before the pass first reads block `block`'s matrices, and before it reads rows
  // [first, first + rows) of the token embedding (each id's), the position embedding or the
  // output embedding (blocks kTokenEmbedding, kPositionEmbedding, kOutput): where a run checks
  // (and converts) the values of a file part by part, each just before it is used.
  static constexpr int kOutput = -1, kTokenEmbedding = -2, kPositionEmbedding = -3;
  std::function<void(int block, Eigen::Index first, Eigen::Index rows)> before_reading;
  // With release_weights, called once the pass is done with what before_reading announced (a
  // block, a slab of the output embedding): where a run lets converted weights go again.
  std::function<void(int block, Eigen::Index first, Eigen::Index rows)> after_reading;
};

struct LayerTrace {
  AttentionTrace attention;  // x (the block's input), ln_1(x), every head, the projected output
  BlockTrace block;          // x_out always; the rest with keep_blocks
};

struct ForwardTrace {
  std::vector<LayerTrace> layers;  // n_layer; a layer not kept is empty
  // (T − outputs_from, vocab_size): ln_f(x)·lm_headᵀ (+ bias), the next-token scores, if kept
  Matrix logits;
  // (T − outputs_from, top_k), with ForwardOptions::top_k
  std::vector<std::vector<Prediction>> predictions;
};

// Sees each layer as soon as it is computed, whether or not it is kept.
using LayerVisitor = std::function<void(int layer, const LayerTrace& trace)>;

// x = token_embedding[ids] + position_embedding[0..T) (or · embed_scale, the positions then
// rotating q and k); for each block x = x + attn(ln_1(x)), x = x + mlp(ln_2(x)) (Gemma 2 and 3
// normalize both outputs first); logits = lm_head(ln_f(x)). ids index the vocab, T ≤ block_size.
ForwardTrace forward(const Transformer& model, const std::vector<int>& ids,
                     const ForwardOptions& options = {}, const LayerVisitor& visit = {});

// A text longer than block_size as the model reads it when it writes (nanoGPT's generate() crops
// its input to idx[:, -block_size:]): rows 0 … block_size − 1 from one pass over the first
// block_size tokens, and each later row i from a pass over the block_size tokens ending at i,
// positions 0 … block_size − 1. Each layer's attention is put together from those rows: query i's
// weights on its window's keys (the rest masked, AttentionTrace::window), its x, ln_1(x), q and
// output; keys, values and scores differ from pass to pass and are left empty, as are the blocks'
// intermediates (keep_scores and keep_blocks are not taken). The visitor sees each layer whole,
// after the last pass. A text of block_size tokens or fewer is one forward().
ForwardTrace forward_sliding(const Transformer& model, const std::vector<int>& ids,
                             const ForwardOptions& options = {}, const LayerVisitor& visit = {});

}  // namespace attnviz
