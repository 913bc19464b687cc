// Text table of attention weights: labeled rows and columns, column blocks, optional shading.
#include "attnviz/render/render_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "attnviz/i18n/messages.hpp"
#include "attnviz/render/describe.hpp"
#include "attnviz/render/summary.hpp"
#include "attnviz/text/utf8.hpp"
#include "render/elide.hpp"

namespace attnviz {
namespace {

constexpr int kMaxLabelWidth = 12;
constexpr std::string_view kGap = "  ";
constexpr std::string_view kMaskedCell = "·";
constexpr std::string_view kGapColumn = "…";  // columns left out of a summarised table
constexpr std::string_view kGapRow = "⋮";     // rows left out

std::string colored(const std::string& text, Rgb bg) {
  const int fg = bg.luminance() > 0.5 ? 0 : 255;  // black text on light cells, white on dark
  char prefix[64];
  std::snprintf(prefix, sizeof prefix, "\x1b[48;2;%d;%d;%dm\x1b[38;2;%d;%d;%dm", bg.r, bg.g, bg.b,
                fg, fg, fg);
  return prefix + text + "\x1b[0m";
}

std::string format_weight(float value, int precision) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", precision, static_cast<double>(value));
  return buf;
}

// The rows and columns a table prints: those of the block --rows/--cols choose (every token by
// default), all of them or (past numpy's threshold, without --full) the first and last
// kEdgeItems of each axis with a gap, kElided, between them.
struct Layout {
  using Span = std::pair<Eigen::Index, Eigen::Index>;  // [begin, end) of the tokens
  Span row_span, col_span;                             // the block shown
  std::vector<std::ptrdiff_t> rows, cols;              // token indices, or kElided
  std::vector<std::string> row_labels, col_labels;     // each shown token's label, cut
  int index_width = 1;                                 // digits of the largest index
  int label_width = 1;                                 // widest row label
  std::vector<int> col_width;                          // each shown column's width
  int row_label_width() const { return index_width + 1 + label_width; }
  bool summarised() const {
    return std::find(rows.begin(), rows.end(), kElided) != rows.end() ||
           std::find(cols.begin(), cols.end(), kElided) != cols.end();
  }
};

// The positions [begin, end) of one axis as shown: all, or both ends with a gap.
std::vector<std::ptrdiff_t> shown_span(std::pair<Eigen::Index, Eigen::Index> span, bool all) {
  const auto n = static_cast<size_t>(span.second - span.first);
  std::vector<std::ptrdiff_t> shown =
      all ? shown_indices(n, n, 0) : shown_indices(n, kEdgeItems, kEdgeItems);
  for (std::ptrdiff_t& t : shown)
    if (t != kElided) t += span.first;
  return shown;
}

std::string label_of(const std::vector<std::string>& tokens, std::ptrdiff_t t) {
  return t == kElided ? std::string(kGapColumn)
                      : utf8::truncate_to_width(utf8::visible(tokens[static_cast<size_t>(t)]),
                                                kMaxLabelWidth);
}

Layout make_layout(const std::vector<std::string>& tokens, const TableOptions& options) {
  Layout layout;
  const auto T = static_cast<Eigen::Index>(tokens.size());
  const View& view = options.view;
  layout.row_span = view.rows ? span_of(*view.rows, T) : Layout::Span{0, T};
  layout.col_span = view.cols ? span_of(*view.cols, T) : Layout::Span{0, T};
  const auto [r0, r1] = layout.row_span;
  const auto [c0, c1] = layout.col_span;
  const bool all = options.full || static_cast<size_t>((r1 - r0) * (c1 - c0)) <= kSummaryThreshold;
  layout.rows = shown_span(layout.row_span, all);
  layout.cols = shown_span(layout.col_span, all);
  layout.index_width = static_cast<int>(std::to_string(T - 1).size());
  for (const std::ptrdiff_t t : layout.rows) {
    layout.row_labels.push_back(t == kElided ? "" : label_of(tokens, t));
    layout.label_width =
        std::max(layout.label_width, utf8::display_width(layout.row_labels.back()));
  }
  const int value_width = options.precision + 2;  // "0.123"
  for (const std::ptrdiff_t t : layout.cols) {
    layout.col_labels.push_back(label_of(tokens, t));
    const int w = utf8::display_width(layout.col_labels.back());
    layout.col_width.push_back(t == kElided ? w : std::max({w, value_width, layout.index_width}));
  }
  return layout;
}

// Splits the shown columns into blocks that fit `width` terminal columns, as numpy and R print
// wide matrices; each block holds at least one column.
std::vector<std::pair<size_t, size_t>> column_blocks(const Layout& layout, int width) {
  std::vector<std::pair<size_t, size_t>> blocks;
  const auto gap = static_cast<int>(kGap.size());
  size_t begin = 0;
  int used = layout.row_label_width();
  for (size_t j = 0; j < layout.col_width.size(); ++j) {
    const int need = gap + layout.col_width[j];
    if (width > 0 && j > begin && used + need > width) {
      blocks.emplace_back(begin, j);
      begin = j;
      used = layout.row_label_width();
    }
    used += need;
  }
  blocks.emplace_back(begin, layout.col_width.size());
  return blocks;
}

std::string index_text(std::ptrdiff_t t) {
  return t == kElided ? std::string(kGapColumn) : std::to_string(t);
}

// `block` is a range of positions in layout.cols.
void render_block(const Matrix& weights, const HeadView& head, bool causal, const Layout& layout,
                  std::pair<size_t, size_t> block, const TableOptions& options, std::string& out) {
  const auto [begin, end] = block;
  std::string indices = std::string(static_cast<size_t>(layout.row_label_width()), ' ');
  std::string labels = indices;
  for (size_t j = begin; j < end; ++j) {
    indices += std::string(kGap) + utf8::pad_left(index_text(layout.cols[j]), layout.col_width[j]);
    labels += std::string(kGap) + utf8::pad_left(layout.col_labels[j], layout.col_width[j]);
  }
  out += indices + "\n" + labels + "\n";
  for (size_t i = 0; i < layout.rows.size(); ++i) {
    const std::ptrdiff_t r = layout.rows[i];
    out += utf8::pad_left(r == kElided ? std::string(kGapRow) : index_text(r), layout.index_width) +
           " " + utf8::pad_right(layout.row_labels[i], layout.label_width);
    for (size_t j = begin; j < end; ++j) {
      const std::ptrdiff_t c = layout.cols[j];
      out += kGap;
      if (r == kElided || c == kElided) {
        out +=
            utf8::pad_left(std::string(r == kElided ? kGapRow : kGapColumn), layout.col_width[j]);
      } else if (masked_cell(causal, head.window, r, c)) {
        out += utf8::pad_left(std::string(kMaskedCell), layout.col_width[j]);
      } else {
        const std::string cell =
            utf8::pad_left(format_weight(weights(r, c), options.precision), layout.col_width[j]);
        out += options.cmap != nullptr ? colored(cell, (*options.cmap)(weights(r, c))) : cell;
      }
    }
    out += "\n";
  }
}

// Each query's most attended key and the entropy of its row, against the most it could be
// (log2 of the keys it sees).
// A whole model's three likeliest next tokens after position i: "r 0.31 · n 0.12 · ı 0.05".
std::string guesses_text(const std::vector<Guess>& guesses, int precision) {
  std::string out;
  for (size_t g = 0; g < std::min<size_t>(3, guesses.size()); ++g) {
    out += (g == 0 ? "" : " · ") + utf8::truncate_to_width(utf8::visible(guesses[g].token), 12) +
           " " + format_weight(guesses[g].p, precision);
  }
  return out;
}

void render_summaries(const Matrix& weights, bool causal, int window,
                      const std::vector<std::string>& tokens,
                      const std::vector<std::vector<Guess>>& predictions, const Layout& layout,
                      const TableOptions& options, std::string& out) {
  const Lang lang = options.lang;
  const std::vector<RowSummary> rows = summarize_rows(weights);
  const int label = layout.row_label_width();
  const std::string query = say(lang, Msg::SummaryQuery), top = say(lang, Msg::SummaryTop);
  const std::string weight = say(lang, Msg::SummaryWeight),
                    entropy = say(lang, Msg::SummaryEntropy);
  const int query_w = std::max(label, utf8::display_width(query));
  const int top_w = std::max(label, utf8::display_width(top));
  const int weight_w = std::max(options.precision + 2, utf8::display_width(weight));
  out += "\n" + say(lang, Msg::SummaryTitle) + "\n";
  // The entropy column is as wide as its widest entry, so that the guesses line up after it.
  const int entropy_w = std::max(utf8::display_width(entropy), 24);
  const bool guesses = !predictions.empty();
  out += utf8::pad_right(query, query_w) + std::string(kGap) + utf8::pad_right(top, top_w) +
         std::string(kGap) + utf8::pad_left(weight, weight_w) + std::string(kGap) +
         (guesses ? utf8::pad_right(entropy, entropy_w) + std::string(kGap) +
                        say(lang, Msg::SummaryNext)
                  : entropy) +
         "\n";
  const std::string bits = say(lang, Msg::Bits), at_most = say(lang, Msg::SummaryMax);
  const auto row_label = [&](size_t k) {
    return utf8::pad_left(std::to_string(k), layout.index_width) + " " +
           utf8::truncate_to_width(utf8::visible(tokens[k]), kMaxLabelWidth);
  };
  for (const std::ptrdiff_t shown : layout.rows) {
    if (shown == kElided) {
      out += utf8::pad_left(std::string(kGapRow), layout.index_width) + "\n";
      continue;
    }
    const auto i = static_cast<size_t>(shown);
    const auto j = static_cast<size_t>(rows[i].top_key);
    const auto seen = keys_seen(causal, window, static_cast<Eigen::Index>(i),
                                static_cast<Eigen::Index>(rows.size()));
    const double most = std::log2(static_cast<double>(seen));  // the entropy of a uniform row
    char numbers[64];
    std::snprintf(numbers, sizeof numbers, "%.2f %s (%s %.2f)", rows[i].entropy_bits, bits.c_str(),
                  at_most.c_str(), most);
    out += utf8::pad_right(row_label(i), query_w) + std::string(kGap) +
           utf8::pad_right(row_label(j), top_w) + std::string(kGap) +
           utf8::pad_left(format_weight(rows[i].top_weight, options.precision), weight_w) +
           std::string(kGap) +
           (guesses ? utf8::pad_right(numbers, entropy_w) + std::string(kGap) +
                          guesses_text(predictions[i], options.precision)
                    : std::string(numbers)) +
           "\n";
  }
}

// "0.312 → 0.421": a candidate's probability under the model, then as it was drawn with.
std::string drawn_text(float p, float p_sampled, int precision) {
  return format_weight(p, precision) + " → " + format_weight(p_sampled, precision);
}

// --generate: one line per new token — its position and text, its probability under the model
// and as drawn, the other candidates — the first and last 10 past 20 steps without --full.
void render_generation(const Result& result, const TableOptions& options, std::string& out) {
  const GenerationInfo& g = *result.generation;
  const Lang lang = options.lang;
  const Sampling& s = g.sampling;
  out += "\n" +
         say(lang, s.temperature > 0 ? Msg::GenerationTitle : Msg::GenerationGreedy,
             {std::to_string(g.steps.size()), g.defaults_of, sampling_settings(g, lang)}) +
         "\n";
  const size_t n = g.steps.size();
  const std::vector<std::ptrdiff_t> shown =
      options.full ? shown_indices(n, n, 0) : shown_indices(n, 10, 10);
  const int index_width = static_cast<int>(std::to_string(result.tokens.size() - 1).size());
  const auto label = [&](std::ptrdiff_t k) {
    return label_of(result.tokens, static_cast<std::ptrdiff_t>(g.prompt_tokens) + k);
  };
  int label_width = 1;
  for (const std::ptrdiff_t k : shown) {
    if (k != kElided) label_width = std::max(label_width, utf8::display_width(label(k)));
  }
  for (const std::ptrdiff_t k : shown) {
    if (k == kElided) {
      out += utf8::pad_left(std::string(kGapRow), index_width) + "\n";
      continue;
    }
    const GeneratedToken& step = g.steps[static_cast<size_t>(k)];
    const size_t position = static_cast<size_t>(g.prompt_tokens) + static_cast<size_t>(k);
    std::string line = utf8::pad_left(std::to_string(position), index_width) + " " +
                       utf8::pad_right(label(k), label_width);
    std::string others;
    for (const auto& c : step.candidates) {
      if (c.guess.id == step.token.id) {
        line += std::string(kGap) + drawn_text(c.guess.p, c.p_sampled, options.precision);
      } else {
        others += (others.empty() ? "" : " · ") +
                  utf8::truncate_to_width(utf8::visible(c.guess.token), kMaxLabelWidth) + " " +
                  drawn_text(c.guess.p, c.p_sampled, options.precision);
      }
    }
    out += line + std::string(kGap) + others;
    if (step.first_key > 0) {
      out +=
          std::string(kGap) + say(lang, Msg::GenerationCropped,
                                  {std::to_string(step.first_key), std::to_string(position - 1)});
    }
    out += "\n";
  }
}

}  // namespace

