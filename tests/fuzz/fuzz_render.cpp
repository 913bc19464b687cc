// libFuzzer target: any token list through random weights into the table, explanation, JSON,
// --html page and heatmap layout and SVG renderers (labels with every kind of character, lengths
// 1 … 24). The page's data block must never hold a raw "<": no token may end the script.
#include <cstddef>
#include <cstdint>
#include <string>

#include "attnviz/error.hpp"
#include "attnviz/io/io.hpp"
#include "attnviz/render/heatmap.hpp"
#include "attnviz/render/render_explain.hpp"
#include "attnviz/render/render_html.hpp"
#include "attnviz/render/render_json.hpp"
#include "attnviz/render/render_svg.hpp"
#include "attnviz/render/render_table.hpp"
#include "attnviz/run/run.hpp"

namespace {

// The heatmap layout measures text, so it needs the default font; without one it is skipped.
const attnviz::Font* font() {
  static const auto* loaded = []() -> const attnviz::Font* {
    const std::string path = attnviz::default_font_path();
    return path.empty() ? nullptr
                        : new attnviz::Font(attnviz::io::read_file(path, 64u << 20), path);
  }();
  return loaded;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  attnviz::Request request;
  request.input = attnviz::InputKind::TokenList;
  request.text.assign(reinterpret_cast<const char*>(data) + 2, size - 2);
  request.text_origin = "fuzz";
  request.random.n_embd = 4;
  request.random.block_size = 24;       // longer lists are refused early: more inputs per second
  request.random.n_head = data[0] % 3;  // 0: SelfAttention, 1 or 2 heads
  request.causal = (data[1] & 1) == 0;
  request.scale = (data[1] & 2) == 0;
  try {
    const attnviz::Result result = attnviz::run(request);
    const auto lang = (data[1] & 4) ? attnviz::Lang::Az : attnviz::Lang::En;
    attnviz::render_table(result, {data[1] % 50, nullptr, 3, lang, true});
    attnviz::render_explain(result, {lang, 3, 8, 24});
    attnviz::render_json(result, {true});
    const std::string page = attnviz::render_html(result, {lang, "viridis", 1.0f});
    const std::string block = "id=\"attnviz-data\">";
    const size_t at = page.find(block);
    const size_t end = page.find("</script>", at);
    if (at == std::string::npos || end == std::string::npos ||
        page.find('<', at + block.size()) != end) {
      __builtin_trap();  // a token's text escaped the JSON block
    }
    if (font() != nullptr && (data[1] & 16) != 0) {  // the layout is slow: every other input
      attnviz::HeatmapOptions options;
      options.annotate = (data[1] & 8) != 0;
      options.lang = lang;
      attnviz::render_svg(attnviz::heatmap_scene(result, options, *font()));
    }
  } catch (const attnviz::Error&) {
  }
  return 0;
}
