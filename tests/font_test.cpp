// Font loading, measurement and rasterization, including glyphs the font lacks.
#include "attnviz/render/font.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "test_util.hpp"

namespace attnviz {
namespace {

const Font& dejavu() { return test::default_font(); }

int inked(const GlyphMask& mask) {
  return static_cast<int>(
      std::count_if(mask.coverage.begin(), mask.coverage.end(), [](uint8_t c) { return c > 64; }));
}

TEST(Font, DefaultFontIsInstalledAndCoversTheCourseAlphabets) {
  ASSERT_FALSE(default_font_path().empty()) << "install fonts-dejavu-core";
  for (const char32_t c : {U'ə', U'Ə', U'ı', U'İ', U'ş', U'ğ', U'ç', U'ö', U'ü', U'ҹ', U'ј', U'Ж',
                           U'λ', U'Ω', U'ñ', U'␣', U'↵'}) {
    EXPECT_TRUE(dejavu().has_glyph(c)) << static_cast<uint32_t>(c);
  }
}

TEST(Font, WidthGrowsWithTextAndSize) {
  const Font& font = dejavu();
  EXPECT_GT(font.width("Azərbaycan", 12), font.width("Az", 12));
  EXPECT_NEAR(font.width("Azərbaycan", 24), 2 * font.width("Azərbaycan", 12), 0.5);
  EXPECT_GT(font.ascent(12), 8);
  EXPECT_GT(font.descent(12), 1);
}

TEST(Font, RasterizesInkWithinTheMask) {
  const GlyphMask mask = dejavu().rasterize("Azərbaycan", 16);
  EXPECT_GE(mask.width, static_cast<int>(dejavu().width("Azərbaycan", 16)));
  EXPECT_EQ(mask.coverage.size(), static_cast<size_t>(mask.width * mask.height));
  EXPECT_GT(inked(mask), 100);
  EXPECT_EQ(inked(dejavu().rasterize(" ", 16)), 0);
}

TEST(Font, MissingGlyphIsABoxNotNothing) {
  ASSERT_FALSE(dejavu().has_glyph(U'中'));  // DejaVu Sans has no CJK ideographs
  const GlyphMask box = dejavu().rasterize("中", 16);
  EXPECT_GT(inked(box), 20);
  // A box per grapheme: the emoji with a skin-tone modifier is one box, as wide as a plain emoji.
  EXPECT_FLOAT_EQ(dejavu().width("👍🏽", 16), dejavu().width("中", 16));
  // A combining dot on i adds no advance.
  EXPECT_FLOAT_EQ(dejavu().width("i\u0307", 16), dejavu().width("i", 16));
}

TEST(Font, NotAFontIsAnError) {
  EXPECT_EQ(test::error_of([] { Font("hello, this is not a font", "x.ttf"); }),
            "x.ttf: not a TrueType or OpenType font (unknown sfnt version)");
  EXPECT_EQ(test::error_of([] { Font("", "empty.ttf"); }),
            "empty.ttf: not a TrueType or OpenType font (shorter than a font header)");
}

TEST(Font, DirectoryIsCheckedBeforeStbTruetypeReadsIt) {
  // Found by the bad-input table under ASan: a "font" that starts like an OpenType file made
  // stb_truetype read its table directory past the end of the buffer.
  EXPECT_EQ(test::error_of([] { Font("OTTO but not really a font", "fake.ttf"); }),
            "fake.ttf: not a TrueType or OpenType font (table directory is cut off)");
  // A real font whose last table is cut short.
  std::string cut = test::slurp(default_font_path());
  cut.resize(cut.size() / 2);
  EXPECT_NE(test::error_of([&] { Font(cut, "cut.ttf"); }).find("lies outside the file"),
            std::string::npos);
  // A collection that points outside itself.
  std::string ttc("ttcf\0\1\0\0\0\0\0\1\x7f\xff\xff\xff", 16);
  EXPECT_EQ(test::error_of([&] { Font(ttc, "c.ttc"); }),
            "c.ttc: not a TrueType or OpenType font (collection points outside the file)");
}

// tests/fuzz/corpus/font/seed.ttf (made by tests/fuzz/make_font_seed.py), with `patch` applied.
std::string seed_font() { return test::slurp(ATTNVIZ_REFERENCE "/../fuzz/corpus/font/seed.ttf"); }

// Offset of table `tag` in a font's directory.
size_t table_offset(const std::string& font, const std::string& tag) {
  const auto u16 = [&](size_t at) {
    return static_cast<size_t>(static_cast<unsigned char>(font[at])) << 8 |
           static_cast<unsigned char>(font[at + 1]);
  };
  for (size_t t = 0; t < u16(4); ++t) {
    const size_t record = 12 + 16 * t;
    if (font.compare(record, 4, tag) == 0) {
      return u16(record + 8) << 16 | u16(record + 10);
    }
  }
  return 0;
}

// The error of loading `font` and drawing a label with every glyph the seed font has (glyph
// outlines are checked when first drawn).
std::string load_error(std::string font) {
  return test::error_of([&] { Font(std::move(font), "f.ttf").rasterize("Azə İi\u0307 中␣", 15); });
}

TEST(FontCheck, TheSeedFontLoadsAndDraws) {
  const Font font(seed_font(), "seed.ttf");
  EXPECT_TRUE(font.has_glyph(U'ə'));
  EXPECT_TRUE(font.has_glyph(U'İ'));  // a composite glyph
  EXPECT_FALSE(font.has_glyph(U'q'));
  EXPECT_GT(font.rasterize("Azə İ", 15).coverage.size(), 0u);
}

TEST(FontCheck, EveryTableStbTruetypeReadsIsBoundsChecked) {
  EXPECT_EQ(load_error(seed_font()), "");

  std::string cff = seed_font();
  cff.replace(cff.find("glyf"), 4, "glyX");
  EXPECT_EQ(load_error(cff),
            "f.ttf: not a TrueType or OpenType font (CFF (PostScript) outlines "
            "are not supported; use a TrueType font)");

  std::string loca = seed_font();
  loca[table_offset(loca, "loca") + 14] = '\x7f';  // the last glyph ends far beyond 'glyf'
  EXPECT_EQ(load_error(loca),
            "f.ttf: not a TrueType or OpenType font (\"loca\" points outside "
            "\"glyf\")");

  std::string search = seed_font();
  search[table_offset(search, "cmap") + 28 + 9] ^= 0x10;  // format 4 searchRange
  EXPECT_EQ(load_error(search),
            "f.ttf: not a TrueType or OpenType font (\"cmap\" format 4 search "
            "fields are wrong)");

  std::string points = seed_font();
  points[table_offset(points, "glyf") + 26 + 10 + 1] = 100;  // "A"'s only contour: 101 points
  EXPECT_EQ(load_error(points),
            "f.ttf: not a TrueType or OpenType font (a glyph's points run past its end)");
  // The font loads and draws other letters, and refuses to draw the broken one.
  const Font broken(points, "f.ttf");
  EXPECT_GT(broken.rasterize("z", 15).width, 0);
  EXPECT_EQ(test::error_of([&] { broken.rasterize("zA", 15); }),
            "f.ttf: not a TrueType or OpenType font (a glyph's points run past its end)");

  std::string loop = seed_font();
  const size_t composite = table_offset(loop, "glyf") + 126;  // glyph 6: z + dotabove
  loop[composite + 10 + 3] = 6;                               // its first component: itself
  EXPECT_EQ(load_error(loop),
            "f.ttf: not a TrueType or OpenType font (composite glyphs nest "
            "too deep or loop)");
}

TEST(FontCheck, RegressionsFromFuzzing) {
  const auto regression = [](const char* name) {
    return load_error(test::slurp(std::string(ATTNVIZ_REFERENCE "/../fuzz/corpus/font/") + name));
  };
  // A composite whose transform leaves the 16-bit range stb_truetype stores points in.
  EXPECT_EQ(regression("regression-composite-out-of-range"),
            "f.ttf: not a TrueType or OpenType font (a composite glyph moves a component out of "
            "range)");
  // A format-12 character map naming glyph ids above 2^31: read as negative, now "missing"
  // (under UBSan, kerning with a negative id was undefined behaviour).
  const Font font(
      test::slurp(ATTNVIZ_REFERENCE "/../fuzz/corpus/font/regression-negative-glyph-index"),
      "f.ttf");
  EXPECT_GT(font.rasterize("Azə İi\u0307 中␣", 15).width, 0);
}

TEST(FontCheck, RegressionCmapFormat0Length) {
  // Found by fuzz_font: a format-0 character map whose length field says more than 256 codes made
  // stb_truetype read past the table while looking up a character.
  EXPECT_EQ(load_error(test::slurp(ATTNVIZ_REFERENCE
                                   "/../fuzz/corpus/font/regression-cmap-format0-length")),
            "f.ttf: not a TrueType or OpenType font (\"cmap\" format 0 is cut off)");
}

TEST(FontCheck, RegressionLoneOffCurvePoint) {
  // Found by fuzz_font: a glyph whose last contour is one off-curve point made stb_truetype read
  // past the glyph's points while rasterizing.
  EXPECT_EQ(load_error(test::slurp(ATTNVIZ_REFERENCE
                                   "/../fuzz/corpus/font/regression-lone-off-curve-point")),
            "f.ttf: not a TrueType or OpenType font (a glyph ends with a lone off-curve point)");
}

}  // namespace
}  // namespace attnviz
