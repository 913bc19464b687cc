// Scene → SVG: the same layout as the PNG, as vector shapes and UTF-8 <text>.
#pragma once

#include <string>

#include "attnviz/render/scene.hpp"

namespace attnviz {

// Every heatmap cell is one <rect class="cell"> (masked ones also class "masked") with a <title>
// tooltip; labels are <text> in the DejaVu Sans family, escaped for XML.
std::string render_svg(const Scene& scene);

// `text` with & < > " ' escaped, and characters XML 1.0 forbids replaced by U+FFFD.
std::string xml_escape(std::string_view text);

}  // namespace attnviz
