// APNG: IHDR, acTL, then per frame fcTL with IDAT (the first) or fdAT (the rest), IEND.
#include "attnviz/render/render_apng.hpp"

#include "attnviz/error.hpp"
#include "render/png_parts.hpp"

namespace attnviz {

ApngWriter::ApngWriter(int frames) : frames_(frames) {}

void ApngWriter::add(const Image& frame, int delay_cs) {
  const int W = frame.width, H = frame.height;
  const bool first = added_ == 0;
  if (frame.channels < 3 || added_ == frames_ ||
      (!first && (W != previous_.width || H != previous_.height)))
    throw Error(Err::Internal, {"APNG frames of different sizes, or more than announced"});
  if (first) {
    png_.assign("\x89PNG\r\n\x1a\n", 8);
    png_chunk(png_, "IHDR", png_header(W, H, 2));
    std::string control;  // frames, then plays: 0, forever
    put32(control, static_cast<uint32_t>(frames_));
    put32(control, 0);
    png_chunk(png_, "acTL", control);
  }
  const PixelRect r = first ? PixelRect{0, 0, W, H} : changed_rect(frame, previous_);
  std::string control;
  put32(control, sequence_++);
  for (const int v : {r.x1 - r.x0, r.y1 - r.y0, r.x0, r.y0})
    put32(control, static_cast<uint32_t>(v));
  control += {static_cast<char>(delay_cs >> 8), static_cast<char>(delay_cs & 0xFF), 0, 100};
  control += {0, 0};  // dispose: none (the next frame draws over this one); blend: source
  png_chunk(png_, "fcTL", control);
  if (first) {
    png_chunk(png_, "IDAT", png_rgb_rows(frame, r));
  } else {
    std::string data;
    put32(data, sequence_++);
    data += png_rgb_rows(frame, r);
    png_chunk(png_, "fdAT", data);
  }
  ++added_;
  previous_.width = W;
  previous_.height = H;
  previous_.channels = frame.channels;
  previous_.pixels.assign(frame.pixels.begin(), frame.pixels.end());
}

std::string ApngWriter::finish() {
  if (added_ != frames_) throw Error(Err::Internal, {"APNG with fewer frames than announced"});
  png_chunk(png_, "IEND", "");
  return std::move(png_);
}

}  // namespace attnviz
