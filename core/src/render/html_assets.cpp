// The page's files, embedded as the shipped models are (embed.hpp).
#include "render/html_assets.hpp"

#include "io/embed.hpp"

ATTNVIZ_EMBED(page_html, ATTNVIZ_HTML_DIR "/page.html")
ATTNVIZ_EMBED(page_css, ATTNVIZ_HTML_DIR "/page.css")
ATTNVIZ_EMBED(js_strings, ATTNVIZ_HTML_DIR "/strings.js")
ATTNVIZ_EMBED(js_numbers, ATTNVIZ_HTML_DIR "/numbers.js")
ATTNVIZ_EMBED(js_matrix_view, ATTNVIZ_HTML_DIR "/matrix_view.js")
ATTNVIZ_EMBED(js_head_view, ATTNVIZ_HTML_DIR "/head_view.js")
ATTNVIZ_EMBED(js_overview, ATTNVIZ_HTML_DIR "/overview.js")
ATTNVIZ_EMBED(js_steps, ATTNVIZ_HTML_DIR "/steps.js")
ATTNVIZ_EMBED(js_guesses, ATTNVIZ_HTML_DIR "/guesses.js")
ATTNVIZ_EMBED(js_writing, ATTNVIZ_HTML_DIR "/writing.js")
ATTNVIZ_EMBED(js_exports, ATTNVIZ_HTML_DIR "/exports.js")
ATTNVIZ_EMBED(js_page, ATTNVIZ_HTML_DIR "/page.js")

namespace attnviz::html_assets {

std::string_view page_html() { return ATTNVIZ_EMBEDDED(page_html); }
std::string_view page_css() { return ATTNVIZ_EMBEDDED(page_css); }
std::vector<std::string_view> page_scripts() {
  return {ATTNVIZ_EMBEDDED(js_strings),     ATTNVIZ_EMBEDDED(js_numbers),
          ATTNVIZ_EMBEDDED(js_matrix_view), ATTNVIZ_EMBEDDED(js_head_view),
          ATTNVIZ_EMBEDDED(js_overview),    ATTNVIZ_EMBEDDED(js_steps),
          ATTNVIZ_EMBEDDED(js_guesses),     ATTNVIZ_EMBEDDED(js_writing),
          ATTNVIZ_EMBEDDED(js_exports),     ATTNVIZ_EMBEDDED(js_page)};
}

}  // namespace attnviz::html_assets
