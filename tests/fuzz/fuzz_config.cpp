// libFuzzer target: a model folder's JSON files — config.json (GPT-2's and the later decoders'),
// and a sharded checkpoint's index.
// Any input must give settings within their ranges (shard names that are plain file names) or an
// Error, never a crash; what comes back is held to its own checks.
#include <cstddef>
#include <cstdint>
#include <string>

#include "attnviz/error.hpp"
#include "attnviz/formats/model_folder.hpp"
#include "attnviz/formats/state_dict.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const attnviz::ModelSettings s = attnviz::parse_model_config(text, "config.json");
    if (const auto& d = s.decoder) {  // a Llama, Qwen, Gemma … config
      if (d->n_head < 1 || d->n_kv_head < 1 || d->n_head % d->n_kv_head != 0) __builtin_trap();
      if (d->head_dim < 2 || d->head_dim % 2 != 0 || d->n_layer < 1) __builtin_trap();
      if (d->sliding.size() != static_cast<size_t>(d->n_layer)) __builtin_trap();
      if (!(d->rope.theta > 0) || !(d->rope.factor > 0) || !(d->local_rope.theta > 0))
        __builtin_trap();
      if (!(d->rms_norm_eps > 0.0f)) __builtin_trap();
      return 0;
    }
    if (!s.n_head || !s.n_embd || *s.n_head < 1 || *s.n_embd % *s.n_head != 0) __builtin_trap();
    if (s.layer_norm_epsilon && !(*s.layer_norm_epsilon > 0.0f)) __builtin_trap();
  } catch (const attnviz::Error& e) {
    (void)e.message(attnviz::Lang::Az);
  }
  try {
    for (const std::string& file : attnviz::shard_files(text, "model.bin.index.json")) {
      if (file.empty() || file == ".." || file.find('/') != std::string::npos) __builtin_trap();
    }
  } catch (const attnviz::Error& e) {
    (void)e.message(attnviz::Lang::Az);
  }
  return 0;
}
