// Heatmap layout and the PNG renderer, checked by reading the PNG back (stb_image).
#include "attnviz/render/heatmap.hpp"

#include <gtest/gtest.h>

#include "attnviz/run/run.hpp"

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb_image.h>

#include <cstring>
#include <random>
#include <set>

#include "attnviz/render/render_png.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

const Font& font() { return test::default_font(); }

struct Decoded {
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;
  Rgba at(int x, int y) const {
    const uint8_t* p = &rgba[static_cast<size_t>((y * width + x) * 4)];
    return {p[0], p[1], p[2], p[3]};
  }
};

Decoded decode(const std::string& png) {
  Decoded d;
  int channels = 0;
  uint8_t* pixels =
      stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(png.data()),
                            static_cast<int>(png.size()), &d.width, &d.height, &channels, 4);
  EXPECT_NE(pixels, nullptr) << stbi_failure_reason();
  if (pixels != nullptr) {
    d.rgba.assign(pixels, pixels + static_cast<ptrdiff_t>(d.width * d.height * 4));
    stbi_image_free(pixels);
  }
  return d;
}

struct Fixture {
  Request request;
  Result result;
  Scene scene;
};

Fixture make(const std::string& text, HeatmapOptions options = {}, bool causal = true,
             TokenizerKind tokenizer = TokenizerKind::Char) {
  Fixture f;
  f.request.text = text;
  f.request.text_origin = "--text";
  f.request.causal = causal;
  f.request.tokenizer = tokenizer;
  f.result = run(f.request);
  f.scene = heatmap_scene(f.result, options, font());
  return f;
}

template <typename T>
std::vector<const T*> shapes(const Scene& scene) {
  std::vector<const T*> out;
  for (const Shape& s : scene.shapes) {
    if (const auto* p = std::get_if<T>(&s)) out.push_back(p);
  }
  return out;
}

std::vector<const TextShape*> texts(const Scene& scene, const std::string& role) {
  std::vector<const TextShape*> out;
  for (const TextShape* t : shapes<TextShape>(scene)) {
    if (t->role == role) out.push_back(t);
  }
  return out;
}

// Centre pixel of the visible part of cell (i, j).
std::pair<int, int> centre(const MatrixShape& m, Eigen::Index i, Eigen::Index j) {
  const float visible = m.cell - m.gap;
  return {static_cast<int>(m.x + static_cast<float>(j) * m.cell + visible / 2),
          static_cast<int>(m.y + static_cast<float>(i) * m.cell + visible / 2)};
}

bool same(Rgba a, Rgba b) { return a.r == b.r && a.g == b.g && a.b == b.b; }

void expect_cells_invert_through_colormap(const Fixture& f) {
  const Decoded png = decode(render_png(f.scene, font()));
  const MatrixShape& m = *shapes<MatrixShape>(f.scene).at(0);
  const Matrix& w = f.result.trace().heads[0].weights;
  for (Eigen::Index i = 0; i < w.rows(); ++i) {
    for (Eigen::Index j = 0; j < w.cols(); ++j) {
      const auto [x, y] = centre(m, i, j);
      const Rgba pixel = png.at(x, y);
      if (m.is_masked(i, j)) {
        EXPECT_TRUE(same(pixel, m.masked)) << i << "," << j;
        continue;
      }
      const int expected = Colormap::index_of((w(i, j) - m.lo) / (m.hi - m.lo));
      bool found = false;
      for (int k = std::max(0, expected - 1); k <= std::min(255, expected + 1); ++k) {
        found = found || same(pixel, opaque(m.cmap->entry(k)));
      }
      EXPECT_TRUE(found) << m.cmap->name() << " cell " << i << "," << j << " weight " << w(i, j);
    }
  }
}

TEST(HeatmapPng, DimensionsAreTheLayouts) {
  const Fixture f = make("Azərbaycan dili");
  const Decoded png = decode(render_png(f.scene, font()));
  EXPECT_EQ(png.width, f.scene.width);
  EXPECT_EQ(png.height, f.scene.height);
  const MatrixShape& m = *shapes<MatrixShape>(f.scene).at(0);
  EXPECT_EQ(m.n_rows(), 15);
  EXPECT_EQ(m.n_cols(), 15);
  EXPECT_GE(m.cell, 24);  // a short text gets cells big enough to read
  EXPECT_LE(static_cast<float>(f.scene.width), 1000);
}

TEST(HeatmapPng, CellCentresInvertThroughTheColormap) {
  for (const char* cmap : {"viridis", "magma", "greys", "blues"}) {
    HeatmapOptions options;
    options.cmap = cmap;
    expect_cells_invert_through_colormap(make("Azərbaycan dili", options));
  }
  HeatmapOptions annotated;
  annotated.auto_range = true;
  expect_cells_invert_through_colormap(make("salam dünya", annotated, false));
}

