// Upper bounds on what attnviz accepts, checked before time or memory goes into an absurd input.
// Each has a flag to raise it (README, "Limits").
#pragma once

#include <cstddef>

namespace attnviz {

struct Limits {
  size_t max_tokens = 8192;                   // --max-tokens: tokens in one text
  int max_embd = 4096;                        // --max-embd: n_embd of random or loaded weights
  size_t max_file_bytes = size_t{256} << 20;  // --max-file-size (MiB): text, weights, font files
};

// Hard ceilings no flag lifts (block_size is also the position table's row count).
inline constexpr int kMaxBlockSize = 1 << 16;
inline constexpr int kMaxEmbdCeiling = 1 << 16;

}  // namespace attnviz
