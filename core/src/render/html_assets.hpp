// The interactive page's own files (core/src/render/html/), embedded in the binary at build time.
#pragma once

#include <string_view>

namespace attnviz::html_assets {

std::string_view page_html();
std::string_view page_css();
std::string_view page_js();

}  // namespace attnviz::html_assets
