// Scene → pixels → PNG.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "attnviz/render/font.hpp"
#include "attnviz/render/scene.hpp"

namespace attnviz {

// Memory for pixels: from 1 MiB, whole 2 MiB transparent huge pages where Linux grants them on
// request, so a 750 × 768 heatmap faults in at once instead of a page at a time (0.1 ms, not 0.7).
void* allocate_pixels(size_t bytes);
void free_pixels(void* p) noexcept;

template <class T>
struct PixelAllocator {
  using value_type = T;
  PixelAllocator() = default;
  template <class U>
  PixelAllocator(const PixelAllocator<U>&) {}
  T* allocate(size_t n) { return static_cast<T*>(allocate_pixels(n * sizeof(T))); }
  void deallocate(T* p, size_t) noexcept { free_pixels(p); }
  template <class U>
  bool operator==(const PixelAllocator<U>&) const {
    return true;
  }
  template <class U>
  bool operator!=(const PixelAllocator<U>&) const {
    return false;
  }
};

struct Image {
  int width = 0, height = 0;
  int channels = 4;  // 3: RGB, opaque; 4: RGBA, straight (not premultiplied) alpha
  std::vector<uint8_t, PixelAllocator<uint8_t>> pixels;  // (height, width, channels), row-major
};

// RGB over an opaque background (most scenes), RGBA over a transparent one.
Image rasterize(const Scene& scene, const Font& font);

// PNG bytes; RGB when the image is fully opaque (an RGBA one is made RGB then), RGBA otherwise.
// Takes the image to reuse its buffer: the RGB pixels and the filtered rows are made in place,
// nothing else that large.
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
