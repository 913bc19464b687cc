// Text measurement and rasterization with stb_truetype.
#include "attnviz/render/font.hpp"

#include <stb_truetype.h>
#include <unistd.h>
#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "attnviz/error.hpp"
#include "attnviz/text/utf8.hpp"
#include "render/font_check.hpp"

namespace attnviz {

struct Font::Impl {
  std::shared_ptr<const void> keep;  // what holds `bytes`: a string, or a mapped file
  std::string_view bytes;
  FontCheck check;  // glyph outlines are checked as they are first drawn
  stbtt_fontinfo info{};
  int ascent = 0, descent = 0, line_gap = 0;  // font units
};

namespace {

// Code points drawn as nothing: joiners, variation selectors, bidi marks.
bool is_invisible(char32_t c) {
  return (c >= 0x200B && c <= 0x200F) || (c >= 0xFE00 && c <= 0xFE0F) || c == 0x2060 ||
         (c >= 0xE0100 && c <= 0xE01EF) || (c >= 0x1F3FB && c <= 0x1F3FF);  // skin tones too
}

// One step of the pen: either a glyph or a box for a grapheme the font cannot draw.
struct Piece {
  int glyph = 0;   // 0: a missing-glyph box
  float x = 0.0f;  // pen position in pixels
};

struct Run {
  std::vector<Piece> pieces;
  float width = 0.0f;
};

float box_width(float px) { return 0.6f * px; }

// The glyph for `c`, or 0 (missing) also when the character map names a glyph the font lacks.
int glyph_index(const stbtt_fontinfo& info, char32_t c) {
  const int glyph = stbtt_FindGlyphIndex(&info, static_cast<int>(c));
  return glyph > 0 && glyph < info.numGlyphs ? glyph : 0;  // format 12 can give < 0
}

// A glyph bitmap larger than this is a broken font, not a label: it is skipped.
constexpr int kMaxGlyphPixels = 1 << 22;

Run layout_run(const stbtt_fontinfo& info, std::string_view text, float px) {
  const float scale = stbtt_ScaleForPixelHeight(&info, px);
  Run run;
  float pen = 0.0f;
  int previous = 0;
  for (const std::string& cluster : utf8::graphemes(text)) {
    const std::vector<char32_t> cps = utf8::code_points(cluster);
    if (glyph_index(info, cps.front()) == 0 && !is_invisible(cps.front())) {
      run.pieces.push_back({0, pen});
      pen += box_width(px);
      previous = 0;
      continue;
    }
    for (const char32_t c : cps) {
      const int glyph = glyph_index(info, c);
      if (glyph == 0 || is_invisible(c)) continue;  // a missing mark or modifier: skip it
      if (previous != 0) {
        pen += scale * static_cast<float>(stbtt_GetGlyphKernAdvance(&info, previous, glyph));
      }
      int advance = 0, lsb = 0;
      stbtt_GetGlyphHMetrics(&info, glyph, &advance, &lsb);
      run.pieces.push_back({glyph, pen});
      pen += scale * static_cast<float>(advance);
      previous = glyph;
    }
  }
  run.width = pen;
  return run;
}

void draw_box(GlyphMask& mask, int left, float px, float ascent) {
  const int w = std::max(3, static_cast<int>(box_width(px) * 0.85f));
  const int h = std::max(4, static_cast<int>(ascent * 0.85f));
  const int top = mask.baseline_y - h;
  const int stroke = std::max(1, static_cast<int>(px / 14.0f));
  for (int y = top; y < mask.baseline_y; ++y) {
    for (int x = left; x < left + w; ++x) {
      const bool edge = y < top + stroke || y >= mask.baseline_y - stroke || x < left + stroke ||
                        x >= left + w - stroke;
      if (edge && x >= 0 && x < mask.width && y >= 0 && y < mask.height) {
        mask.coverage[static_cast<size_t>(y * mask.width + x)] = 255;
      }
    }
  }
}

}  // namespace

Font::Font(std::string bytes, std::string name)
    : Font(std::string_view(), std::make_shared<const std::string>(std::move(bytes)),
           std::move(name)) {}

Font::Font(std::string_view bytes, std::shared_ptr<const void> keep, std::string name)
    : impl_(std::make_unique<Impl>()), name_(std::move(name)) {
  impl_->keep = std::move(keep);
  // The string constructor passes no view: the bytes are the string it keeps.
  impl_->bytes = bytes.data() != nullptr
                     ? bytes
                     : std::string_view(*static_cast<const std::string*>(impl_->keep.get()));
  const auto* data = reinterpret_cast<const unsigned char*>(impl_->bytes.data());
  impl_->check = check_font(impl_->bytes, name_);
  const FontCheck& check = impl_->check;
  if (stbtt_InitFont(&impl_->info, data, static_cast<int>(check.face_offset)) == 0) {
    throw Error(Err::NotAFont, {name_, Words(Err::FontRequiredTable, {})});
  }
  // Kerning from 'kern' only, and only when check_font found it sound: GPOS is not checked.
  impl_->info.gpos = 0;
  if (!check.kern_usable) impl_->info.kern = 0;
  stbtt_GetFontVMetrics(&impl_->info, &impl_->ascent, &impl_->descent, &impl_->line_gap);
  if (impl_->ascent <= 0 || impl_->descent > 0 || impl_->ascent - impl_->descent < 16) {
    throw Error(Err::NotUsableFont,
                {name_, std::to_string(impl_->ascent), std::to_string(impl_->descent)});
  }
}

Font::~Font() = default;

float Font::ascent(float px) const {
  return stbtt_ScaleForPixelHeight(&impl_->info, px) * static_cast<float>(impl_->ascent);
}

float Font::descent(float px) const {
  return -stbtt_ScaleForPixelHeight(&impl_->info, px) * static_cast<float>(impl_->descent);
}

bool Font::has_glyph(char32_t c) const { return glyph_index(impl_->info, c) != 0; }

float Font::width(std::string_view text, float px) const {
  return layout_run(impl_->info, text, px).width;
}

GlyphMask Font::rasterize(std::string_view text, float px) const {
  const stbtt_fontinfo& info = impl_->info;
  const float scale = stbtt_ScaleForPixelHeight(&info, px);
  const Run run = layout_run(info, text, px);
  const int pad = static_cast<int>(std::ceil(px * 0.25f)) + 1;  // glyphs may overhang the pen
  GlyphMask mask;
  mask.origin_x = pad;
  mask.baseline_y = static_cast<int>(std::ceil(ascent(px))) + 1;
  mask.width = static_cast<int>(std::ceil(std::max(run.width, 0.0f))) + 2 * pad;
  mask.height = mask.baseline_y + static_cast<int>(std::ceil(descent(px))) + 1;
  if (static_cast<double>(mask.width) * mask.height > 64e6) {
    throw Error(Err::GlyphTooLarge, {name_, utf8::truncate_to_width(text, 20)});
  }
  mask.coverage.assign(static_cast<size_t>(mask.width * mask.height), 0);
  std::vector<uint8_t> glyph_bitmap;
  for (const Piece& piece : run.pieces) {
    const float x = static_cast<float>(mask.origin_x) + piece.x;
    if (piece.glyph == 0) {
      draw_box(mask, static_cast<int>(x) + 1, px, ascent(px));
      continue;
    }
    impl_->check.check_glyph(piece.glyph);  // before stb_truetype reads its outline
    const float shift_x = x - std::floor(x);
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    stbtt_GetGlyphBitmapBoxSubpixel(&info, piece.glyph, scale, scale, shift_x, 0.0f, &x0, &y0, &x1,
                                    &y1);
    const int gw = x1 - x0, gh = y1 - y0;
    if (gw <= 0 || gh <= 0 || gw > kMaxGlyphPixels / gh) continue;
    glyph_bitmap.assign(static_cast<size_t>(gw * gh), 0);
    stbtt_MakeGlyphBitmapSubpixel(&info, glyph_bitmap.data(), gw, gh, gw, scale, scale, shift_x,
                                  0.0f, piece.glyph);
    const int left = static_cast<int>(std::floor(x)) + x0;
    const int top = mask.baseline_y + y0;
    for (int gy = 0; gy < gh; ++gy) {
      for (int gx = 0; gx < gw; ++gx) {
        const int mx = left + gx, my = top + gy;
        if (mx < 0 || mx >= mask.width || my < 0 || my >= mask.height) continue;
        uint8_t& cell = mask.coverage[static_cast<size_t>(my * mask.width + mx)];
        cell = std::max(cell, glyph_bitmap[static_cast<size_t>(gy * gw + gx)]);
      }
    }
  }
  return mask;
}

std::string default_font_path() {
  static constexpr std::array<const char*, 5> kCandidates = {
      ATTNVIZ_DEFAULT_FONT, "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
      "/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf",
      "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"};
  for (const char* path : kCandidates) {
    if (*path != '\0' && ::access(path, R_OK) == 0) return path;
  }
  return "";
}

}  // namespace attnviz
