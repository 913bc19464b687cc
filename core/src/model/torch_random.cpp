// PyTorch 1.13's CPU generator and float32 kernels, written out one float operation at a time.
// Sources (aten/src/ATen): core/MT19937RNGEngine.h, CPUGeneratorImpl.cpp,
// core/TransformationHelper.h, core/DistributionsHelper.h, native/cpu/DistributionTemplates.h and
// native/cpu/avx_mathfun.h (the AVX2 log and sincos, a port of Julien Pommier's Cephes-based
// sse_mathfun). This file is compiled with -ffp-contract=off: the compiler must fuse nothing on its
// own, or last bits change.
#include "attnviz/model/torch_random.hpp"

#include <cmath>
#include <cstring>

namespace attnviz {
namespace {

// uniform_real_distribution<float>: 24 random bits scaled to [0, 1), then to [from, to), in float.
// PyTorch's AVX2 (and AVX-512) build of this kernel fuses x·(to - from) + from into one FMA; its
// generic build rounds twice. The two agree whenever to - from is a power of two.
float uniform_float(uint32_t bits, float from, float to, TorchCpu cpu) {
  const float x = static_cast<float>(bits & 0xFFFFFFu) * (1.0f / 16777216.0f);
  return cpu == TorchCpu::Avx2 ? std::fma(x, to - from, from) : x * (to - from) + from;
}

// The same for double, from 53 of 64 bits.
double uniform_double(uint64_t bits, double from, double to) {
  const double x =
      static_cast<double>(bits & ((uint64_t{1} << 53) - 1)) * (1.0 / 9007199254740992.0);
  return x * (to - from) + from;
}

uint32_t bits_of(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

float float_of(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

// PyTorch's AVX2 kernels are built by GCC with -mfma and its default -ffp-contract=fast, so the
// compiler fused each multiply whose only use is an add into one FMA (one rounding). The lanes
// below spell those FMAs out where GCC made them; every other operation rounds on its own, as in
// the intrinsics. Checked bit for bit against Debian's PyTorch 1.13 on 100 003 draws.

// One lane of avx_mathfun's log256_ps: Cephes logf. Its input here is 1 - u, in [2^-24, 1].
float cephes_log(float x) {
  const float min_norm_pos = float_of(0x00800000u);
  x = x > min_norm_pos ? x : min_norm_pos;  // _mm256_max_ps: cut off denormals
  int32_t imm0 = static_cast<int32_t>(bits_of(x) >> 23);
  x = float_of((bits_of(x) & ~0x7F800000u) | bits_of(0.5f));  // mantissa in [0.5, 1)
  imm0 -= 0x7F;
  float e = static_cast<float>(imm0);
  e = e + 1.0f;
  const bool below = x < static_cast<float>(0.707106781186547524);  // √½
  const float tmp = below ? x : 0.0f;
  x = x - 1.0f;
  e = e - (below ? 1.0f : 0.0f);
  x = x + tmp;
  const float z = x * x;
  static constexpr double kP[] = {7.0376836292E-2,  -1.1514610310E-1, 1.1676998740E-1,
                                  -1.2420140846E-1, +1.4249322787E-1, -1.6668057665E-1,
                                  +2.0000714765E-1, -2.4999993993E-1, +3.3333331174E-1};
  float y = static_cast<float>(kP[0]);
  for (int i = 1; i < 9; ++i) y = std::fma(y, x, static_cast<float>(kP[i]));
  y = y * x;
  y = std::fma(y, z,
               e * static_cast<float>(-2.12194440e-4));  // y·z + e·q1: the first product fused
  y = std::fma(-z, 0.5f, y);
  x = x + y;
  return std::fma(e, static_cast<float>(0.693359375), x);
}

// One lane of avx_mathfun's sincos256_ps: Cephes sinf and cosf sharing the range reduction.
void cephes_sincos(float x, float* s, float* c) {
  const uint32_t sign_mask = 0x80000000u;
  uint32_t sign_bit_sin = bits_of(x) & sign_mask;
  x = float_of(bits_of(x) & ~sign_mask);
  float y = x * static_cast<float>(1.27323954473516);  // 4/π
  int32_t imm2 = static_cast<int32_t>(y);              // truncation, as cvttps
  imm2 = (imm2 + 1) & ~1;                              // j = (j + 1) & ~1
  y = static_cast<float>(imm2);
  int32_t imm4 = imm2;
  const uint32_t swap_sign_bit_sin = static_cast<uint32_t>(imm2 & 4) << 29;
  const bool poly_mask = (imm2 & 2) == 0;  // true: the cosine polynomial gives cos
  // Extended-precision modular arithmetic: x = ((x - y·DP1) - y·DP2) - y·DP3.
  x = std::fma(y, static_cast<float>(-0.78515625), x);
  x = std::fma(y, static_cast<float>(-2.4187564849853515625e-4), x);
  x = std::fma(y, static_cast<float>(-3.77489497744594108e-8), x);
  imm4 = imm4 - 2;
  const uint32_t sign_bit_cos = static_cast<uint32_t>(~imm4 & 4) << 29;
  sign_bit_sin ^= swap_sign_bit_sin;

  const float z = x * x;
  float yc = static_cast<float>(2.443315711809948E-005);
  yc = std::fma(yc, z, static_cast<float>(-1.388731625493765E-003));
  yc = std::fma(yc, z, static_cast<float>(4.166664568298827E-002));
  yc = yc * z;
  yc = std::fma(yc, z, -(z * 0.5f));  // y·z - z·½: the first product fused
  yc = yc + 1.0f;

  float ys = static_cast<float>(-1.9515295891E-4);
  ys = std::fma(ys, z, static_cast<float>(8.3321608736E-3));
  ys = std::fma(ys, z, static_cast<float>(-1.6666654611E-1));
  ys = ys * z;
  ys = std::fma(ys, x, x);

  // The vector code selects with masks and adds the unselected zero: keep those additions, they
  // turn a -0 into +0 exactly as PyTorch does.
  const float ysin2 = poly_mask ? ys : 0.0f;
  const float ysin1 = poly_mask ? 0.0f : yc;
  ys = ys - ysin2;
  yc = yc - ysin1;
  *s = float_of(bits_of(ysin1 + ysin2) ^ sign_bit_sin);
  *c = float_of(bits_of(yc + ys) ^ sign_bit_cos);
}

// normal_fill_16_AVX2: 16 uniforms in [0, 1) become 16 normals, pairing j with j + 8.
void normal_fill_16_avx2(float* data, float mean, float std) {
  const auto two_pi = static_cast<float>(2.0f * M_PI);
  for (int j = 0; j < 8; ++j) {
    const float u1 = 1.0f - data[j];
    const float u2 = data[j + 8];
    const float radius = std::sqrt(-2.0f * cephes_log(u1));
    const float theta = two_pi * u2;
    float sin_theta, cos_theta;
    cephes_sincos(theta, &sin_theta, &cos_theta);
    data[j] = std::fma(radius * cos_theta, std, mean);
    data[j + 8] = std::fma(radius * sin_theta, std, mean);
  }
}

// normal_fill_16, the generic kernel: the C library's logf, cosf and sinf.
void normal_fill_16_generic(float* data, float mean, float std) {
  for (int j = 0; j < 8; ++j) {
    const float u1 = 1 - data[j];  // [0, 1) → (0, 1] for log
    const float u2 = data[j + 8];
    const float radius = std::sqrt(-2 * std::log(u1));
    const auto theta = static_cast<float>(2.0f * M_PI * u2);  // in double, then rounded
    data[j] = radius * std::cos(theta) * std + mean;
    data[j + 8] = radius * std::sin(theta) * std + mean;
  }
}

}  // namespace

uint64_t TorchGenerator::random64() {
  const uint64_t hi = random();
  const uint64_t lo = random();
  return (hi << 32) | lo;
}

void TorchGenerator::uniform(float* data, size_t n, double from, double to) {
  const auto lo = static_cast<float>(from);
  const auto hi = static_cast<float>(to);
  for (size_t i = 0; i < n; ++i) data[i] = uniform_float(random(), lo, hi, cpu_);
}

void TorchGenerator::normal(float* data, size_t n, double mean, double std) {
  if (n >= 16) {
    normal_fill(data, n, static_cast<float>(mean), static_cast<float>(std));
    return;
  }
  for (size_t i = 0; i < n; ++i) data[i] = static_cast<float>(normal_double(mean, std));
}

// at::exponential_distribution<double>, one per element through cpu_serial_kernel.
void TorchGenerator::exponential(float* data, size_t n, double lambda) {
  for (size_t i = 0; i < n; ++i) {
    const double u = uniform_double(random64(), 0.0, 1.0);
    data[i] = static_cast<float>(-1.0 / lambda * std::log(1.0 - u));
  }
}

// Uniforms for the whole tensor first, then Box–Muller on blocks of 16; a ragged end redraws 16
// fresh uniforms for the last 16 places (overwriting some already done), as PyTorch does.
void TorchGenerator::normal_fill(float* data, size_t n, float mean, float std) {
  const auto fill_16 = cpu_ == TorchCpu::Avx2 ? normal_fill_16_avx2 : normal_fill_16_generic;
  for (size_t i = 0; i < n; ++i) data[i] = uniform_float(random(), 0.0f, 1.0f, cpu_);
  for (size_t i = 0; i + 16 <= n; i += 16) fill_16(data + i, mean, std);
  if (n % 16 != 0) {
    float* last = data + n - 16;
    for (size_t i = 0; i < 16; ++i) last[i] = uniform_float(random(), 0.0f, 1.0f, cpu_);
    fill_16(last, mean, std);
  }
}

// at::normal_distribution<double>: Box–Muller in double, the sine kept for the next call.
double TorchGenerator::normal_double(double mean, double std) {
  if (next_double_normal_) {
    const double cached = *next_double_normal_;
    next_double_normal_.reset();
    return cached * std + mean;
  }
  const double u1 = uniform_double(random64(), 0.0, 1.0);
  const double u2 = uniform_double(random64(), 0.0, 1.0);
  const double r = std::sqrt(-2.0 * std::log(1.0 - u2));
  const double theta = 2.0 * M_PI * u1;
  next_double_normal_ = r * std::sin(theta);
  return r * std::cos(theta) * std + mean;
}

double kaiming_uniform_bound(int64_t fan_in) {
  // torch.nn.init: gain = calculate_gain('leaky_relu', a) = √(2 / (1 + a²)), std = gain / √fan,
  // bound = √3 · std — each step a Python float operation.
  const double a = std::sqrt(5.0);
  const double gain = std::sqrt(2.0 / (1 + std::pow(a, 2)));
  const double std = gain / std::sqrt(static_cast<double>(fan_in));
  return std::sqrt(3.0) * std;
}

double linear_bias_bound(int64_t fan_in) { return 1 / std::sqrt(static_cast<double>(fan_in)); }

}  // namespace attnviz
