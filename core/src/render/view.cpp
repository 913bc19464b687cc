// The one place that turns --head and --rollout into the matrices shown, and names them.
#include "attnviz/render/view.hpp"

#include "attnviz/i18n/messages.hpp"
#include "attnviz/render/render_heads.hpp"

namespace attnviz {

std::pair<Eigen::Index, Eigen::Index> span_of(const Slice& slice, Eigen::Index T) {
  const auto at = [&](std::optional<long> v, Eigen::Index otherwise) -> Eigen::Index {
    if (!v) return otherwise;
    const Eigen::Index i = *v < 0 ? T + *v : *v;
    return std::clamp<Eigen::Index>(i, 0, T);
  };
  return {at(slice.start, 0), at(slice.stop, T)};
}

void check_view(const Result& result, const View& view) {
  const int n_head = result.info.n_head;
  for (const int head :
       view.head.kind == HeadChoice::Kind::Some ? view.head.heads : std::vector<int>{}) {
    if (head >= 0 && head < n_head) continue;
    const std::string index = std::to_string(head);
    if (n_head == 1) throw Error(Err::OneHead, {index});
    throw Error(Err::HeadOutOfRange, {index, std::to_string(n_head), std::to_string(n_head - 1)});
  }
  if (view.highlight) {
    const auto T = static_cast<int>(result.tokens.size());
    const auto [row, col] = *view.highlight;
    if (row >= T || col >= T) {
      throw Error(Err::HighlightOutOfRange,
                  {std::to_string(std::max(row, col)), std::to_string(T), std::to_string(T - 1)});
    }
  }
  for (const auto& [slice, name] : {std::pair{&view.rows, "--rows"}, {&view.cols, "--cols"}}) {
    if (!*slice) continue;
    const auto T = static_cast<Eigen::Index>(result.tokens.size());
    const auto [begin, end] = span_of(**slice, T);
    if (begin >= end) {
      const auto bound = [](std::optional<long> v) { return v ? std::to_string(*v) : ""; };
      throw Error(Err::SliceEmpty,
                  {std::string(name) + " " + bound((*slice)->start) + ":" + bound((*slice)->stop),
                   std::to_string(T), std::to_string(T - 1)});
    }
  }
  if (view.head.kind == HeadChoice::Kind::Mean &&
      result.mean_weights.size() != result.layers.size())
    throw Error(Err::Internal, {"the run kept no mean over the heads (Request::means)"});
}

std::vector<HeadView> shown_heads(const Result& result, const View& view) {
  check_view(result, view);
  std::vector<HeadView> views;
  for (size_t l = 0; l < result.layers.size(); ++l) {
    const auto& heads = result.layers[l].heads;
    const int layer = result.layer_numbers[l], window = result.layers[l].window;
    const bool sliding = result.layers[l].sliding;
    switch (view.head.kind) {
      case HeadChoice::Kind::Some:
        for (const int h : view.head.heads)
          views.push_back({layer, h, &heads.at(static_cast<size_t>(h)).weights, window, sliding});
        break;
      case HeadChoice::Kind::Mean:
        views.push_back({layer, HeadView::kMean, &result.mean_weights.at(l), window, sliding});
        break;
      default:
        for (size_t h = 0; h < heads.size(); ++h) {
          views.push_back({layer, static_cast<int>(h), &heads[h].weights, window, sliding});
        }
    }
  }
  if (view.rollout && result.rollout.size() > 0)
    views.push_back({-1, HeadView::kRollout, &result.rollout});
  return views;
}

std::vector<int> chosen_heads(const Result& result, const View& view) {
  check_view(result, view);
  if (view.head.kind == HeadChoice::Kind::Some) return view.head.heads;
  std::vector<int> all(static_cast<size_t>(result.info.n_head));
  for (size_t h = 0; h < all.size(); ++h) all[h] = static_cast<int>(h);
  return all;
}

std::string view_title(const Result& result, const HeadView& head, Lang lang, bool panel) {
  const std::string n_head = std::to_string(result.info.n_head);
  const std::string layer = std::to_string(head.layer), index = std::to_string(head.index);
  if (head.index == HeadView::kRollout) {
    return panel ? say(lang, Msg::PanelRollout)
                 : say(lang, Msg::RolloutTitle, {std::to_string(result.model->n_layer)});
  }
  if (result.model) {  // panels: a grid of layers (rows) × heads (columns), short titles
    // A grouped head names the key/value head it shares: "head 5 ← KV 1".
    const auto& kv_of = result.info.kv_head_of;
    const std::string kv =
        head.index >= 0 && static_cast<size_t>(head.index) < kv_of.size()
            ? say(lang, Msg::SharesKv, {std::to_string(kv_of[static_cast<size_t>(head.index)])})
            : "";
    if (!panel) {
      return (head.index < 0 ? say(lang, Msg::LayerHeadMean, {layer, n_head})
                             : say(lang, Msg::LayerHead, {layer, index}) + kv) +
             (head.sliding ? say(lang, Msg::LayerWindow, {std::to_string(head.window)}) : "");
    }
    std::string title = head.index < 0 ? say(lang, Msg::PanelLayerMean, {layer})
                                       : say(lang, Msg::PanelLayerHead, {layer, index}) + kv;
    // A head whose pattern is clear is captioned with it: "L0 H2 · previous".
    if (const HeadScore* score = result.head_score(head.layer, head.index)) {
      if (const auto label = head_label(*score)) title += " · " + pattern_name(*label, lang);
    }
    return title;
  }
  // The lesson's single SelfAttention has no heads to tell apart: no title.
  if (!result.info.multi_head && result.info.n_head == 1) return "";
  return head.index < 0 ? say(lang, Msg::HeadMean, {n_head}) : say(lang, Msg::Head, {index});
}

}  // namespace attnviz
