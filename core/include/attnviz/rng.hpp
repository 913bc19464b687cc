// Seeded random numbers that are identical on every machine and every run.
#pragma once

#include <cstdint>
#include <random>

#include "attnviz/matrix.hpp"

namespace attnviz {

// mt19937 (its output sequence is fixed by the C++ standard) with our own float transforms, since
// std::*_distribution is implementation-defined. Seeded like PyTorch's CPU generator, so the raw
// 32-bit stream equals the one torch.manual_seed(seed) starts.
class Rng {
 public:
  explicit Rng(uint32_t seed) : engine_(seed) {}

  uint32_t next_u32() { return static_cast<uint32_t>(engine_()); }

  // Uniform in [from, to) from 24 random bits: every float in [0, 1) step 2^-24 equally likely.
  float uniform(float from, float to);

  // Standard normal N(0, 1) by the Box–Muller transform, two values per pair of uniforms.
  float normal();

  // Fills row by row, as PyTorch fills a contiguous tensor.
  void fill_uniform(Matrix& m, float from, float to);
  void fill_normal(Matrix& m);

 private:
  std::mt19937 engine_;
  bool has_spare_ = false;
  float spare_ = 0.0f;
};

}  // namespace attnviz
