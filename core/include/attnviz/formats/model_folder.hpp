// A Hugging Face model folder as save_pretrained writes it (and the hub's cache keeps it):
// config.json, model.safetensors, and the tokenizer's files.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attnviz/limits.hpp"

namespace attnviz {

// A rotary embedding's settings: config.json's rope_theta and rope_scaling (transformers 4), or
// rope_parameters (transformers 5), as modeling_rope_utils.py reads them.
struct RopeSettings {
  std::string type = "default";  // "default", "linear" or "llama3"
  double theta = 10000.0;        // the base
  double factor = 1.0;           // linear and llama3: how much longer the context is made
  double low_freq_factor = 1.0, high_freq_factor = 4.0;  // llama3
  int original_max_positions = 8192;                     // llama3: original_max_position_embeddings
  // A GGUF's rope_freqs tensor (llama.cpp's form of llama3 scaling): each inverse frequency of
  // the default type divided by its own factor; empty: none.
  std::vector<float> divisors;
};

// The decoders after GPT-2 as their config.json says: transformers' LlamaConfig, MistralConfig,
// Qwen2Config, Qwen3Config, GemmaConfig, Gemma2Config and Gemma3TextConfig (a Gemma 3 folder's
// text_config), a field left out taking that class's default.
struct DecoderSettings {
  std::string model_type;  // llama, mistral, qwen2, qwen3, gemma, gemma2, gemma3_text
  int n_layer = 0;         // num_hidden_layers
  int n_embd = 0;          // hidden_size
  int n_head = 0;          // num_attention_heads
  int n_kv_head = 0;       // num_key_value_heads: divides n_head
  int head_dim = 0;        // head_dim, or n_embd / n_head
  int intermediate_size = 0;
  int vocab_size = 0;
  int max_positions = 0;  // max_position_embeddings: the longest text
  float rms_norm_eps = 1e-6f;
  std::string hidden_act;  // silu, gelu_pytorch_tanh, gelu, …: checked by the loader
  bool attention_bias = false, mlp_bias = false, tie_word_embeddings = false;
  RopeSettings rope;          // the full-attention layers'
  RopeSettings local_rope;    // the sliding layers' (Gemma 3's rope_local_base_freq); else = rope
  int sliding_window = 0;     // 0: none
  std::vector<bool> sliding;  // n_layer: which layers use the window (layer_types)
  float query_pre_attn_scalar = 0.0f;               // Gemma 2, 3: scores · its^-0.5; 0: head_dim's
  float attn_softcap = 0.0f, final_softcap = 0.0f;  // Gemma 2; 0: none
  // Gemma's norm weights are stored as 1 + w already (llama.cpp's converter adds the 1): plain
  // RMSNorm reads them.
  bool norms_hold_one = false;
};

// What a file (or a model folder's config.json) says beyond its tensors; unset fields are found
// from the tensors or take the family's default.
struct ModelSettings {
  std::string source;          // where they come from (config.json), for errors
  std::optional<int> n_head;   // needed by c_attn, which packs all heads
  std::optional<int> n_layer;  // checked against the blocks the file has
  std::optional<int> n_embd, n_positions, vocab_size;  // checked against the tensors' shapes
  std::optional<std::string> activation;         // "gelu_new", "gelu", "relu" (Hugging Face names)
  std::optional<float> layer_norm_epsilon;       // config.json's layer_norm_epsilon
  bool scale_attn_by_inverse_layer_idx = false;  // Hugging Face options attnviz refuses when true
  int max_embd = Limits{}.max_embd;
  std::optional<DecoderSettings> decoder;  // a Llama, Mistral, Qwen or Gemma folder's config
  // The family the file names where its layout does not tell: "gpt2" for a GGUF's GPT-2, whose
  // weights llama.cpp's converter turned into nn.Linear's layout; "" otherwise.
  std::string family;
};

// The tokenizer files a folder (or --tokenizer) names: tokenizer.json (Hugging Face tokenizers,
// with tokenizer_config.json beside it if there is one), vocab.json + merges.txt (Hugging Face's
// GPT-2 files), or encoder.json + vocab.bpe (OpenAI).
struct TokenizerFiles {
  std::string vocab;   // vocab.json / encoder.json, or tokenizer.json alone
  std::string merges;  // merges.txt / vocab.bpe; empty with tokenizer.json
  std::string config;  // tokenizer_config.json beside tokenizer.json, or empty
};

struct ModelFolder {
  // DIR/model.safetensors, else DIR/pytorch_model.bin, else a sharded checkpoint's index:
  // DIR/model.safetensors.index.json or DIR/pytorch_model.bin.index.json.
  std::string weights;
  std::optional<std::string> config;  // DIR/config.json
  std::optional<TokenizerFiles> tokenizer;
};

// The files in `dir`. Throws Error when there are no weights attnviz reads (naming what the
// folder has instead, e.g. TensorFlow's tf_model.h5).
ModelFolder find_model_files(const std::string& dir);

// The tokenizer files in `dir`, or nullopt.
std::optional<TokenizerFiles> find_tokenizer_files(const std::string& dir);

// config.json, by model_type (or architectures): GPT-2's n_layer, n_head, n_embd, n_positions,
// vocab_size, layer_norm_epsilon, activation_function, scale_attn_by_inverse_layer_idx,
// reorder_and_upcast_attn; or a later decoder's DecoderSettings. Each checked (a number in
// range, n_head dividing n_embd, a known model_type and rope type), missing ones an Error when
// the model needs them. `name` is the file's, for errors.
ModelSettings parse_model_config(std::string_view text, const std::string& name,
                                 const Limits& limits = {});

}  // namespace attnviz
