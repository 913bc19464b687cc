// The raster renderer: rectangles, heatmap cells with hatching, anti-aliased text; and the PNG
// encoder (row filters in place, deflate.hpp's compressor, the chunks).
#include "attnviz/render/render_png.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <vector>

#include "attnviz/error.hpp"
#include "render/deflate.hpp"

namespace attnviz {
namespace {

int to_pixel(float v) { return static_cast<int>(std::lround(v)); }

class Canvas {
 public:
  Canvas(int width, int height, Rgba background) {
    image_.width = width;
    image_.height = height;
    const size_t row = static_cast<size_t>(width) * 4;
    image_.rgba.resize(row * static_cast<size_t>(height));
    for (size_t i = 0; i < row && i < image_.rgba.size(); i += 4) {  // one row, then copies
      image_.rgba[i] = background.r;
      image_.rgba[i + 1] = background.g;
      image_.rgba[i + 2] = background.b;
      image_.rgba[i + 3] = background.a;
    }
    for (size_t at = row; at < image_.rgba.size(); at += row) {
      std::memcpy(&image_.rgba[at], image_.rgba.data(), row);
    }
  }

  // Source-over blending of `color` with coverage `alpha` (0..255) at pixel (x, y).
  void blend(int x, int y, Rgba color, int alpha = 255) {
    if (x < 0 || y < 0 || x >= image_.width || y >= image_.height) return;
    uint8_t* p = &image_.rgba[(static_cast<size_t>(y) * static_cast<size_t>(image_.width) +
                               static_cast<size_t>(x)) *
                              4];
    if (alpha == 255 && color.a == 255) {  // opaque: most pixels of a heatmap
      p[0] = color.r;
      p[1] = color.g;
      p[2] = color.b;
      p[3] = 255;
      return;
    }
    const int sa = alpha * color.a / 255;
    if (sa == 0) return;
    const int da = p[3];
    const int out_a = sa + da * (255 - sa) / 255;
    const auto mix = [&](uint8_t src, uint8_t dst) {
      return static_cast<uint8_t>((src * sa + dst * da * (255 - sa) / 255 + out_a / 2) / out_a);
    };
    p[0] = mix(color.r, p[0]);
    p[1] = mix(color.g, p[1]);
    p[2] = mix(color.b, p[2]);
    p[3] = static_cast<uint8_t>(out_a);
  }

  Image take() { return std::move(image_); }

 private:
  Image image_;
};

// Diagonal hatching relative to the box's corner: lines where (dx − dy) mod period falls in a band
// half a period off the diagonal, so the centre of a square box keeps the base color.
bool on_hatch_line(int dx, int dy, int box) {
  const int period = std::clamp(box / 4, 3, 12);
  const int width = std::max(1, period / 4);
  const int d = ((dx - dy) % period + period) % period;
  return d >= period / 2 && d < period / 2 + width;
}

void draw_rect(Canvas& canvas, const RectShape& r) {
  const int x0 = to_pixel(r.x), y0 = to_pixel(r.y);
  const int x1 = to_pixel(r.x + r.w), y1 = to_pixel(r.y + r.h);
  const int box = std::min(x1 - x0, y1 - y0);
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const bool hatch = r.hatch && on_hatch_line(x - x0, y - y0, box);
      canvas.blend(x, y, hatch ? *r.hatch : r.fill);
    }
  }
}

