// Scene → pixels → PNG.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "attnviz/render/font.hpp"
#include "attnviz/render/scene.hpp"

namespace attnviz {

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;  // (height, width, 4), row-major, straight (not premultiplied) alpha
};

Image rasterize(const Scene& scene, const Font& font);

// PNG bytes; RGB when the image is fully opaque, RGBA otherwise. Takes the image to reuse its
// buffer: the RGB pixels and the filtered rows are made in place, nothing else that large.
std::string encode_png(Image image);

// A PNG of palette colors (at most 256): row_of(y, row) writes row y's `width` entries of
// `palette`. A heatmap's cells as one byte each, made a row at a time: what an SVG of a long text
// embeds.
std::string encode_indexed_png(int width, int height, const std::vector<Rgb>& palette,
                               const std::function<void(int y, uint8_t* row)>& row_of);

inline std::string render_png(const Scene& scene, const Font& font) {
  return encode_png(rasterize(scene, font));
}

}  // namespace attnviz
