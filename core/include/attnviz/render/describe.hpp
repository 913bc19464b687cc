// One line saying what a run computed, for table headers, explanations and image titles.
#pragma once

#include <string>

#include "attnviz/i18n/lang.hpp"
#include "attnviz/run/result.hpp"

namespace attnviz {

// `"Azərbaycan dili": masked self-attention, 15 tokens (char), n_embd 16, head_size 16, random
// weights (seed 1337)`.
std::string run_summary(const Result& result, Lang lang);

// The same without the text: `masked self-attention, 15 tokens (char), n_embd 16, ...`.
std::string run_details(const Result& result, Lang lang);

// How a generation drew its tokens: `temperature 0.8, top-k 200, top-p 1, seed 1337`.
std::string sampling_settings(const GenerationInfo& g, Lang lang);

}  // namespace attnviz
