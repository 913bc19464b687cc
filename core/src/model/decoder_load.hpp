// The decoders after GPT-2 from their Hugging Face tensors and config.json (private header:
// load_transformer() calls it for a folder whose config names one).
#pragma once

#include <vector>

#include "attnviz/model/transformer.hpp"

namespace attnviz {

// Whether the tensors are a Llama-style decoder's (model.layers.0.self_attn.q_proj.weight).
bool looks_like_decoder(const StateDict& state_dict);

// The whole model as settings.decoder describes it, every tensor's shape checked against it.
Transformer load_decoder(const StateDict& state_dict, const ModelSettings& settings,
                         std::vector<Words>& warnings, UncheckedKeys* unchecked);

}  // namespace attnviz
