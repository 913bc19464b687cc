// A run's shown matrices as a heatmap: the panels the view chooses, their titles, the grid's row
// and column titles for a whole model, and the run's title and details above.
#include "attnviz/i18n/messages.hpp"
#include "attnviz/render/describe.hpp"
#include "attnviz/render/heatmap.hpp"
#include "attnviz/text/utf8.hpp"

namespace attnviz {

Scene heatmap_scene(const Result& result, const HeatmapOptions& options, const Font& font) {
  HeatmapInput input;
  input.tokens = result.tokens;
  input.causal = result.trace().causal;
  const std::vector<HeadView> views = shown_heads(result, options.view);
  for (const HeadView& head : views) {
    input.panels.push_back(
        {view_title(result, head, options.lang, true), head.weights, head.window});
  }
  if (result.model) {
    input.columns = std::max<size_t>(1, input.panels.size() / result.layers.size());
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
  return layout_heatmap(input, options, font);
}

}  // namespace attnviz