std::string render_table(const Result& result, const TableOptions& options) {
  const AttentionTrace& trace = result.trace();
  const Layout layout = make_layout(result.tokens, options);
  const auto blocks = column_blocks(layout, options.width);
  const std::string T = std::to_string(result.tokens.size());
  const Lang lang = options.lang;

  std::string out = run_summary(result, lang) + "\n";
  out += say(lang, trace.causal ? Msg::LegendCausal : Msg::Legend) + "\n";
  if (trace.window > 0) {
    out += say(lang, trace.sliding ? Msg::LegendSliding : Msg::LegendWindow,
               {std::to_string(trace.window)}) +
           "\n";
  }
  const auto [r0, r1] = layout.row_span;
  const auto [c0, c1] = layout.col_span;
  if (options.view.rows || options.view.cols) {
    out += say(lang, Msg::TableBlock,
               {std::to_string(r0), std::to_string(r1 - 1), std::to_string(c0),
                std::to_string(c1 - 1), T}) +
           "\n";
  }
  for (const HeadView& head : shown_heads(result, options.view)) {
    const std::string title = view_title(result, head, lang, false);
    if (!title.empty()) out += "\n" + title + "\n";
    for (const auto& block : blocks) {
      out += "\n";
      if (blocks.size() > 1) {
        out += say(lang, Msg::KeysBlock,
                   {index_text(layout.cols[block.first]), index_text(layout.cols[block.second - 1]),
                    T}) +
               "\n";
      }
      render_block(*head.weights, head, trace.causal, layout, block, options, out);
    }
    if (options.summaries) {
      render_summaries(*head.weights, trace.causal, head.window, result.tokens, result.predictions,
                       layout, options, out);
    }
  }
  if (result.generation) render_generation(result, options, out);
  if (layout.summarised()) {
    out += "\n" +
           say(lang, Msg::TableSummarised, {std::to_string(r1 - r0), std::to_string(c1 - c0)}) +
           "\n";
  }
  return out;
}

}  // namespace attnviz
