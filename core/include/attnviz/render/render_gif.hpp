// Images → an animated GIF that loops: what slides (PowerPoint, Google Slides, Keynote) and
// browsers play.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "attnviz/render/render_png.hpp"

namespace attnviz {

// A GIF89a written a frame at a time (all the same size, opaque: 3 or 4 channels, alpha ignored),
// looping forever, so that only the frame before stays in memory. One palette for all, made from
// `sample` (the first and last frames, say): their colors when there are at most 256, else the 256
// most frequent; any other color is drawn as its nearest. Each frame after the first holds only
// the rectangle that changed.
class GifWriter {
 public:
  explicit GifWriter(const std::vector<const Image*>& sample);
  ~GifWriter();
  // Shown `delay_cs` hundredths of a second.
  void add(const Image& frame, int delay_cs);
  std::string finish();

 private:
  struct Palette;
  std::unique_ptr<Palette> palette_;
  std::string gif_;
  Image previous_;
};

}  // namespace attnviz
