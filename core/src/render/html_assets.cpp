// The page's files, embedded as the shipped models are (embed.hpp).
#include "render/html_assets.hpp"

#include "io/embed.hpp"

ATTNVIZ_EMBED(page_html, ATTNVIZ_HTML_DIR "/page.html")
ATTNVIZ_EMBED(page_css, ATTNVIZ_HTML_DIR "/page.css")
ATTNVIZ_EMBED(page_js, ATTNVIZ_HTML_DIR "/page.js")

namespace attnviz::html_assets {

std::string_view page_html() { return ATTNVIZ_EMBEDDED(page_html); }
std::string_view page_css() { return ATTNVIZ_EMBEDDED(page_css); }
std::string_view page_js() { return ATTNVIZ_EMBEDDED(page_js); }

}  // namespace attnviz::html_assets
