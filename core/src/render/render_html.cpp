// The page: html/page.html with html/page.css and html/page.js put in, and the run's data as one
// JSON object whose matrices are base64 float32 (4 bytes → 5⅓ characters, exact).
#include "attnviz/render/render_html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "attnviz/render/colormap.hpp"
#include "attnviz/render/describe.hpp"
#include "attnviz/render/render_heads.hpp"
#include "attnviz/text/utf8.hpp"
#include "attnviz/version.hpp"
#include "render/base64.hpp"
#include "render/html_assets.hpp"

namespace attnviz {
namespace {

using Json = nlohmann::json;

// Past this many weights and scores the page stores them in 16 bits (compact) instead of float32
// (exact): a GPT-2-small-shaped run on 64 tokens (12 × 12 heads) then takes 3.2 MB, and at most
// 2.8 MB of exact numbers come before that.
constexpr size_t kExactNumbers = size_t{1} << 19;

// Row-major float32, little-endian as every browser's Float32Array reads it.
std::string exact(const Matrix& m) {
  return base64(reinterpret_cast<const unsigned char*>(m.data()),
                static_cast<size_t>(m.size()) * sizeof(float));
}

std::string base64_u16(const std::vector<uint16_t>& v) {
  return base64(reinterpret_cast<const unsigned char*>(v.data()), v.size() * sizeof(uint16_t));
}

// Weights in [0, 1] as round(w · 65535): within 7.7e-6 of the float32.
std::string compact_weights(const Matrix& m) {
  std::vector<uint16_t> v(static_cast<size_t>(m.size()));
  for (size_t i = 0; i < v.size(); ++i) {
    const float w = std::clamp(m.data()[i], 0.0f, 1.0f);
    v[i] = static_cast<uint16_t>(std::lround(w * 65535.0f));
  }
  return base64_u16(v);
}

// IEEE 754 half precision, rounded to nearest even (scores: 11 significant bits).
uint16_t to_half(float f) {
  uint32_t x;
  std::memcpy(&x, &f, sizeof x);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const int exponent = static_cast<int>((x >> 23) & 0xff) - 127 + 15;
  uint32_t mantissa = x & 0x7fffffu;
  if (exponent >= 31) return static_cast<uint16_t>(sign | 0x7c00u);  // too large: infinity
  if (exponent <= 0) {                                               // subnormal or zero
    if (exponent < -10) return static_cast<uint16_t>(sign);
    mantissa |= 0x800000u;
    const int shift = 14 - exponent;
    const uint32_t half = mantissa >> shift;
    const uint32_t rest = mantissa & ((1u << shift) - 1);
    const uint32_t middle = 1u << (shift - 1);
    return static_cast<uint16_t>(sign | (half + (rest > middle || (rest == middle && (half & 1)))));
  }
  uint32_t half = sign | (static_cast<uint32_t>(exponent) << 10) | (mantissa >> 13);
  const uint32_t rest = mantissa & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1))) ++half;  // may carry into the exponent
  return static_cast<uint16_t>(half);
}