// Cells are sampled at pixel centres, so a cell smaller than a pixel still shows its nearest value.
// Which cell (or gap, -1) each pixel column falls in is worked out once for all rows, and a cell's
// color once per run of pixels.
void draw_matrix(Canvas& canvas, const MatrixShape& m) {
  const auto T = static_cast<float>(m.T());
  const int x0 = to_pixel(m.x), y0 = to_pixel(m.y);
  const int x1 = to_pixel(m.x + T * m.cell), y1 = to_pixel(m.y + T * m.cell);
  const auto cell_of = [&](int pixel, float origin) -> Eigen::Index {
    const float f = (static_cast<float>(pixel) + 0.5f - origin) / m.cell;
    const auto k = std::min(static_cast<Eigen::Index>(f), m.T() - 1);
    return (f - static_cast<float>(k)) * m.cell >= m.cell - m.gap ? -1 : k;
  };
  std::vector<Eigen::Index> column(static_cast<size_t>(std::max(x1 - x0, 0)));
  for (int x = x0; x < x1; ++x) column[static_cast<size_t>(x - x0)] = cell_of(x, m.x);
  const int box = to_pixel(m.cell - m.gap);
  for (int y = y0; y < y1; ++y) {
    const Eigen::Index i = cell_of(y, m.y);
    if (i < 0) continue;
    const int cell_y = to_pixel(m.y + static_cast<float>(i) * m.cell);
    Eigen::Index last_j = -1;
    Rgba color{};
    for (int x = x0; x < x1; ++x) {
      const Eigen::Index j = column[static_cast<size_t>(x - x0)];
      if (j < 0) continue;
      if (!m.is_masked(i, j)) {
        if (j != last_j) color = opaque(m.color(i, j));
        last_j = j;
        canvas.blend(x, y, color);
        continue;
      }
      const int cell_x = to_pixel(m.x + static_cast<float>(j) * m.cell);
      const bool hatch = m.hatched() && on_hatch_line(x - cell_x, y - cell_y, box);
      canvas.blend(x, y, hatch ? m.hatch : m.masked);
    }
  }
}

float anchor_offset(Anchor anchor, float width) {
  switch (anchor) {
    case Anchor::Middle:
      return width / 2;
    case Anchor::End:
      return width;
    default:
      return 0;
  }
}

void draw_text(Canvas& canvas, const TextShape& t, const Font& font) {
  if (t.text.empty()) return;
  const GlyphMask mask = font.rasterize(t.text, t.size);
  const float offset = anchor_offset(t.anchor, font.width(t.text, t.size));
  const auto coverage = [&](int mx, int my) {
    return mask.coverage[static_cast<size_t>(my * mask.width + mx)];
  };
  if (!t.vertical) {
    const int left = to_pixel(t.x - offset) - mask.origin_x;
    const int top = to_pixel(t.y) - mask.baseline_y;
    for (int my = 0; my < mask.height; ++my) {
      for (int mx = 0; mx < mask.width; ++mx) {
        if (coverage(mx, my) != 0) canvas.blend(left + mx, top + my, t.color, coverage(mx, my));
      }
    }
    return;
  }
  // Rotated 90° counter-clockwise: mask (mx, my) lands at (my, width − 1 − mx), so the baseline
  // row becomes the column at x and the pen start the row at y (the text reads upwards).
  const int left = to_pixel(t.x) - mask.baseline_y;
  const int top = to_pixel(t.y + offset) - (mask.width - 1 - mask.origin_x);
  for (int my = 0; my < mask.height; ++my) {
    for (int mx = 0; mx < mask.width; ++mx) {
      if (coverage(mx, my) != 0) {
        canvas.blend(left + my, top + (mask.width - 1 - mx), t.color, coverage(mx, my));
      }
    }
  }
}

}  // namespace

Image rasterize(const Scene& scene, const Font& font) {
  Canvas canvas(scene.width, scene.height, scene.background);
  for (const Shape& shape : scene.shapes) {
    if (const auto* r = std::get_if<RectShape>(&shape)) draw_rect(canvas, *r);
    if (const auto* m = std::get_if<MatrixShape>(&shape)) draw_matrix(canvas, *m);
    if (const auto* t = std::get_if<TextShape>(&shape)) draw_text(canvas, *t, font);
  }
  return canvas.take();
}

namespace {

uint32_t crc32(const std::string& bytes, size_t from) {
  static const auto table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = from; i < bytes.size(); ++i) {
    c = table[(c ^ static_cast<uint8_t>(bytes[i])) & 0xFF] ^ (c >> 8);
  }
  return c ^ 0xFFFFFFFFu;
}

void put32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}

