// Which of a run's attention matrices a view shows (--head, --rollout) and what each is called:
// one choice, made here for every renderer — table, heatmap, explanation and page alike.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "attnviz/i18n/lang.hpp"
#include "attnviz/run/result.hpp"

namespace attnviz {

// --head: every head, some heads (one or a list, in the order given), or the mean over a layer's
// heads.
struct HeadChoice {
  enum class Kind { All, Some, Mean } kind = Kind::All;
  std::vector<int> heads;  // with Some
};

// --rows A:B, --cols C:D: Python's slice of the text's positions (negative counts from the end,
// either end may be left out).
struct Slice {
  std::optional<long> start, stop;
};
// [begin, end) of `slice` over T positions, as Python's range(T)[slice].
std::pair<Eigen::Index, Eigen::Index> span_of(const Slice& slice, Eigen::Index T);

struct View {
  HeadChoice head;
  bool rollout = false;  // --rollout: the rollout through every layer, as one more view
  // --highlight ROW or ROW,COL: query ROW's row, or its cell (ROW, COL), outlined in every picture
  // and page (column −1: the row).
  std::optional<std::pair<int, int>> highlight;
  std::optional<Slice> rows, cols;  // the heatmap's block (--rows, --cols); nullopt: all
};

// A matrix of attention weights to show: one head, or the mean over all heads, of one layer.
struct HeadView {
  static constexpr int kMean = -1, kRollout = -2;
  int layer = 0;                    // the layer's number in the model (0 for a single module)
  int index = 0;                    // the head, kMean, or kRollout (through all layers)
  const Matrix* weights = nullptr;  // (T, T), points into the Result
  int window = 0;  // the layer's AttentionTrace::window; 0 for the rollout, which reaches past it
  bool sliding = false;  // the window is the layer's sliding-window attention
};

// Throws Error for a head the run does not have, a mean the run did not compute
// (Request::means), a rollout of a run that is not a whole model, a highlight past the tokens, or
// rows or columns that hold no token.
void check_view(const Result& result, const View& view);

// The matrices `view` selects, layer by layer, then the rollout.
std::vector<HeadView> shown_heads(const Result& result, const View& view);

// The heads `view` names in each layer: one, or all of them (the mean is made of all).
std::vector<int> chosen_heads(const Result& result, const View& view);

// What a shown matrix is called: a table's heading ("layer 1, head 2", "attention rollout through
// all 6 layers …"), or with `panel` a heatmap panel's short title ("L1 H2 · previous").
std::string view_title(const Result& result, const HeadView& head, Lang lang, bool panel);

}  // namespace attnviz