std::string compact_scores(const Matrix& m) {
  std::vector<uint16_t> v(static_cast<size_t>(m.size()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = to_half(m.data()[i]);
  return base64_u16(v);
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

// The head the page opens on, as page.js numbers it: --head's, the mean (-1), or the first.
int first_head(const View& view) {
  if (view.head.kind == HeadChoice::Kind::Some) return view.head.heads.front();
  return view.head.kind == HeadChoice::Kind::Mean ? HeadView::kMean : 0;
}

// --rows/--cols's block as [begin, end) of the rows and of the columns; null without them.
Json block_of(const View& view, Eigen::Index T) {
  if (!view.rows && !view.cols) return nullptr;
  const auto span = [&](const std::optional<Slice>& slice) {
    const auto [begin, end] =
        slice ? span_of(*slice, T) : std::pair<Eigen::Index, Eigen::Index>{0, T};
    return Json::array({begin, end});
  };
  return {{"rows", span(view.rows)}, {"cols", span(view.cols)}};
}

// --generate, for the page's writing view: each step's token and candidates (the attention is
// the matrix's own rows); null without it.
Json generation_of(const Result& result) {
  if (!result.generation) return nullptr;
  const GenerationInfo& g = *result.generation;
  Json steps = Json::array();
  for (const GeneratedToken& step : g.steps) {
    Json candidates = Json::array();
    for (const auto& c : step.candidates) {
      candidates.push_back({{"token", utf8::visible(c.guess.token)},
                            {"id", c.guess.id},
                            {"p", c.guess.p},
                            {"p_sampled", c.p_sampled}});
    }
    steps.push_back({{"token", utf8::visible(step.token.token)},
                     {"id", step.token.id},
                     {"candidates", std::move(candidates)}});
  }
  return {{"prompt_tokens", g.prompt_tokens}, {"steps", std::move(steps)}};
}

Json page_data(const Result& result, const HtmlOptions& options) {
  // Weights and scores are always there; x, q, k and v for the steps view only while the whole
  // page stays within kExactNumbers.
  size_t numbers = 0, step_numbers = 0;
  for (const AttentionTrace& trace : result.layers) {
    step_numbers += static_cast<size_t>(trace.x.size() + trace.x_ln.size());
    for (const HeadTrace& h : trace.heads) {
      numbers += static_cast<size_t>(h.weights.size() + h.scores.size());
      step_numbers += static_cast<size_t>(h.q.size() + h.k.size() + h.v.size());
    }
  }
  const bool compact = numbers > kExactNumbers;
  // A text past a model's context has no one pass to step through (AttentionTrace::window).
  const bool steps = numbers + step_numbers <= kExactNumbers && result.trace().window == 0;
  Json labels = Json::array();
  for (const std::string& t : result.tokens) labels.push_back(utf8::visible(t));
  Json layers = Json::array();
  for (size_t l = 0; l < result.layers.size(); ++l) {
    const AttentionTrace& trace = result.layers[l];
    Json heads = Json::array();
    for (size_t h = 0; h < trace.heads.size(); ++h) {
      const HeadTrace& ht = trace.heads[h];
      Json head = {{"weights", compact ? compact_weights(ht.weights) : exact(ht.weights)}};
      if (ht.scores.size() > 0)
        head["scores"] = compact ? compact_scores(ht.scores) : exact(ht.scores);
      if (steps && ht.q.size() > 0) {  // the steps view's q, k and v (T, head_size)
        head["q"] = exact(ht.q);
        head["k"] = exact(ht.k);
        head["v"] = exact(ht.v);
        head["head_size"] = ht.q.cols();
      }
      if (const HeadScore* s = result.head_score(result.layer_numbers[l], static_cast<int>(h))) {
        head["label"] = {{"en", head_label_text(*s, Lang::En)},
                         {"az", head_label_text(*s, Lang::Az)}};
        head["labelled"] = head_label(*s).has_value();
      }
      if (h < result.info.kv_head_of.size()) head["kv"] = result.info.kv_head_of[h];
      heads.push_back(std::move(head));
    }
    Json layer = {{"layer", result.layer_numbers[l]},
                  {"scale", trace.scale},
                  {"window", trace.window},  // a sliding-window layer's, or a long text's
                  {"heads", std::move(heads)}};
    if (l < result.mean_weights.size() && trace.heads.size() > 1) {  // the run's mean of the heads
      const Matrix& mean = result.mean_weights[l];
      layer["mean"] = compact ? compact_weights(mean) : exact(mean);
    }
    if (steps) {  // the steps view's input: x (T, n_embd), and LayerNorm(x) when there is one
      layer["x"] = exact(trace.x);
      layer["n_embd"] = trace.x.cols();
      if (trace.x_ln.size() > 0) layer["x_ln"] = exact(trace.x_ln);
    }
    layers.push_back(std::move(layer));
  }
  Json predictions = Json::array();
  for (const auto& row : result.predictions) {
    Json guesses = Json::array();
    for (const Guess& g : row) guesses.push_back({{"token", utf8::visible(g.token)}, {"p", g.p}});
    predictions.push_back(std::move(guesses));
  }
  Json page = {
      {"version", kVersion},
      {"lang", options.lang == Lang::Az ? "az" : "en"},
      {"cmap", options.cmap},
      {"scale", options.scale},
      {"text", result.info.text},
      {"details", {{"en", run_details(result, Lang::En)}, {"az", run_details(result, Lang::Az)}}},
      {"tokens", result.tokens},
      {"ids", result.ids},
      {"labels", std::move(labels)},
      {"causal", result.trace().causal},
      // What the scores are scaled by: head_size^-0.5, or Gemma's query_pre_attn_scalar^-0.5.
      {"scale_of", result.weights.attn_scale > 0.0f ? "query_pre_attn_scalar" : "head_size"},
      {"window", result.trace().window},
      {"highlight", options.view.highlight ? Json::array({options.view.highlight->first,
                                                          options.view.highlight->second})
                                           : Json(nullptr)},
      {"block", block_of(options.view, static_cast<Eigen::Index>(result.tokens.size()))},
      {"encoding", compact ? "compact" : "float32"},
      {"model", result.model.has_value()},
      {"layers", std::move(layers)},
      {"view", {{"head", first_head(options.view)}}},
      {"predictions", std::move(predictions)},
      {"generation", generation_of(result)},
      {"colormaps", colormaps()}};
  if (result.rollout.size() > 0)  // the run's rollout through every layer of the model
    page["rollout"] = compact ? compact_weights(result.rollout) : exact(result.rollout);
  return page;
}

// `page` with the first `marker` replaced by `content`.
void put(std::string& page, std::string_view marker, std::string_view content) {
  const size_t at = page.find(marker);
  if (at == std::string::npos)
    throw Error(Err::Internal, {"page.html lacks " + std::string(marker)});
  page.replace(at, marker.size(), content);
}

}  // namespace

std::string render_html(const Result& result, const HtmlOptions& options) {
  std::string page(html_assets::page_html());
  // The data goes in last: nothing in it can be taken for a marker.
  put(page, "/*ATTNVIZ_CSS*/", html_assets::page_css());
  std::string scripts;
  for (const std::string_view script : html_assets::page_scripts()) {
    scripts += (scripts.empty() ? "" : "</script>\n<script>") + std::string(script);
  }
  put(page, "/*ATTNVIZ_JS*/", scripts);
  put(page, "ATTNVIZ_LANG", options.lang == Lang::Az ? "az" : "en");
  put(page, "ATTNVIZ_DATA", script_safe(page_data(result, options)));
  return page;
}

}  // namespace attnviz
