// --html: one self-contained page to explore a run in the browser — its script, styles and numbers
// inside the file, no request to any other address.
#pragma once

#include <string>

#include "attnviz/i18n/lang.hpp"
#include "attnviz/render/view.hpp"
#include "attnviz/run/result.hpp"

namespace attnviz {

struct HtmlOptions {
  Lang lang = Lang::En;          // the page's first language; it can switch
  std::string cmap = "viridis";  // the first colormap; it can switch
  float scale = 1.0f;            // the first zoom (--scale), for a projector; it can change
  View view = {};                // the first view: --head (one head or the mean), --layer's first
};

// The page (core/src/render/html/): every shown layer's every head as exact float32,
// base64-encoded, with the raw scores when the run kept them, the tokens, the model's guesses and
// head labels. Text from the run can never end the script block or open markup.
std::string render_html(const Result& result, const HtmlOptions& options);

}  // namespace attnviz
