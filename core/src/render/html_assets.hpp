// The interactive page's own files (core/src/render/html/), embedded in the binary at build time.
#pragma once

#include <string_view>
#include <vector>

namespace attnviz::html_assets {

std::string_view page_html();
std::string_view page_css();
// The page's scripts, in the order they run: each a <script> of its own, sharing the page's
// global names (strings.js and numbers.js first, page.js, which starts the page, last).
std::vector<std::string_view> page_scripts();

}  // namespace attnviz::html_assets