// A PNG chunk: length, type, data, CRC of type and data.
void chunk(std::string& png, const char* type, std::string_view data) {
  put32(png, static_cast<uint32_t>(data.size()));
  const size_t from = png.size();
  png += type;
  png += data;
  put32(png, crc32(png, from));
}

// A whole PNG of 8-bit samples: IHDR (color type 2 RGB, 3 palette, 6 RGBA), PLTE when a palette
// is given, the filtered rows compressed into one IDAT, IEND.
std::string png_file(int width, int height, int color_type, std::string_view palette,
                     uint8_t* filtered, size_t size) {
  std::string header;
  put32(header, static_cast<uint32_t>(width));
  put32(header, static_cast<uint32_t>(height));
  header += {8, static_cast<char>(color_type), 0, 0, 0};  // 8 bits, deflate, rows, no interlace
  int compressed_size = 0;
  unsigned char* z = zlib_compress_fast(filtered, static_cast<int>(size), &compressed_size, 0);
  if (z == nullptr) throw std::bad_alloc();
  std::string png("\x89PNG\r\n\x1a\n", 8);
  chunk(png, "IHDR", header);
  if (!palette.empty()) chunk(png, "PLTE", palette);
  chunk(png, "IDAT",
        std::string_view(reinterpret_cast<const char*>(z), static_cast<size_t>(compressed_size)));
  std::free(z);
  chunk(png, "IEND", "");
  return png;
}

}  // namespace

std::string encode_png(Image image) {
  bool opaque_image = true;
  for (size_t i = 3; i < image.rgba.size() && opaque_image; i += 4)
    opaque_image = image.rgba[i] == 255;
  const size_t channels = opaque_image ? 3 : 4;
  uint8_t* p = image.rgba.data();
  if (opaque_image) {  // RGB in place: each pixel moves to a lower or equal offset
    for (size_t i = 0, o = 0; i < image.rgba.size(); i += 4, o += 3) {
      p[o] = p[i];
      p[o + 1] = p[i + 1];
      p[o + 2] = p[i + 2];
    }
  }
  // Each row behind its filter byte, in place in the same buffer, from the last row up (row y
  // moves y bytes on, past no row still to be read): "up", the difference from the row above
  // (mostly 0 in a heatmap; the first row's is itself, the row above it being zeros).
  const auto w = static_cast<size_t>(image.width) * channels;
  const auto h = static_cast<size_t>(image.height);
  image.rgba.resize(std::max(image.rgba.size(), h * (w + 1)));
  p = image.rgba.data();
  std::vector<uint8_t> row(w);
  for (size_t y = h; y-- > 0;) {
    const uint8_t* now = p + y * w;
    for (size_t x = 0; x < w; ++x)
      row[x] = y == 0 ? now[x] : static_cast<uint8_t>(now[x] - now[x - w]);
    uint8_t* out = p + y * (w + 1);
    out[0] = 2;
    std::memcpy(out + 1, row.data(), w);
  }
  return png_file(image.width, image.height, opaque_image ? 2 : 6, "", p, h * (w + 1));
}

std::string encode_indexed_png(int width, int height, const std::vector<Rgb>& palette,
                               const std::function<void(int y, uint8_t* row)>& row_of) {
  std::string colors;
  for (const Rgb& c : palette) {
    colors += {static_cast<char>(c.r), static_cast<char>(c.g), static_cast<char>(c.b)};
  }
  // Each row behind its filter byte: none for the first, "up" (the difference from the row
  // above, mostly 0 in a heatmap) for the rest.
  const auto w = static_cast<size_t>(width);
  std::vector<uint8_t> rows((w + 1) * static_cast<size_t>(height)), above(w), now(w);
  for (size_t y = 0; y < static_cast<size_t>(height); ++y) {
    uint8_t* row = rows.data() + y * (w + 1);
    row_of(static_cast<int>(y), now.data());
    row[0] = y == 0 ? 0 : 2;
    for (size_t x = 0; x < w; ++x) row[x + 1] = static_cast<uint8_t>(now[x] - above[x]);
    std::swap(above, now);
  }
  return png_file(width, height, 3, colors, rows.data(), rows.size());
}

}  // namespace attnviz
