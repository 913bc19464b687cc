// A Hugging Face model folder as save_pretrained writes it (and the hub's cache keeps it):
// config.json, model.safetensors, and the tokenizer's files.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "attnviz/limits.hpp"

namespace attnviz {

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
};

// The tokenizer files a folder (or --tokenizer) names: vocab.json + merges.txt (Hugging Face),
// encoder.json + vocab.bpe (OpenAI), or tokenizer.json (Hugging Face tokenizers).
struct TokenizerFiles {
  std::string vocab;   // vocab.json / encoder.json, or tokenizer.json alone
  std::string merges;  // merges.txt / vocab.bpe; empty with tokenizer.json
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

// config.json: n_layer, n_head, n_embd, n_positions, vocab_size, layer_norm_epsilon,
// activation_function, scale_attn_by_inverse_layer_idx, reorder_and_upcast_attn — each checked
// (a number in range, n_head dividing n_embd, a known activation, a GPT-2 model_type), missing
// ones an Error when the model needs them. `name` is the file's, for errors.
ModelSettings parse_model_config(std::string_view text, const std::string& name,
                                 const Limits& limits = {});

}  // namespace attnviz
