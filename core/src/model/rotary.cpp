// Rotary embedding frequencies, each step in float32 as transformers' torch code takes it.
#include "model/rotary.hpp"

#include <cmath>
#include <cstdio>

namespace attnviz {

Rotary rotary_of(const RopeSettings& rope, int head_dim) {
  const int half = head_dim / 2;
  Rotary r;
  r.base = rope.theta;
  r.inv_freq = Matrix(1, half);  // (1, d/2)
  const auto base = static_cast<float>(rope.theta);
  for (int i = 0; i < half; ++i) {
    // torch.arange(0, dim, 2).float() / dim, then base ** that and 1.0 / it, each in float32
    const float exponent = static_cast<float>(2 * i) / static_cast<float>(head_dim);
    const auto power = static_cast<float>(std::pow(static_cast<double>(base), exponent));
    r.inv_freq(0, i) = 1.0f / power;
  }
  if (!rope.divisors.empty()) {  // a GGUF's rope_freqs: theta / factor as llama.cpp divides it
    for (int i = 0; i < half; ++i) r.inv_freq(0, i) /= rope.divisors[static_cast<size_t>(i)];
    r.scaling = "rope_freqs";
  }
  const auto factor = static_cast<float>(rope.factor);
  if (rope.type != "default") {
    char f[32];
    std::snprintf(f, sizeof f, "%g", rope.factor);
    r.scaling = rope.type + " × " + f;
  }
  if (rope.type == "linear") {
    r.inv_freq /= factor;
  } else if (rope.type == "llama3") {
    const auto old_context = static_cast<float>(rope.original_max_positions);
    const auto low = static_cast<float>(rope.low_freq_factor);
    const auto high = static_cast<float>(rope.high_freq_factor);
    const float low_freq_wavelen = old_context / low, high_freq_wavelen = old_context / high;
    for (int i = 0; i < half; ++i) {
      const float f = r.inv_freq(0, i);
      const float wavelen = static_cast<float>(2.0 * M_PI) / f;
      if (wavelen > low_freq_wavelen) {  // low frequencies: scaled down
        r.inv_freq(0, i) = f / factor;
      } else if (!(wavelen < high_freq_wavelen)) {  // between: a smooth blend of the two
        const float smooth = (old_context / wavelen - low) / (high - low);
        r.inv_freq(0, i) = (1.0f - smooth) * f / factor + smooth * f;
      }
    }
  }
  return r;
}

}  // namespace attnviz
