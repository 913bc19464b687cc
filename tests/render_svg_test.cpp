// The SVG renderer: well-formed XML, one element per cell, every token as escaped text.
#include "attnviz/render/render_svg.hpp"

#include <gtest/gtest.h>
#include <tinyxml2.h>

#include <map>

#include "attnviz/render/heatmap.hpp"
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
  return render_svg(heatmap_scene(request, result, options, font()));
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
  const Scene scene = heatmap_scene(request, result, {}, font());
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
