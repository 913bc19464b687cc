// The SVG renderer: well-formed XML, one element per cell, every token as escaped text.
#include "attnviz/render/render_svg.hpp"

#include <gtest/gtest.h>
#include <stb_image.h>
#include <tinyxml2.h>

#include <map>

#include "attnviz/render/heatmap.hpp"
#include "attnviz/run/run.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

const Font& font() { return test::default_font(); }

struct Parsed {
  std::map<std::string, int> classes;  // class attribute → element count
  std::vector<std::string> texts;      // every <text>, unescaped
};

void walk(const tinyxml2::XMLElement* e, Parsed& out) {
  for (; e != nullptr; e = e->NextSiblingElement()) {
    if (const char* cls = e->Attribute("class")) ++out.classes[cls];
    if (std::string(e->Name()) == "text" && e->GetText() != nullptr)
      out.texts.emplace_back(e->GetText());
    walk(e->FirstChildElement(), out);
  }
}

Parsed parse_svg(const std::string& svg, tinyxml2::XMLDocument& doc) {
  EXPECT_EQ(doc.Parse(svg.c_str(), svg.size()), tinyxml2::XML_SUCCESS) << doc.ErrorStr();
  Parsed parsed;
  walk(doc.RootElement(), parsed);
  return parsed;
}

std::string svg_for(const Request& request, const HeatmapOptions& options = {}) {
  const Result result = run(request);
  return render_svg(heatmap_scene(result, options, font()));
}

TEST(RenderSvg, OneCellElementPerCellAndEveryTokenAsText) {
  Request request;
  request.input = InputKind::TokenList;
  request.text = "<b>|&amp;|\"q\"|'|Az|ə";
  request.text_origin = "--tokens";
  const std::string svg = svg_for(request);
  tinyxml2::XMLDocument doc;
  const Parsed parsed = parse_svg(svg, doc);
  EXPECT_STREQ(doc.RootElement()->Name(), "svg");
  EXPECT_EQ(parsed.classes.at("cell") + parsed.classes.at("cell masked"), 36);
  EXPECT_EQ(parsed.classes.at("cell masked"), 15);
  EXPECT_EQ(parsed.classes.at("colorbar"), 256);
  for (const std::string token : {"<b>", "&amp;", "\"q\"", "'", "Az", "ə"}) {
    EXPECT_EQ(std::count(parsed.texts.begin(), parsed.texts.end(), token), 2)
        << token;  // row + column
  }
  EXPECT_NE(svg.find("&lt;b&gt;"), std::string::npos);
  EXPECT_NE(svg.find("&amp;amp;"), std::string::npos);
  EXPECT_NE(svg.find("&quot;q&quot;"), std::string::npos);
}

TEST(RenderSvg, SizeMatchesTheLayoutAndCellsCarryTooltips) {
  Request request;
  request.text = "Azərbaycan dili";
  request.text_origin = "--text";
  const Result result = run(request);
  const Scene scene = heatmap_scene(result, {}, font());
  tinyxml2::XMLDocument doc;
  parse_svg(render_svg(scene), doc);
  EXPECT_EQ(doc.RootElement()->IntAttribute("width"), scene.width);
  EXPECT_EQ(doc.RootElement()->IntAttribute("height"), scene.height);
  const std::string svg = render_svg(scene);
  char title[64];  // row 1 ("z") on key 0 ("A"), to the tooltip's 4 decimals
  std::snprintf(title, sizeof title, "<title>z → A: %.4f</title>",
                static_cast<double>(result.trace().heads[0].weights(1, 0)));
  EXPECT_NE(svg.find(title), std::string::npos) << title;
  EXPECT_NE(svg.find("<title>A → z: masked</title>"), std::string::npos);
}

std::string from_base64(const std::string& text) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (const char c : text) {
    if (c == '=') break;
    bits = (bits << 6) | static_cast<unsigned>(kAlphabet.find(c));
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

// Past 128 × 128 cells the grid is one embedded PNG, a pixel per cell in the colormap's colors,
// with the masked triangle as one path over it; the labels stay text.
TEST(RenderSvg, LargeMatricesAreOneEmbeddedImageWithVectorLabels) {
  for (const int T : {128, 150}) {
    Request request;
    request.input = InputKind::TokenList;
    std::string tokens;
    for (int t = 0; t < T; ++t) tokens += (t ? "|t" : "t") + std::to_string(t);
    request.text = tokens;
    request.text_origin = "--tokens";
    request.random.block_size = T;
    const Result result = run(request);
    const Scene scene = heatmap_scene(result, {}, font());
    const std::string svg = render_svg(scene);
    tinyxml2::XMLDocument doc;
    const Parsed parsed = parse_svg(svg, doc);
    if (T == 128) {
      EXPECT_EQ(parsed.classes.at("cell") + parsed.classes.at("cell masked"), T * T);
      continue;
    }
    EXPECT_EQ(parsed.classes.count("cell"), 0u);
    EXPECT_EQ(parsed.classes.at("matrix"), 1);
    EXPECT_EQ(parsed.classes.at("masked"), 1);
    EXPECT_NE(std::find(parsed.texts.begin(), parsed.texts.end(), "t0"), parsed.texts.end());
    const std::string prefix = "href=\"data:image/png;base64,";
    const size_t at = svg.find(prefix) + prefix.size();
    const std::string png = from_base64(svg.substr(at, svg.find('"', at) - at));
    int w = 0, h = 0, channels = 0;
    stbi_uc* pixels = stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(png.data()),
                                            static_cast<int>(png.size()), &w, &h, &channels, 3);
    ASSERT_NE(pixels, nullptr) << stbi_failure_reason();
    EXPECT_EQ(w, T);
    EXPECT_EQ(h, T);
    const auto& matrix = std::get<MatrixShape>(
        *std::find_if(scene.shapes.begin(), scene.shapes.end(),
                      [](const Shape& s) { return std::holds_alternative<MatrixShape>(s); }));
    for (const auto& [i, j] : {std::pair{0, 0}, {1, 0}, {149, 3}, {149, 149}, {77, 40}}) {
      const Rgb want = matrix.color(i, j);
      const stbi_uc* p = pixels + (i * T + j) * 3;
      EXPECT_EQ(int(p[0]), int(want.r)) << i << "," << j;
      EXPECT_EQ(int(p[1]), int(want.g)) << i << "," << j;
      EXPECT_EQ(int(p[2]), int(want.b)) << i << "," << j;
    }
    stbi_image_free(pixels);
  }
}

TEST(RenderSvg, TransparentHasNoBackground) {
  Request request;
  request.text = "ab";
  request.text_origin = "--text";
  HeatmapOptions options;
  EXPECT_NE(svg_for(request, options).find("class=\"background\""), std::string::npos);
  options.transparent = true;
  EXPECT_EQ(svg_for(request, options).find("class=\"background\""), std::string::npos);
}

TEST(RenderSvg, EscapesAndReplacesWhatXmlForbids) {
  EXPECT_EQ(xml_escape("a<b>&\"c\"'"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;");
  EXPECT_EQ(xml_escape("x\x01y"), "x\uFFFDy");
  EXPECT_EQ(xml_escape("ə\uFFFF"), "ə\uFFFD");
}

}  // namespace
}  // namespace attnviz
