// Table-by-table bounds checks of a TrueType file, mirroring what stb_truetype reads.
#include "render/font_check.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "attnviz/error.hpp"

namespace attnviz {
namespace {

constexpr int kMaxCompositeDepth = 8;

struct Table {
  size_t start = 0;
  size_t length = 0;
  bool found = false;
};

class Checker {
 public:
  Checker(std::string_view b, std::string name) : b_(b), name_(std::move(name)) {}

  [[noreturn]] void fail(Err why, std::vector<Words> args = {}) const {
    throw Error(Err::NotAFont, {name_, Words(why, std::move(args))});
  }

  uint32_t u8(size_t at) const {
    if (at >= b_.size()) fail(Err::FontDataEnds);
    return static_cast<unsigned char>(b_[at]);
  }
  uint32_t u16(size_t at) const { return u8(at) << 8 | u8(at + 1); }
  int32_t i16(size_t at) const { return static_cast<int16_t>(u16(at)); }
  uint32_t u32(size_t at) const { return u16(at) << 16 | u16(at + 2); }

  // The first face's directory: every table inside the file.
  size_t directory() {
    if (b_.size() < 12) fail(Err::FontTooShort);
    size_t offset = 0;
    if (b_.substr(0, 4) == "ttcf") {  // a collection: use its first face
      if (b_.size() < 16 || u32(8) == 0) fail(Err::FontEmptyCollection);
      offset = u32(12);
      if (offset > b_.size() - 12) fail(Err::FontCollectionOutside);
    }
    if (u32(offset) != 0x00010000 && b_.substr(offset, 4) != "OTTO" &&
        b_.substr(offset, 4) != "true") {
      fail(Err::FontUnknownVersion);
    }
    const size_t tables = u16(offset + 4);
    if (tables == 0 || offset + 12 + 16 * tables > b_.size()) fail(Err::FontDirectoryCut);
    for (size_t t = 0; t < tables; ++t) {
      const size_t record = offset + 12 + 16 * t;
      const uint64_t start = u32(record + 8), length = u32(record + 12);
      const std::string tag(b_.substr(record, 4));
      if (start + length > b_.size()) fail(Err::FontTableOutside, {tag});
      tables_.emplace_back(tag, Table{start, length, true});
    }
    return offset;
  }

  Table table(const char* tag, size_t min_length) const {
    for (const auto& [t, table] : tables_) {
      if (t == tag) {
        if (table.length < min_length) fail(Err::FontTableShort, {t});
        return table;
      }
    }
    return {};
  }

  Table required(const char* tag, size_t min_length) const {
    const Table t = table(tag, min_length);
    if (!t.found) fail(Err::FontNoTable, {tag});
    return t;
  }

  void metrics() {
    if (!table("glyf", 0).found) fail(Err::FontCff);
    const Table head = required("head", 54), maxp = required("maxp", 6),
                hhea = required("hhea", 36);
    const Table hmtx = required("hmtx", 0);
    num_glyphs_ = u16(maxp.start + 4);
    if (num_glyphs_ == 0) fail(Err::FontNoGlyphs);
    const uint32_t long_metrics = u16(hhea.start + 34);
    if (long_metrics == 0 || long_metrics > num_glyphs_ ||
        hmtx.length < 4 * long_metrics + 2 * (num_glyphs_ - long_metrics)) {
      fail(Err::FontHmtx);
    }
    const int32_t loca_format = i16(head.start + 50);
    if (loca_format != 0 && loca_format != 1) fail(Err::FontLocaFormat);
    const size_t entry = loca_format == 0 ? 2 : 4;
    const Table loca = required("loca", entry * (num_glyphs_ + 1));
    glyf_ = required("glyf", 0);
    for (uint32_t g = 0; g <= num_glyphs_; ++g) {
      const uint64_t at = loca.start + entry * g;
      glyph_offsets_.push_back(entry == 2 ? uint64_t{u16(at)} * 2 : u32(at));
      if (glyph_offsets_.back() > glyf_.length ||
          (g > 0 && glyph_offsets_[g] < glyph_offsets_[g - 1])) {
        fail(Err::FontLocaOutside);
      }
    }
  }

  void glyphs() {
    state_.assign(num_glyphs_, 0);
    extent_.assign(num_glyphs_, {0.0, 0.0});
  }

  uint32_t num_glyphs() const { return num_glyphs_; }

