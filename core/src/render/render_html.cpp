// The page: html/page.html with html/page.css and html/page.js put in, and the run's data as one
// JSON object whose matrices are base64 float32 (4 bytes → 5⅓ characters, exact).
#include "attnviz/render/render_html.hpp"

#include <cstring>
#include <nlohmann/json.hpp>

#include "attnviz/render/colormap.hpp"
#include "attnviz/render/describe.hpp"
#include "attnviz/render/render_heads.hpp"
#include "attnviz/text/utf8.hpp"
#include "attnviz/version.hpp"
#include "render/html_assets.hpp"

namespace attnviz {
namespace {

using Json = nlohmann::json;

// Row-major float32, little-endian as every browser's Float32Array reads it, as base64.
std::string base64_floats(const Matrix& m) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* bytes = reinterpret_cast<const unsigned char*>(m.data());
  const size_t n = static_cast<size_t>(m.size()) * sizeof(float);
  std::string out;
  out.reserve((n + 2) / 3 * 4);
  for (size_t i = 0; i < n; i += 3) {
    const unsigned v = (unsigned{bytes[i]} << 16) | (i + 1 < n ? unsigned{bytes[i + 1]} << 8 : 0) |
                       (i + 2 < n ? unsigned{bytes[i + 2]} : 0);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < n ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < n ? kAlphabet[v & 63] : '=';
  }
  return out;
}

// JSON that is safe inside <script type="application/json">: every <, > and & escaped, so no
// text of the run can close the block or start a comment.
std::string script_safe(const Json& j) {
  const std::string text = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else {
      out += c;
    }
  }
  return out;
}

Json colormaps() {
  Json out = Json::object();
  for (const std::string& name : Colormap::names()) {
    const Colormap& cmap = Colormap::named(name);
    std::string hex;
    char buf[8];
    for (int i = 0; i < Colormap::kSize; ++i) {
      const Rgb& c = cmap.entry(i);
      std::snprintf(buf, sizeof buf, "%02x%02x%02x", c.r, c.g, c.b);
      hex += buf;
    }
    out[name] = hex;
  }
  return out;
}

Json page_data(const Request& request, const Result& result, const HtmlOptions& options) {
  Json labels = Json::array();
  for (const std::string& t : result.tokens) labels.push_back(utf8::visible(t));
  Json layers = Json::array();
  for (size_t l = 0; l < result.layers.size(); ++l) {
    const AttentionTrace& trace = result.layers[l];
    Json heads = Json::array();
    for (size_t h = 0; h < trace.heads.size(); ++h) {
      Json head = {{"weights", base64_floats(trace.heads[h].weights)}};
      if (trace.heads[h].scores.size() > 0) head["scores"] = base64_floats(trace.heads[h].scores);
      if (result.model) {
        const size_t at = static_cast<size_t>(result.layer_numbers[l]) * trace.heads.size() + h;
        if (at < result.head_scores.size()) {
          const HeadScore& s = result.head_scores[at];
          head["label"] = {{"en", head_label_text(s, Lang::En)},
                           {"az", head_label_text(s, Lang::Az)}};
          head["labelled"] = head_label(s).has_value();
        }
      }
      heads.push_back(std::move(head));
    }
    layers.push_back(
        {{"layer", result.layer_numbers[l]}, {"scale", trace.scale}, {"heads", std::move(heads)}});
  }
  Json predictions = Json::array();
  for (const auto& row : result.predictions) {
    Json guesses = Json::array();
    for (const Guess& g : row) guesses.push_back({{"token", utf8::visible(g.token)}, {"p", g.p}});
    predictions.push_back(std::move(guesses));
  }
  return {{"version", kVersion},
          {"lang", options.lang == Lang::Az ? "az" : "en"},
          {"cmap", options.cmap},
          {"text", request.text},
          {"details",
           {{"en", run_details(request, result, Lang::En)},
            {"az", run_details(request, result, Lang::Az)}}},
          {"tokens", result.tokens},
          {"labels", std::move(labels)},
          {"causal", result.trace().causal},
          {"model", result.model.has_value()},
          {"layers", std::move(layers)},
          {"predictions", std::move(predictions)},
          {"colormaps", colormaps()}};
}

// `page` with the first `marker` replaced by `content`.
void put(std::string& page, std::string_view marker, std::string_view content) {
  const size_t at = page.find(marker);
  if (at == std::string::npos)
    throw Error(Err::Internal, {"page.html lacks " + std::string(marker)});
  page.replace(at, marker.size(), content);
}

}  // namespace

std::string render_html(const Request& request, const Result& result, const HtmlOptions& options) {
  std::string page(html_assets::page_html());
  // The data goes in last: nothing in it can be taken for a marker.
  put(page, "/*ATTNVIZ_CSS*/", html_assets::page_css());
  put(page, "/*ATTNVIZ_JS*/", html_assets::page_js());
  put(page, "ATTNVIZ_LANG", options.lang == Lang::Az ? "az" : "en");
  put(page, "ATTNVIZ_DATA", script_safe(page_data(request, result, options)));
  return page;
}

}  // namespace attnviz