TEST(HeatmapPng, LabelsAreDrawnInsideTheirBoxes) {
  const Fixture f =
      make("Mən çayı sevirəm, çünki o, isti və rahatladıcıdır.", {}, true, TokenizerKind::Word);
  const Decoded png = decode(render_png(f.scene, font()));
  const Rgba bg = f.scene.background;
  size_t checked = 0;
  for (const TextShape* t : shapes<TextShape>(f.scene)) {
    const float w = font().width(t->text, t->size);
    const float offset = t->anchor == Anchor::Middle ? w / 2 : t->anchor == Anchor::End ? w : 0;
    // The text's box: along the baseline from its start, from ascent above to descent below.
    float x0 = t->x - offset, x1 = x0 + w, y0 = t->y - font().ascent(t->size),
          y1 = t->y + font().descent(t->size);
    if (t->vertical) {
      x0 = t->x - font().ascent(t->size);
      x1 = t->x + font().descent(t->size);
      y1 = t->y + offset;
      y0 = y1 - w;
    }
    int ink = 0;
    for (int y = std::max(0, static_cast<int>(y0)); y < std::min(png.height, static_cast<int>(y1));
         ++y) {
      for (int x = std::max(0, static_cast<int>(x0)); x < std::min(png.width, static_cast<int>(x1));
           ++x) {
        ink += !same(png.at(x, y), bg);
      }
    }
    EXPECT_GT(ink, 0) << t->role << " \"" << t->text << "\"";
    ++checked;
  }
  EXPECT_GE(checked, 2u * 11u + 2u);  // row and column labels, title, subtitle
  EXPECT_EQ(texts(f.scene, "row-label").size(), 11u);
  EXPECT_TRUE(texts(f.scene, "col-label").front()->vertical);  // long words would collide
}

TEST(HeatmapPng, ShortLabelsStayHorizontal) {
  const Fixture f = make("Azərbaycan dili");
  EXPECT_FALSE(texts(f.scene, "col-label").front()->vertical);
  EXPECT_EQ(texts(f.scene, "col-label")[10]->text, "␣");  // the space is drawn visibly
}

TEST(HeatmapPng, LongTextThinsLabelsAndStaysASaneSize) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "Azərbaycan";  // 200 tokens
  Request request;
  request.text = text;
  request.text_origin = "--text";
  const Result result = run(request);
  const Scene scene = heatmap_scene(result, {}, font());
  EXPECT_LE(scene.width, 1000);
  EXPECT_LE(scene.height, 1000);
  const auto labels = texts(scene, "row-label");
  EXPECT_LT(labels.size(), 200u);
  EXPECT_GT(labels.size(), 20u);
  for (size_t k = 1; k < labels.size(); ++k) {  // consecutive labels never overlap
    EXPECT_GE(labels[k]->y - labels[k - 1]->y, labels[k]->size);
  }
  const Decoded png = decode(render_png(scene, font()));
  EXPECT_EQ(png.width, scene.width);
}

TEST(HeatmapPng, ThemesAndTransparency) {
  HeatmapOptions dark;
  dark.theme = "dark";
  const Decoded d = decode(render_png(make("ab", dark).scene, font()));
  EXPECT_LT(d.at(1, 1).r, 64);
  EXPECT_EQ(d.at(1, 1).a, 255);
  HeatmapOptions clear;
  clear.transparent = true;
  const Decoded t = decode(render_png(make("ab", clear).scene, font()));
  EXPECT_EQ(t.at(1, 1).a, 0);
  HeatmapOptions bad;
  bad.theme = "sepia";
  EXPECT_EQ(test::error_of([&] { make("ab", bad); }),
            "unknown theme \"sepia\"; expected light or dark");
}

TEST(HeatmapPng, AnnotationsInkContrastsWithTheCell) {
  HeatmapOptions options;
  options.annotate = true;
  const Fixture f = make("Azərbaycan", options);
  const auto notes = texts(f.scene, "annotation");
  ASSERT_EQ(notes.size(), 10u * 11u / 2u);  // one per unmasked cell
  EXPECT_EQ(notes.front()->text, "1.00");
  // Annotations follow the unmasked cells row by row; each is black on a light cell, white on a
  // dark one, and both occur.
  const MatrixShape& m = *shapes<MatrixShape>(f.scene).at(0);
  size_t k = 0;
  std::set<int> inks;
  for (Eigen::Index i = 0; i < 10; ++i) {
    for (Eigen::Index j = 0; j <= i; ++j, ++k) {
      const int want = m.color(i, j).luminance() > 0.5 ? 0 : 255;
      EXPECT_EQ(notes[k]->color.r, want) << i << "," << j;
      inks.insert(notes[k]->color.r);
    }
  }
  EXPECT_EQ(inks.size(), 2u);
}

