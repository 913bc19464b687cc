// Uniform and normal floats from mt19937, computed the same way on every platform.
#include "attnviz/rng.hpp"

#include <cmath>

namespace attnviz {

float Rng::uniform(float from, float to) {
  constexpr uint32_t kMantissaMask = (1u << 24) - 1;
  const float unit = static_cast<float>(next_u32() & kMantissaMask) * 0x1p-24f;  // [0, 1)
  return unit * (to - from) + from;
}

float Rng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  // u1 in (0, 1] keeps log() finite. The transform runs in double; rounding to float hides any
  // last-bit difference between platforms' libm except in astronomically rare ties.
  const double u1 = 1.0 - static_cast<double>(uniform(0.0f, 1.0f));
  const double u2 = static_cast<double>(uniform(0.0f, 1.0f));
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * M_PI * u2;
  spare_ = static_cast<float>(radius * std::sin(theta));
  has_spare_ = true;
  return static_cast<float>(radius * std::cos(theta));
}

void Rng::fill_uniform(Matrix& m, float from, float to) {
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = uniform(from, to);
}

void Rng::fill_normal(Matrix& m) {
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = normal();
}

}  // namespace attnviz
