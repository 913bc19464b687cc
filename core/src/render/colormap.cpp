// Colormap lookup by name and by value.
#include "attnviz/render/colormap.hpp"

#include <cmath>
#include <memory>

#include "attnviz/error.hpp"
#include "render/colormap_data.hpp"

namespace attnviz {
namespace {

int hex_digit(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

uint8_t hex_byte(const char* p) {
  return static_cast<uint8_t>(hex_digit(p[0]) * 16 + hex_digit(p[1]));
}

}  // namespace

Colormap::Colormap(std::string name, const char* hex) : name_(std::move(name)) {
  for (size_t i = 0; i < lut_.size(); ++i) {
    const char* p = hex + 6 * i;
    lut_[i] = {hex_byte(p), hex_byte(p + 2), hex_byte(p + 4)};
  }
}

const Colormap& Colormap::named(std::string_view name) {
  // Decoded on first use only: a run without color pays nothing.
  static const std::vector<Colormap> all = [] {
    std::vector<Colormap> maps;
    for (const ColormapData& data : kColormapData) maps.push_back(Colormap(data.name, data.hex));
    return maps;
  }();
  for (const Colormap& map : all) {
    if (map.name() == name) return map;
  }
  std::string known;
  for (const std::string& n : names()) known += (known.empty() ? "" : ", ") + n;
  throw Error(Err::UnknownColormap, {std::string(name), known});
}

std::vector<std::string> Colormap::names() {
  std::vector<std::string> out;
  for (const ColormapData& data : kColormapData) out.emplace_back(data.name);
  return out;
}

int Colormap::index_of(float t) {
  if (!(t > 0.0f)) return 0;  // also NaN
  const float scaled = std::floor(t * static_cast<float>(kSize));
  return scaled >= static_cast<float>(kSize - 1) ? kSize - 1 : static_cast<int>(scaled);
}

}  // namespace attnviz