  // The glyph's outline lies inside its slot of 'glyf' (as stbtt__GetGlyphShapeTT reads it).
  void glyph(uint32_t g, int depth) {
    if (state_[g] == 2) return;
    if (state_[g] == 1 || depth > kMaxCompositeDepth) fail(Err::FontCompositeLoop);
    state_[g] = 1;
    const size_t start = glyf_.start + glyph_offsets_[g];
    const size_t end = glyf_.start + glyph_offsets_[g + 1];
    if (end > start) {
      if (end - start < 10) fail(Err::FontGlyphShort);
      const int32_t contours = i16(start);
      if (contours > 0) extent_[g] = simple_glyph(start, end, static_cast<size_t>(contours));
      if (contours < 0) extent_[g] = composite_glyph(start, end, depth);
    }
    state_[g] = 2;
  }

  // Largest |x| and |y| of the glyph's points, as stb_truetype stores them (16-bit).
  using Extent = std::pair<double, double>;

  Extent simple_glyph(size_t start, size_t end, size_t contours) {
    size_t p = start + 10;
    uint32_t last = 0, before_last = 0;
    for (size_t c = 0; c < contours; ++c, p += 2) {
      const uint32_t end_point = u16(p);
      if (c > 0 && end_point <= last) fail(Err::FontContours);
      before_last = last;
      last = end_point;
    }
    const bool lone_last_point = contours == 1 ? last == 0 : last == before_last + 1;
    const size_t points = last + 1;
    p += 2 + u16(p);  // instructions
    std::vector<uint32_t> flags;
    while (flags.size() < points) {
      if (p >= end) fail(Err::FontFlags);
      const uint32_t f = u8(p++);
      size_t repeat = 0;
      if (f & 8) {
        if (p >= end) fail(Err::FontFlags);
        repeat = u8(p++);
      }
      flags.insert(flags.end(), repeat + 1, f);
    }
    // stb_truetype looks one point ahead when a contour starts off the curve: a last contour of
    // one off-curve point makes it read past its points (found by fuzz_font).
    if (lone_last_point && !(flags[points - 1] & 1)) fail(Err::FontLoneOffCurve);
    size_t coordinates = 0;
    for (size_t i = 0; i < points; ++i) {
      const uint32_t f = flags[i];
      coordinates += (f & 2) ? 1 : (f & 16) ? 0 : 2;
      coordinates += (f & 4) ? 1 : (f & 32) ? 0 : 2;
    }
    if (p + coordinates > end) fail(Err::FontPoints);
    const auto decode = [&](uint32_t short_bit, uint32_t same_bit) {
      int32_t v = 0;
      double most = 0;
      for (size_t i = 0; i < points; ++i) {
        const uint32_t f = flags[i];
        if (f & short_bit) {
          const auto d = static_cast<int32_t>(u8(p++));
          v += (f & same_bit) ? d : -d;
        } else if (!(f & same_bit)) {
          v += i16(p);
          p += 2;
        }
        most = std::max(most, std::abs(static_cast<double>(static_cast<int16_t>(v))));
      }
      return most;
    };
    const double x = decode(2, 16);
    const double y = decode(4, 32);
    return {x, y};
  }

  // Components are moved and scaled as stb_truetype does, in float, then stored as 16-bit
  // integers: a transform that would leave that range is refused (a fuzzer found one).
  Extent composite_glyph(size_t start, size_t end, int depth) {
    size_t p = start + 10;
    uint32_t flags = 0;
    Extent extent{0.0, 0.0};
    do {
      if (p + 4 > end) fail(Err::FontCompositeEnd);
      flags = u16(p);
      const uint32_t component = u16(p + 2);
      p += 4;
      if (!(flags & 2)) fail(Err::FontCompositeMatch);
      const size_t args = (flags & 1) ? 4 : 2;
      const size_t scales = (flags & 8) ? 2 : (flags & 64) ? 4 : (flags & 128) ? 8 : 0;
      if (p + args + scales > end) fail(Err::FontCompositeEnd);
      const double dx = (flags & 1) ? i16(p) : static_cast<int8_t>(u8(p));
      const double dy = (flags & 1) ? i16(p + 2) : static_cast<int8_t>(u8(p + 1));
      p += args;
      double a = 1, b = 0, c = 0, d = 1;  // F2Dot14 scale terms
      const auto f2dot14 = [&](size_t at) { return i16(at) / 16384.0; };
      if (flags & 8) {
        a = d = f2dot14(p);
      } else if (flags & 64) {
        a = f2dot14(p);
        d = f2dot14(p + 2);
      } else if (flags & 128) {
        a = f2dot14(p);
        b = f2dot14(p + 2);
        c = f2dot14(p + 4);
        d = f2dot14(p + 6);
      }
      p += scales;
      if (component >= num_glyphs_) fail(Err::FontCompositeGlyph);
      glyph(component, depth + 1);
      const auto [cx, cy] = extent_[component];
      const double m = std::sqrt(a * a + b * b), n = std::sqrt(c * c + d * d);
      const double x = m * (std::abs(a) * cx + std::abs(c) * cy + std::abs(dx));
      const double y = n * (std::abs(b) * cx + std::abs(d) * cy + std::abs(dy));
      if (x > 32767 || y > 32767) fail(Err::FontCompositeRange);
      extent = {std::max(extent.first, x), std::max(extent.second, y)};
    } while (flags & 32);
    return extent;
  }

