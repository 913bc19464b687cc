// PyTorch's CPU random numbers, bit for bit: torch.manual_seed, then float32 uniform_ and normal_
// as PyTorch 1.13 computes them (the generator and kernels the lesson's modules draw from).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>

#include "attnviz/matrix.hpp"

namespace attnviz {

// PyTorch builds its CPU kernels more than once and picks one set at start-up. Two give different
// last bits here: the AVX2 set (x86-64 CPUs with AVX2; AVX-512 CPUs draw the same numbers), whose
// normal_ has its own vectorized log and sincos and whose uniform_ fuses a multiply-add, and the
// generic set (CPUs without AVX2, ARM, or ATEN_CPU_CAPABILITY=default), which uses the C library.
enum class TorchCpu { Avx2, Generic };

class TorchGenerator {
 public:
  // torch.manual_seed(seed): mt19937 seeded with the seed's low 32 bits, no cached normal.
  explicit TorchGenerator(uint64_t seed, TorchCpu cpu = TorchCpu::Avx2)
      : engine_(static_cast<uint32_t>(seed)), cpu_(cpu) {}

  uint32_t random() { return static_cast<uint32_t>(engine_()); }
  uint64_t random64();  // two draws, the first one the high half

  // tensor.uniform_(from, to) for n contiguous floats. The bounds arrive as Python floats (double)
  // and are rounded to float32 first, as PyTorch does.
  void uniform(float* data, size_t n, double from, double to);
  // tensor.normal_(mean, std) for n contiguous floats.
  void normal(float* data, size_t n, double mean, double std);
  // tensor.exponential_(lambd) for n contiguous floats: each −1/λ · log(1 − u) in double, u from
  // 53 random bits, rounded to float32 (the same in both kernel sets). torch.multinomial draws
  // one sample this way.
  void exponential(float* data, size_t n, double lambda = 1.0);

  void uniform(Matrix& m, double from, double to) { uniform(m.data(), m.size(), from, to); }
  void normal(Matrix& m, double mean = 0.0, double std = 1.0) {
    normal(m.data(), m.size(), mean, std);
  }

 private:
  void normal_fill(float* data, size_t n, float mean, float std);
  double normal_double(double mean, double std);

  std::mt19937 engine_;  // at::mt19937 is the standard mt19937: same seeding, same stream
  TorchCpu cpu_;
  std::optional<double> next_double_normal_;  // Box–Muller's second value, kept across calls
};

// The bound b of nn.Linear's default weight init, kaiming_uniform_(a=√5): U(-b, b), computed in
// double exactly as torch.nn.init does (≈ 1/√fan_in, but not always the same double).
double kaiming_uniform_bound(int64_t fan_in);

// The bound of nn.Linear's default bias init: 1/√fan_in.
double linear_bias_bound(int64_t fan_in);

}  // namespace attnviz
