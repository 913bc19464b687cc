// A TrueType font (via stb_truetype): measures and rasterizes UTF-8 labels for the heatmap.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz {

// 8-bit coverage of rendered text. Pen starts at column origin_x; the baseline is row baseline_y.
struct GlyphMask {
  int width = 0;
  int height = 0;
  int origin_x = 0;
  int baseline_y = 0;
  std::vector<uint8_t> coverage;  // (height, width), row-major, 0 = empty, 255 = fully covered
};

class Font {
 public:
  // `bytes` is the content of a .ttf/.otf file (the first face of a collection); `name` (its
  // path) names it in errors. Throws Error if stb_truetype cannot read it.
  Font(std::string bytes, std::string name);
  // The same from bytes that `keep` holds (a mapped file): nothing is copied, and only the parts
  // of the file a label needs are ever read.
  Font(std::string_view bytes, std::shared_ptr<const void> keep, std::string name);
  ~Font();
  Font(const Font&) = delete;
  Font& operator=(const Font&) = delete;

  const std::string& name() const { return name_; }
  float ascent(float px) const;   // above the baseline, > 0
  float descent(float px) const;  // below the baseline, > 0
  bool has_glyph(char32_t c) const;

  // Width of `text` at `px` pixels per em-height, with kerning. A grapheme whose base character
  // the font lacks counts as one box.
  float width(std::string_view text, float px) const;
  GlyphMask rasterize(std::string_view text, float px) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string name_;
};

// The first readable font of the places Debian and Ubuntu put DejaVu Sans (package
// fonts-dejavu-core) and a few common alternatives; "" when none exists.
std::string default_font_path();

}  // namespace attnviz
