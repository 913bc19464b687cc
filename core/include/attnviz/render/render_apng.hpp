// Images → an animated PNG (APNG) that loops: every color exact, for browsers and Keynote.
#pragma once

#include <string>

#include "attnviz/render/render_png.hpp"

namespace attnviz {

// An APNG written a frame at a time (all the same size, opaque: 3 or 4 channels, alpha ignored),
// looping forever. The first frame is the image a viewer without APNG shows; each later one holds
// only the rectangle that changed, drawn over the frame before.
class ApngWriter {
 public:
  explicit ApngWriter(int frames);  // how many add() will give: the file says so before them
  // Shown `delay_cs` hundredths of a second.
  void add(const Image& frame, int delay_cs);
  std::string finish();

 private:
  int frames_ = 0, added_ = 0;
  uint32_t sequence_ = 0;  // of the fcTL and fdAT chunks
  std::string png_;
  Image previous_;
};

}  // namespace attnviz
