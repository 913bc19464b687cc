// The raster renderer: rectangles, heatmap cells with hatching, anti-aliased text; and the PNG
// encoder (row filters in place, deflate.hpp's compressor, the chunks).
#include "attnviz/render/render_png.hpp"

#include <sys/mman.h>

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
#include "render/png_parts.hpp"

namespace attnviz {
namespace {

int to_pixel(float v) { return static_cast<int>(std::lround(v)); }

// The image being drawn: RGB when the background is opaque (nothing drawn can make a pixel less
// so), RGBA when it is not.
class Canvas {
 public:
  Canvas(int width, int height, Rgba background) {
    image_.width = width;
    image_.height = height;
    image_.channels = background.a == 255 ? 3 : 4;
    const size_t c = static_cast<size_t>(image_.channels);
    const size_t row = static_cast<size_t>(width) * c;
    // Room for the filter byte before each row too, which encode_png() adds in place.
    image_.pixels.reserve((row + 1) * static_cast<size_t>(height));
    image_.pixels.resize(row * static_cast<size_t>(height));
    const uint8_t color[4] = {background.r, background.g, background.b, background.a};
    for (size_t i = 0; i < row && i < image_.pixels.size(); i += c) {  // one row, then copies
      std::memcpy(&image_.pixels[i], color, c);
    }
    for (size_t at = row; at < image_.pixels.size(); at += row) {
      std::memcpy(&image_.pixels[at], image_.pixels.data(), row);
    }
  }

  int width() const { return image_.width; }
  int height() const { return image_.height; }
  // Row y's first pixel; y must be inside the image.
  uint8_t* row(int y) {
    return &image_.pixels[static_cast<size_t>(y) * static_cast<size_t>(image_.width) *
                          static_cast<size_t>(image_.channels)];
  }