TEST(HeatmapPng, ScaleEnlargesEverything) {
  HeatmapOptions big;
  big.scale = 2;
  const Scene one = make("Azərbaycan").scene;
  const Scene two = make("Azərbaycan", big).scene;
  EXPECT_NEAR(two.width, 2 * one.width, 4);
  EXPECT_NEAR(two.height, 2 * one.height, 4);
}

TEST(HeatmapPng, TitleOptions) {
  EXPECT_EQ(texts(make("ab").scene, "title").at(0)->text, "\"ab\"");
  HeatmapOptions custom;
  custom.title = "Dərs 12";
  const Scene titled = make("ab", custom).scene;
  EXPECT_EQ(texts(titled, "title").at(0)->text, "Dərs 12");
  EXPECT_TRUE(texts(titled, "subtitle").empty());
  custom.title = "";
  EXPECT_TRUE(texts(make("ab", custom).scene, "title").empty());
  HeatmapOptions no_captions;
  no_captions.captions = false;
  EXPECT_TRUE(texts(make("ab", no_captions).scene, "caption").empty());
  EXPECT_EQ(texts(make("ab").scene, "caption").size(), 2u);
}

TEST(HeatmapPng, PanelsShareOneColorbar) {
  const Matrix w = Matrix::Identity(4, 4);
  HeatmapInput input;
  input.tokens = {"a", "b", "c", "d"};
  for (int h = 0; h < 3; ++h) input.panels.push_back({"head " + std::to_string(h), &w});
  const Scene scene = layout_heatmap(input, {}, font());
  EXPECT_EQ(shapes<MatrixShape>(scene).size(), 3u);
  EXPECT_EQ(texts(scene, "panel-title").size(), 3u);
  size_t colorbar = 0;
  for (const RectShape* r : shapes<RectShape>(scene)) colorbar += r->role == "colorbar";
  EXPECT_EQ(colorbar, 256u);
  const auto panels = shapes<MatrixShape>(scene);
  EXPECT_LT(panels[0]->x, panels[1]->x);  // a 2×2 grid: two on top,
  EXPECT_FLOAT_EQ(panels[0]->y, panels[1]->y);
  EXPECT_GT(panels[2]->y, panels[0]->y);  // one below
}

// A whole model's layers × heads past 16 panels: thumbnails without token labels, the grid's rows
// and columns titled once, each thumbnail's cells still the colormap of its weights.
TEST(HeatmapPng, AModelsGridBecomesThumbnailsWithTitledRowsAndColumns) {
  Matrix w = Matrix::Zero(6, 6);
  for (Eigen::Index i = 0; i < 6; ++i)
    w.row(i).head(i + 1).setConstant(1.0f / static_cast<float>(i + 1));
  HeatmapInput input;
  input.tokens = {"a", "b", "c", "d", "e", "f"};
  input.columns = 12;
  for (int l = 0; l < 12; ++l) {
    input.row_titles.push_back("layer " + std::to_string(l));
    for (int h = 0; h < 12; ++h) input.panels.push_back({"L H", &w});
  }
  for (int h = 0; h < 12; ++h) input.column_titles.push_back("H" + std::to_string(h));
  const Scene scene = layout_heatmap(input, {}, font());
  const auto panels = shapes<MatrixShape>(scene);
  ASSERT_EQ(panels.size(), 144u);
  EXPECT_EQ(texts(scene, "row-label").size(), 0u);
  EXPECT_EQ(texts(scene, "col-label").size(), 0u);
  EXPECT_EQ(texts(scene, "panel-title").size(), 0u);
  EXPECT_EQ(texts(scene, "row-title").size(), 12u);
  EXPECT_EQ(texts(scene, "column-title").size(), 12u);
  EXPECT_FLOAT_EQ(panels[11]->y, panels[0]->y);  // twelve to a row
  EXPECT_GT(panels[12]->y, panels[0]->y);
  EXPECT_LT(scene.width, 1600);  // a grid that fits a slide, not 144 labelled panels
  EXPECT_LT(scene.height, 1600);
  // Each row title sits beside its row of thumbnails.
  const auto rows = texts(scene, "row-title");
  EXPECT_LT(rows[3]->x, panels[36]->x);
  EXPECT_GT(rows[3]->y, panels[36]->y);
  EXPECT_LT(rows[3]->y, panels[36]->y + panels[36]->cell * 6);
  const Decoded png = decode(render_png(scene, font()));
  const MatrixShape& m = *panels[77];
  const auto [x, y] = centre(m, 5, 2);
  EXPECT_TRUE(same(png.at(x, y), opaque(m.cmap->entry(Colormap::index_of(1.0f / 6)))));
  // Sixteen panels or fewer keep their labels.
  input.panels.resize(16);
  EXPECT_GT(texts(layout_heatmap(input, {}, font()), "row-label").size(), 0u);
}

