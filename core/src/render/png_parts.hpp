// Pieces of a PNG file (private header), for the PNG encoder and the APNG writer; and the
// rectangle where one animation frame differs from the one before, for the GIF and APNG writers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "attnviz/render/render_png.hpp"

namespace attnviz {

// A rectangle of an image: columns [x0, x1), rows [y0, y1).
struct PixelRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

// The RGB of pixel `index` (y · width + x) of an opaque image, as 0xRRGGBB.
inline uint32_t pixel_rgb(const Image& image, size_t index) {
  const uint8_t* p = image.pixels.data() + index * static_cast<size_t>(image.channels);
  return (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2];
}

// The rectangle where `now` differs from `before` (both opaque, the same size; RGB compared, alpha
// ignored), or one pixel at the origin when nothing does.
PixelRect changed_rect(const Image& now, const Image& before);

void put32(std::string& out, uint32_t v);  // big-endian, as PNG's integers

// A PNG chunk: length, type, data, CRC of type and data.
void png_chunk(std::string& png, const char* type, std::string_view data);

// IHDR's data: the size, 8 bits a sample, the color type (2 RGB, 3 palette, 6 RGBA), deflate,
// row filters, no interlace.
std::string png_header(int width, int height, int color_type);

// The RGB rows of `rect` (alpha dropped), each behind the "up" filter, as one zlib stream.
std::string png_rgb_rows(const Image& image, PixelRect rect);

}  // namespace attnviz
