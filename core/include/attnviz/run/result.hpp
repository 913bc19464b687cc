// What one run computed, describing itself: renderers take a Result and their own options.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "attnviz/error.hpp"
#include "attnviz/model/generate.hpp"
#include "attnviz/model/head_scores.hpp"
#include "attnviz/model/trace.hpp"
#include "attnviz/model/transformer.hpp"
#include "attnviz/model/weights.hpp"
#include "attnviz/run/request.hpp"

namespace attnviz {

// One of a whole model's next-token guesses, as a person reads it.
struct Guess {
  std::string token;  // the token's text (a BPE token's label: ␣ for a leading space)
  int id = 0;
  float p = 0;  // softmax probability
};

// One token a whole model wrote (--generate), and what it was chosen from.
struct GeneratedToken {
  struct Candidate {
    Guess guess;          // token, id, the model's probability
    float p_sampled = 0;  // after temperature, top-k and top-p: what it was drawn with
  };
  Guess token;                        // the token written, its probability under the model
  std::vector<Candidate> candidates;  // the most probable, then the token written if not there
  Eigen::Index first_key = 0;         // the first token of the context it was chosen from
};

struct GenerationInfo {
  std::string prompt;            // the text the model continued
  int prompt_tokens = 0;         // its tokens; the new tokens follow in Result::tokens
  Sampling sampling;             // as used: the settings given, or the model's code's defaults
  const char* defaults_of = "";  // whose defaults the settings not given took ("nanoGPT", …)
  uint64_t seed = 0;
  std::vector<GeneratedToken> steps;  // one per new token
  StepTrace explained;                // with --explain or --trace: one step's whole computation
};

// What a whole-model run ran.
struct ModelInfo {
  Family family = Family::NanoGpt;
  Activation activation = Activation::Gelu;
  int n_layer = 0;
  int vocab_size = 0;        // (its heads: RunInfo::n_head, as for a module)
  float embed_scale = 0.0f;  // > 0: embeddings times this (Gemma's √n_embd)
  bool gated_mlp = false;    // act(gate_proj) ⊙ up_proj → down_proj (Llama, Gemma …)
  bool post_norms = false;   // attention's and MLP's outputs normalized (Gemma 2, 3)
};

// What ran, as the renderers say it: the input, where the weights came from, the attention's
// sizes and flags. A Result carries it, so no renderer needs the Request.
struct RunInfo {
  std::string text;  // the text, or the token list
  InputKind input = InputKind::Text;
  TokenizerKind tokenizer = TokenizerKind::Char;
  bool bos = false;
  std::optional<std::string> weights;  // the weights file or folder; nullopt: random weights
  std::string prefix;                  // --prefix inside it
  std::string file_type;               // a GGUF's quantization ("Q4_K - Medium"), else empty
  bool randn_input = false;            // x = torch.randn instead of embeddings
  uint32_t seed = 0;                   // of random weights, or of x with randn_input
  TorchCpu init = TorchCpu::Avx2;      // which of PyTorch's CPU kernels drew them
  bool causal = true;
  bool scale = true;
  // The attention module run (a whole model's first shown layer's): its sizes.
  int n_embd = 0;
  int n_head = 0;
  int head_size = 0;
  int block_size = 0;       // 0: no limit
  bool multi_head = false;  // MultiHeadAttention (an output projection) rather than SelfAttention
  bool positions = false;   // a position embedding was added
  bool rotary = false;      // q and k turned to their positions (rotary embedding)
  int n_kv_head = 0;        // > 0: grouped-query attention, heads sharing this many k/v heads
  std::vector<int> kv_head_of;  // with grouping, each query head's key/value head; else empty
  bool layer_norm = false;      // LayerNorm (or RMSNorm) before attention
};

struct Result {
  RunInfo info;
  std::vector<std::string> tokens;  // T token strings
  std::vector<int> ids;             // T rows of weights.token_embedding; empty with randn_input
  Weights weights;  // the (first shown layer's) attention weights used, for --explain's steps
  // The attention computed: one module's, or each shown layer's of a whole model.
  std::vector<AttentionTrace> layers;
  std::vector<int> layer_numbers;  // each entry of `layers`' layer in the model; {0} for a module
  std::vector<BlockTrace> blocks;  // a whole model with keep_scores: each shown layer's block
  std::vector<Words> warnings;     // things the user should know; the run still succeeded
  // Per shown layer, (T, T) average over its heads: with Request::means or page_views.
  std::vector<Matrix> mean_weights;
  std::optional<ModelInfo> model;               // a whole model; nullopt for one attention module
  std::vector<std::vector<Guess>> predictions;  // whole models: per position, the top_k guesses
  // (T, T) with --rollout or page_views: attention rollout through every layer of the model.
  Matrix rollout;
  // Whole models: every layer's every head (whichever --layer shows), scored on the run's tokens.
  std::vector<HeadScore> head_scores;
  // Why no head is labelled from this text (a single token; mostly tokens the model cannot read).
  std::optional<Words> labels_withheld;
  std::vector<int> induction_test_ids;  // the S random ids of --induction-test (then repeated)
  // --generate: the tokens written (tokens, ids and every view hold the prompt, then them).
  std::optional<GenerationInfo> generation;
  // With Outputs::model_file, a whole model as safetensors: every float tensor of its file (F32,
  // under the file's keys), the settings it ran with and its vocabulary in __metadata__, so the
  // file opens alone.
  std::string model_file;

  const AttentionTrace& trace() const { return layers.front(); }
  // The scores of head `head` of layer `layer` (the model's numbering), or nullptr.
  const HeadScore* head_score(int layer, int head) const {
    if (!model || layer < 0 || head < 0 || head >= info.n_head) return nullptr;
    const auto at =
        static_cast<size_t>(layer) * static_cast<size_t>(info.n_head) + static_cast<size_t>(head);
    return at < head_scores.size() ? &head_scores[at] : nullptr;
  }
};

}  // namespace attnviz
