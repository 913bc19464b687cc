// A run's shown matrices as a heatmap: the panels the view chooses, their titles, the grid's row
// and column titles for a whole model, and the run's title and details above.
#include <cmath>

#include "attnviz/i18n/messages.hpp"
#include "attnviz/render/describe.hpp"
#include "attnviz/render/heatmap.hpp"
#include "attnviz/text/utf8.hpp"

namespace attnviz {
namespace {

// The columns for n panels (about square each) whose picture is closest to 16:9.
size_t slide_columns(size_t n) {
  size_t best = 1;
  double best_distance = 1e9;
  for (size_t c = 1; c <= n; ++c) {
    const double rows = std::ceil(static_cast<double>(n) / static_cast<double>(c));
    const double distance = std::abs(std::log(static_cast<double>(c) / rows / (16.0 / 9.0)));
    if (distance < best_distance - 1e-9) {
      best = c;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace

HeatmapInput heatmap_input(const Result& result, const HeatmapOptions& options) {
  HeatmapInput input;
  input.tokens = result.tokens;
  input.causal = result.trace().causal;
  if (result.generation) input.generated_from = result.generation->prompt_tokens;
  const auto T = static_cast<Eigen::Index>(result.tokens.size());
  if (options.view.rows) {
    const auto [begin, end] = span_of(*options.view.rows, T);
    input.row0 = begin;
    input.rows = end - begin;
  }
  if (options.view.cols) {
    const auto [begin, end] = span_of(*options.view.cols, T);
    input.col0 = begin;
    input.cols = end - begin;
  }
  const std::vector<HeadView> views = shown_heads(result, options.view);
  for (const HeadView& head : views) {
    input.panels.push_back(
        {view_title(result, head, options.lang, true), head.weights, head.window});
  }
  const size_t n = input.panels.size();
  // A whole model's every head: its layers as rows, its heads as columns.
  const bool model_grid = result.model && options.view.head.kind != HeadChoice::Kind::Some &&
                          options.layout != PanelLayout::Row &&
                          options.layout != PanelLayout::Column &&
                          (options.layout == PanelLayout::Grid || result.layers.size() > 1 ||
                           views.back().index == HeadView::kRollout);
  if (options.layout == PanelLayout::Row) input.columns = n;
  if (options.layout == PanelLayout::Column) input.columns = 1;
  if (options.layout == PanelLayout::Auto && !model_grid) input.columns = slide_columns(n);
  if (model_grid) {
    input.columns = std::max<size_t>(1, n / result.layers.size());
    for (const int layer : result.layer_numbers) {
      input.row_titles.push_back(say(options.lang, Msg::PanelLayer, {std::to_string(layer)}));
    }
    if (views.back().index == HeadView::kRollout)
      input.row_titles.push_back(say(options.lang, Msg::PanelRollout));
    for (size_t c = 0; c < input.columns; ++c) {
      input.column_titles.push_back(
          views[c].index < 0 ? say(options.lang, Msg::PanelMean)
                             : say(options.lang, Msg::PanelHead, {std::to_string(views[c].index)}));
    }
  }
  input.title = "\"" + utf8::truncate_to_width(utf8::one_line(result.info.text), 60) + "\"";
  input.subtitle = run_details(result, options.lang);
  return input;
}

Scene heatmap_scene(const Result& result, const HeatmapOptions& options, const Font& font) {
  return layout_heatmap(heatmap_input(result, options), options, font);
}

}  // namespace attnviz
