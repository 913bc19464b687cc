// Colormaps with matplotlib's 256-entry tables: viridis, magma, inferno, plasma, cividis, gray,
// greys, blues.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb& o) const { return r == o.r && g == o.g && b == o.b; }
  // Relative luminance in [0, 1] (Rec. 709 weights on sRGB values): picks black or white text.
  double luminance() const { return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255.0; }
};

class Colormap {
 public:
  static constexpr int kSize = 256;

  // Throws Error listing the known names for any other.
  static const Colormap& named(std::string_view name);
  static std::vector<std::string> names();

  const std::string& name() const { return name_; }
  const Rgb& entry(int index) const { return lut_[static_cast<size_t>(index)]; }
  // The entry for t in [0, 1], by matplotlib's rule: floor(t · 256), clipped to 0..255.
  const Rgb& operator()(float t) const { return entry(index_of(t)); }
  static int index_of(float t);

 private:
  Colormap(std::string name, const char* hex);
  std::string name_;
  std::array<Rgb, kSize> lut_;
};

}  // namespace attnviz