  // Source-over blending of `color` with coverage `alpha` (0..255) at pixel (x, y).
  void blend(int x, int y, Rgba color, int alpha = 255) {
    if (x < 0 || y < 0 || x >= image_.width || y >= image_.height) return;
    blend(row(y) + static_cast<size_t>(x) * static_cast<size_t>(image_.channels), color, alpha);
  }
  void blend(uint8_t* p, Rgba color, int alpha = 255) const {
    if (alpha == 255 && color.a == 255) {  // opaque: most pixels of a heatmap
      p[0] = color.r;
      p[1] = color.g;
      p[2] = color.b;
      if (image_.channels == 4) p[3] = 255;
      return;
    }
    const int sa = alpha * color.a / 255;
    if (sa == 0) return;
    const int da = image_.channels == 4 ? p[3] : 255;
    const int out_a = sa + da * (255 - sa) / 255;
    const auto mix = [&](uint8_t src, uint8_t dst) {
      return static_cast<uint8_t>((src * sa + dst * da * (255 - sa) / 255 + out_a / 2) / out_a);
    };
    p[0] = mix(color.r, p[0]);
    p[1] = mix(color.g, p[1]);
    p[2] = mix(color.b, p[2]);
    if (image_.channels == 4) p[3] = static_cast<uint8_t>(out_a);
  }
  size_t channels() const { return static_cast<size_t>(image_.channels); }

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
// The pixel columns fall into runs, one per cell (gaps left out), worked out once for all rows;
// each row then fills a run with its cell's color, or walks the hatching across a masked one.
void draw_matrix(Canvas& canvas, const MatrixShape& m) {
  const auto rows = static_cast<float>(m.n_rows()), cols = static_cast<float>(m.n_cols());
  const int x0 = std::max(to_pixel(m.x), 0), y0 = std::max(to_pixel(m.y), 0);
  const int x1 = std::min(to_pixel(m.x + cols * m.cell), canvas.width());
  const int y1 = std::min(to_pixel(m.y + rows * m.cell), canvas.height());
  const auto cell_of = [&](int pixel, float origin, Eigen::Index n) -> Eigen::Index {
    const float f = (static_cast<float>(pixel) + 0.5f - origin) / m.cell;
    const auto k = std::min(static_cast<Eigen::Index>(f), n - 1);
    return (f - static_cast<float>(k)) * m.cell >= m.cell - m.gap ? -1 : k;
  };
  const auto start_of = [&](Eigen::Index k, float origin) {
    return to_pixel(origin + static_cast<float>(k) * m.cell);
  };
  struct Run {
    int begin, end;  // pixel columns [begin, end)
    Eigen::Index j;  // the cell's column
    int cell_x;      // where the cell starts, for its hatching
  };
  std::vector<Run> runs;
  for (int x = x0; x < x1; ++x) {
    const Eigen::Index j = cell_of(x, m.x, m.n_cols());
    if (j < 0) continue;
    if (!runs.empty() && runs.back().j == j && runs.back().end == x) {
      ++runs.back().end;
    } else {
      runs.push_back({x, x + 1, j, start_of(j, m.x)});
    }
  }
  const int box = to_pixel(m.cell - m.gap);
  const int period = std::clamp(box / 4, 3, 12);  // as on_hatch_line() draws it
  const int width = std::max(1, period / 4);
  const size_t c = canvas.channels();
  for (int y = y0; y < y1; ++y) {
    const Eigen::Index i = cell_of(y, m.y, m.n_rows());
    if (i < 0) continue;
    const int cell_y = start_of(i, m.y);
    uint8_t* row = canvas.row(y);
    for (const Run& r : runs) {
      uint8_t* p = row + static_cast<size_t>(r.begin) * c;
      if (!m.is_masked(i, r.j) || !m.hatched()) {
        const Rgba color = m.is_masked(i, r.j) ? m.masked : opaque(m.color(i, r.j));
        for (int x = r.begin; x < r.end; ++x, p += c) canvas.blend(p, color);
        continue;
      }
      // (dx − dy) mod period, stepped along the row.
      int d = ((r.begin - r.cell_x - (y - cell_y)) % period + period) % period;
      for (int x = r.begin; x < r.end; ++x, p += c) {
        const bool hatch = d >= period / 2 && d < period / 2 + width;
        canvas.blend(p, hatch ? m.hatch : m.masked);
        if (++d == period) d = 0;
      }
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

void* allocate_pixels(size_t bytes) {
  constexpr size_t kHuge = size_t{2} << 20;
  if (bytes < kHuge / 2) {
    if (void* p = std::malloc(bytes)) return p;
    throw std::bad_alloc();
  }
  const size_t size = (bytes + kHuge - 1) / kHuge * kHuge;
  void* p = std::aligned_alloc(kHuge, size);
  if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  madvise(p, size, MADV_HUGEPAGE);  // refused: 4 KiB pages as usual
#endif
  return p;
}

void free_pixels(void* p) noexcept { std::free(p); }

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

// zlib stream of `size` bytes.
std::string zlib(uint8_t* data, size_t size) {
  int compressed_size = 0;
  unsigned char* z = zlib_compress_fast(data, static_cast<int>(size), &compressed_size, 0);
  if (z == nullptr) throw std::bad_alloc();
  std::string out(reinterpret_cast<const char*>(z), static_cast<size_t>(compressed_size));
  std::free(z);
  return out;
}

// A whole PNG of 8-bit samples: IHDR (color type 2 RGB, 3 palette, 6 RGBA), PLTE when a palette
// is given, the filtered rows compressed into one IDAT, IEND.
std::string png_file(int width, int height, int color_type, std::string_view palette,
                     uint8_t* filtered, size_t size) {
  std::string png("\x89PNG\r\n\x1a\n", 8);
  png_chunk(png, "IHDR", png_header(width, height, color_type));
  if (!palette.empty()) png_chunk(png, "PLTE", palette);
  png_chunk(png, "IDAT", zlib(filtered, size));
  png_chunk(png, "IEND", "");
  return png;
}

}  // namespace

void put32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}

void png_chunk(std::string& png, const char* type, std::string_view data) {
  put32(png, static_cast<uint32_t>(data.size()));
  const size_t from = png.size();
  png += type;
  png += data;
  put32(png, crc32(png, from));
}

std::string png_header(int width, int height, int color_type) {
  std::string header;
  put32(header, static_cast<uint32_t>(width));
  put32(header, static_cast<uint32_t>(height));
  header += {8, static_cast<char>(color_type), 0, 0, 0};
  return header;
}

std::string png_rgb_rows(const Image& image, PixelRect rect) {
  const auto w = static_cast<size_t>(rect.x1 - rect.x0) * 3;
  const auto channels = static_cast<size_t>(image.channels);
  std::vector<uint8_t> rows((w + 1) * static_cast<size_t>(rect.y1 - rect.y0)), above(w), now(w);
  uint8_t* out = rows.data();
  for (int y = rect.y0; y < rect.y1; ++y) {
    const uint8_t* p =
        image.pixels.data() +
        (static_cast<size_t>(y) * static_cast<size_t>(image.width) + static_cast<size_t>(rect.x0)) *
            channels;
    for (size_t x = 0; x < w / 3; ++x) std::memcpy(&now[3 * x], p + x * channels, 3);
    *out++ = 2;  // up: the first row's "above" is zeros
    for (size_t k = 0; k < w; ++k) *out++ = static_cast<uint8_t>(now[k] - above[k]);
    std::swap(above, now);
  }
  return zlib(rows.data(), rows.size());
}

PixelRect changed_rect(const Image& now, const Image& before) {
  const int W = now.width, H = now.height;
  const auto rgb = [W](const Image& image, int x, int y) {
    return pixel_rgb(image,
                     static_cast<size_t>(y) * static_cast<size_t>(W) + static_cast<size_t>(x));
  };
  PixelRect r{W, H, 0, 0};
  for (int y = 0; y < H; ++y) {
    for (int x = 0; x < W; ++x) {
      if (rgb(now, x, y) == rgb(before, x, y)) continue;
      r.x0 = std::min(r.x0, x), r.y0 = std::min(r.y0, y);
      r.x1 = std::max(r.x1, x + 1), r.y1 = std::max(r.y1, y + 1);
    }
  }
  if (r.x1 <= r.x0) r = {0, 0, 1, 1};  // unchanged: one pixel, drawn again
  return r;
}

std::string encode_png(Image image) {
  auto& pixels = image.pixels;
  if (image.channels == 4) {
    bool opaque_image = true;
    for (size_t i = 3; i < pixels.size() && opaque_image; i += 4) opaque_image = pixels[i] == 255;
    if (opaque_image) {  // RGB in place: each pixel moves to a lower or equal offset
      for (size_t i = 0, o = 0; i < pixels.size(); i += 4, o += 3) {
        pixels[o] = pixels[i];
        pixels[o + 1] = pixels[i + 1];
        pixels[o + 2] = pixels[i + 2];
      }
      image.channels = 3;
    }
  }
  // Each row behind its filter byte, in place in the same buffer, from the last row up and each
  // row from its right end (row y moves y + 1 bytes on, over bytes already read): "up", the
  // difference from the row above (mostly 0 in a heatmap; the first row's is itself, the row
  // above it being zeros).
  const auto w = static_cast<size_t>(image.width) * static_cast<size_t>(image.channels);
  const auto h = static_cast<size_t>(image.height);
  pixels.resize(std::max(pixels.size(), h * (w + 1)));
  uint8_t* p = pixels.data();
  for (size_t y = h; y-- > 0;) {
    const uint8_t* now = p + y * w;
    const uint8_t* above = y > 0 ? now - w : now;
    uint8_t* out = p + y * (w + 1) + 1;
    if (y == 0) {
      std::memmove(out, now, w);
    } else {
      // 64 bytes at a time from the right: each block is read whole before it is written.
      size_t x = w;
      for (; x >= 64; x -= 64) {
        uint8_t block[64];
        for (size_t k = 0; k < 64; ++k)
          block[k] = static_cast<uint8_t>(now[x - 64 + k] - above[x - 64 + k]);
        std::memcpy(out + x - 64, block, 64);
      }
      while (x-- > 0) out[x] = static_cast<uint8_t>(now[x] - above[x]);
    }
    out[-1] = 2;
  }
  return png_file(image.width, image.height, image.channels == 3 ? 2 : 6, "", p, h * (w + 1));
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