  // Every character-map subtable stb_truetype can read.
  void cmap() {
    const Table cmap = required("cmap", 4);
    const size_t end = cmap.start + cmap.length;
    const size_t tables = u16(cmap.start + 2);
    if (4 + 8 * tables > cmap.length) fail(Err::FontCmapCut);
    for (size_t t = 0; t < tables; ++t) {
      const uint64_t sub = cmap.start + uint64_t{u32(cmap.start + 4 + 8 * t + 4)};
      if (sub + 4 > end) fail(Err::FontCmapSubtable);
      switch (u16(sub)) {
        case 0:  // stb_truetype trusts the length field: byte codes up to length - 7 are read
          if (sub + 6 + 256 > end || sub + u16(sub + 2) > end) {
            fail(Err::FontCmapFormatCut, {"0"});
          }
          break;
        case 4:
          cmap_format4(sub, end);
          break;
        case 6:
          if (sub + 10 > end || sub + 10 + 2 * uint64_t{u16(sub + 8)} > end)
            fail(Err::FontCmapFormatCut, {"6"});
          break;
        case 12:
        case 13:
          if (sub + 16 > end || sub + 16 + 12 * uint64_t{u32(sub + 12)} > end) {
            fail(Err::FontCmapFormatCut, {"12"});
          }
          break;
        default:
          break;  // formats stb_truetype does not read
      }
    }
  }

  void cmap_format4(uint64_t sub, size_t end) {
    if (sub + 14 > end) fail(Err::FontCmapFormatCut, {"4"});
    const uint32_t seg2 = u16(sub + 6);
    const uint32_t segments = seg2 / 2;
    if (segments == 0 || sub + 16 + 8 * uint64_t{segments} > end)
      fail(Err::FontCmapFormatCut, {"4"});
    // stb_truetype's binary search trusts these three fields.
    uint32_t power = 1;
    while (power * 2 <= segments) power *= 2;
    uint32_t selector = 0;
    while ((1u << selector) < power) ++selector;
    if (u16(sub + 8) != 2 * power || u16(sub + 10) != selector ||
        u16(sub + 12) != seg2 - 2 * power) {
      fail(Err::FontCmap4Search);
    }
    for (uint32_t i = 0; i < segments; ++i) {
      const uint32_t last = u16(sub + 14 + 2 * i), first = u16(sub + 16 + seg2 + 2 * i);
      const uint64_t range_at = sub + 16 + 3 * uint64_t{seg2} + 2 * i;
      const uint32_t range = u16(range_at);
      if (range != 0 && last >= first && range_at + range + 2 * uint64_t{last - first} + 2 > end) {
        fail(Err::FontCmap4Ids);
      }
    }
  }

  // 'kern' format 0 as stb_truetype reads it; kerning is simply off when it is not sound.
  bool kern_usable() const {
    const Table kern = table("kern", 0);
    if (!kern.found || kern.length < 18) return false;
    return 18 + 6 * uint64_t{u16(kern.start + 10)} <= kern.length;
  }

 private:
  std::string_view b_;
  std::string name_;
  std::vector<std::pair<std::string, Table>> tables_;
  uint32_t num_glyphs_ = 0;
  Table glyf_;
  std::vector<uint64_t> glyph_offsets_;  // num_glyphs + 1 offsets into 'glyf'
  std::vector<uint8_t> state_;           // per glyph: 0 unchecked, 1 being checked, 2 sound
  std::vector<std::pair<double, double>> extent_;  // per glyph: largest |x|, |y| of its points
};

}  // namespace

FontCheck check_font(std::string_view bytes, const std::string& name) {
  auto c = std::make_shared<Checker>(bytes, name);
  FontCheck result;
  result.face_offset = c->directory();
  c->metrics();
  c->glyphs();
  c->cmap();
  result.kern_usable = c->kern_usable();
  result.num_glyphs = c->num_glyphs();
  result.check_glyph = [c](int glyph) {
    if (glyph > 0 && static_cast<uint32_t>(glyph) < c->num_glyphs()) {
      c->glyph(static_cast<uint32_t>(glyph), 0);
    }
  };
  return result;
}

}  // namespace attnviz