TEST(HeatmapPng, AutoRangeSpansTheWeights) {
  HeatmapOptions options;
  options.auto_range = true;
  const Fixture f = make("Azərbaycan dili çox gözəldir", options);
  const MatrixShape& m = *shapes<MatrixShape>(f.scene).at(0);
  EXPECT_FLOAT_EQ(m.hi, 1.0f);  // the first query attends only to itself
  EXPECT_GT(m.lo, 0.0f);
  EXPECT_LT(m.lo, 0.05f);
  EXPECT_NE(texts(f.scene, "tick-label").front()->text, "0.0");
}

}  // namespace
}  // namespace attnviz

namespace attnviz {
namespace {

// encode_png (its in-place row filters and attnviz's own deflate) against stb_image's
// decoder: noise (literals), flat areas (long runs), patterns repeating at many distances, a
// translucent image (RGBA) and a single pixel, each decoded back to the same bytes, its zlib
// checksum that of the inflated bytes.
TEST(EncodePng, EveryKindOfImageDecodesToTheSamePixels) {
  std::mt19937 rng(5);
  const auto image = [&](int w, int h, auto pixel) {
    Image im;
    im.width = w;
    im.height = h;
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        const Rgba c = pixel(x, y);
        im.pixels.insert(im.pixels.end(), {c.r, c.g, c.b, c.a});
      }
    }
    return im;
  };
  const auto byte = [&] { return static_cast<uint8_t>(rng() & 0xFF); };
  const std::vector<Image> images = {
      image(1, 1,
            [](int, int) {
              return Rgba{1, 2, 3, 255};
            }),
      image(300, 200,
            [&](int, int) {
              return Rgba{byte(), byte(), byte(), 255};
            }),
      image(700, 400,
            [](int x, int y) {
              return Rgba{uint8_t(x / 50 * 9), uint8_t(y / 40), 7, 255};
            }),
      image(
          640, 480,
          [](int x, int y) {
            return Rgba{uint8_t((x + y) % 7 * 30), uint8_t((x * 3 + y) % 97), uint8_t(y % 13), 255};
          }),
      image(257, 129,
            [&](int x, int) {
              return Rgba{uint8_t(x), 9, 9, uint8_t(x % 2 ? 128 : 255)};
            }),
  };
  for (const Image& im : images) {
    const std::string png = encode_png(im);
    int w = 0, h = 0, channels = 0;
    stbi_uc* decoded = stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(png.data()),
                                             static_cast<int>(png.size()), &w, &h, &channels, 4);
    ASSERT_NE(decoded, nullptr) << stbi_failure_reason();
    EXPECT_EQ(w, im.width);
    EXPECT_EQ(h, im.height);
    EXPECT_EQ(std::memcmp(decoded, im.pixels.data(), im.pixels.size()), 0) << w << "×" << h;
    stbi_image_free(decoded);
    // The zlib stream ends with the Adler-32 of what it inflates to (stb does not check it).
    std::string idat;
    for (size_t at = 8; at + 12 <= png.size();) {
      const auto* p = reinterpret_cast<const uint8_t*>(png.data() + at);
      const size_t length = size_t{p[0]} << 24 | size_t{p[1]} << 16 | size_t{p[2]} << 8 | p[3];
      if (png.compare(at + 4, 4, "IDAT") == 0) idat += png.substr(at + 8, length);
      at += 12 + length;
    }
    int inflated_size = 0;
    char* inflated =
        stbi_zlib_decode_malloc(idat.data(), static_cast<int>(idat.size()), &inflated_size);
    ASSERT_NE(inflated, nullptr);
    uint32_t a = 1, b = 0;
    for (int i = 0; i < inflated_size; ++i) {
      a = (a + static_cast<uint8_t>(inflated[i])) % 65521;
      b = (b + a) % 65521;
    }
    STBI_FREE(inflated);
    const auto* tail = reinterpret_cast<const uint8_t*>(idat.data() + idat.size() - 4);
    EXPECT_EQ(uint32_t{tail[0]} << 24 | uint32_t{tail[1]} << 16 | uint32_t{tail[2]} << 8 | tail[3],
              b << 16 | a)
        << w << "×" << h;
  }
}

}  // namespace
}  // namespace attnviz
