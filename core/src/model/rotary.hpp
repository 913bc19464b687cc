// A rotary embedding's angle per position of each pair, from config.json's settings (private
// header).
#pragma once

#include "attnviz/formats/model_folder.hpp"
#include "attnviz/model/weights.hpp"

namespace attnviz {

// inv_freq (1, head_dim / 2) as transformers' modeling_rope_utils.py computes it in float32:
// default 1 / base^(2i / d); linear divides it by the factor; llama3 divides the low frequencies
// (wavelength above original_max_positions / low_freq_factor) by the factor, keeps the high ones
// (below … / high_freq_factor) and blends those between.
Rotary rotary_of(const RopeSettings& rope, int head_dim);

}  // namespace attnviz
