// Heatmap layout: sizes from the number of tokens, labels that never collide, one colorbar.
#include "attnviz/render/heatmap.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "attnviz/error.hpp"
#include "attnviz/i18n/messages.hpp"
#include "attnviz/text/utf8.hpp"

namespace attnviz {
namespace {

// Panels per row: the input's, or the columns of a near-square grid.
size_t grid_columns(const HeatmapInput& input) {
  if (input.columns > 0) return input.columns;
  return static_cast<size_t>(std::ceil(std::sqrt(static_cast<double>(input.panels.size()))));
}

constexpr Rgba kHighlight = {230, 57, 70, 255};   // --highlight's outline, on light and dark alike
constexpr Rgba kGenerated = {242, 142, 43, 255};  // --generate's rule and the new tokens' labels
constexpr int kMaxLabelColumns = 16;              // longer tokens are cut with …
constexpr float kBarsWidth = 300;     // --animate's candidates beside the colorbar, before --scale
constexpr float kMatrixTarget = 600;  // auto cell size aims at a matrix this many pixels wide
constexpr float kMatrixMax = 2048;    // beyond this, cells shrink below one pixel
constexpr float kMaxAutoCell = 48;
constexpr double kMaxPixels = 100e6;  // about 400 MB of RGBA: refuse larger pictures

struct Theme {
  Rgba background, text, muted, masked, hatch;
};

Theme theme_named(const std::string& name, bool transparent) {
  Theme t;
  if (name == "light") {
    t = {{255, 255, 255, 255},
         {34, 34, 34, 255},
         {96, 96, 96, 255},
         {238, 238, 238, 255},
         {190, 190, 190, 255}};
  } else if (name == "dark") {
    t = {{24, 24, 28, 255},
         {232, 232, 232, 255},
         {160, 160, 168, 255},
         {52, 52, 58, 255},
         {92, 92, 100, 255}};
  } else {
    throw Error(Err::UnknownTheme, {name});
  }
  if (transparent) t.background.a = 0;
  return t;
}

// Sizes in pixels, all multiplied by the scale.
struct Metrics {
  float s = 1;  // scale
  float margin = 0;
  float cell = 0;      // cell pitch
  float gap = 0;       // background between cells
  float label_px = 0;  // token labels
  int step = 1;        // label every step-th token
  float label_w = 0;   // widest shown label
  bool vertical_cols = false;
  float col_band = 0;  // height of the column labels
  float row_band = 0;  // width of the row labels
  float caption_px = 0, caption_band = 0;
  float panel_title_px = 0, panel_title_band = 0;
  float panel_w = 0, panel_h = 0, panel_pad = 0;
  float matrix_w = 0, matrix_h = 0;  // columns · cell, rows · cell
  // Thumbnails: no token labels or captions in the panels; the grid's rows and columns titled.
  bool thumbnails = false;
  float grid_left = 0, grid_top = 0;  // bands for the row and column titles
};

constexpr size_t kThumbnailPanels = 16;    // more panels than this are drawn as thumbnails
constexpr float kThumbnailMatrix = 96.0f;  // a thumbnail's side in pixels, at scale 1

float auto_cell(size_t T) {
  const float t = static_cast<float>(T);
  if (t * 1.0f > kMatrixMax) return kMatrixMax / t;
  return std::clamp(std::floor(kMatrixTarget / t), 1.0f, kMaxAutoCell);
}

// Each token's label; in a cropped heatmap with its index in the text ("30 l"), as the axes of the
// whole one would count it.
std::vector<std::string> labels_for(const HeatmapInput& input) {
  const bool cropped = input.rows >= 0 || input.cols >= 0;
  std::vector<std::string> labels;
  for (size_t i = 0; i < input.tokens.size(); ++i) {
    const std::string label =
        utf8::truncate_to_width(utf8::visible(input.tokens[i]), kMaxLabelColumns);
    labels.push_back(cropped ? std::to_string(i) + " " + label : label);
  }
  return labels;
}

Metrics measure(const HeatmapInput& input, const std::vector<std::string>& labels,
                const HeatmapOptions& options, const Font& font) {
  Metrics m;
  m.s = options.scale;
  const float s = m.s;
  const auto R = static_cast<size_t>(input.n_rows()), C = static_cast<size_t>(input.n_cols());
  m.margin = 16 * s;
  // Several heads share the space: a grid of c columns gets cells about 1/√c the size.
  float cell = options.cell_size;
  if (cell <= 0) {
    cell = auto_cell(std::max(R, C));
    const auto grid_cols = static_cast<float>(grid_columns(input));
    if (cell >= 1) cell = std::max(1.0f, std::floor(cell / std::sqrt(grid_cols)));
  }
  m.cell = cell * s;
  m.gap = m.cell >= 12 * s ? std::max(1.0f, std::round(s)) : 0.0f;
  // Readable on a projector: at least 11 px (before --scale) whatever the cell, labels thinned
  // where they would overlap; --label-size sets it.
  m.label_px =
      options.label_size > 0 ? options.label_size * s : std::clamp(m.cell * 0.5f, 11 * s, 16 * s);
  m.step = std::max(1, static_cast<int>(std::ceil(m.label_px * 1.3f / m.cell)));
  const auto measure_labels = [&](Eigen::Index first, size_t n) {
    for (size_t i = 0; i < n; i += static_cast<size_t>(m.step)) {
      m.label_w = std::max(m.label_w, font.width(labels[size_t(first) + i], m.label_px));
    }
  };
  measure_labels(input.row0, R);
  measure_labels(input.col0, C);
  m.vertical_cols = m.step > 1 || m.label_w > m.cell - 2 * s;
  m.col_band = (m.vertical_cols ? m.label_w : m.label_px * 1.3f) + 6 * s;
  m.row_band = m.label_w + 8 * s;
  m.caption_px = 12 * s;
  m.caption_band = options.captions ? m.caption_px * 1.8f : 0;
  m.panel_title_px = std::max(13 * s, m.label_px * 1.15f);
  const bool titled = std::any_of(input.panels.begin(), input.panels.end(),
                                  [](const HeatmapPanel& p) { return !p.title.empty(); });
  m.panel_title_band = titled ? m.panel_title_px * 1.9f : 0;
  m.matrix_w = static_cast<float>(C) * m.cell;
  m.matrix_h = static_cast<float>(R) * m.cell;
  m.panel_w = m.caption_band + m.row_band + m.matrix_w;
  m.panel_h = m.panel_title_band + m.caption_band + m.col_band + m.matrix_h;
  m.panel_pad = 28 * s;
  if (input.panels.size() > kThumbnailPanels && !input.row_titles.empty()) {
    m.thumbnails = true;
    const float thumb =
        options.cell_size > 0
            ? options.cell_size
            : std::max(1.0f, std::floor(kThumbnailMatrix / static_cast<float>(std::max(R, C))));
    m.cell = thumb * s;
    m.gap = 0;
    m.col_band = m.row_band = m.caption_band = m.panel_title_band = 0;
    m.matrix_w = static_cast<float>(C) * m.cell;
    m.matrix_h = static_cast<float>(R) * m.cell;
    m.panel_w = m.matrix_w;
    m.panel_h = m.matrix_h;
    m.panel_pad = 8 * s;
    // The grid's "layer L" and "H0" titles grow with the thumbnails, to be read on a slide.
    m.panel_title_px = std::max(m.panel_title_px, std::max(m.matrix_w, m.matrix_h) * 0.2f);
    for (const std::string& title : input.row_titles) {
      m.grid_left = std::max(m.grid_left, font.width(title, m.panel_title_px));
    }
    m.grid_left += 10 * s;
    m.grid_top = m.panel_title_px * 1.9f;
  }
  return m;
}

// Colorbar ticks: 0, 0.2, …, 1 for the fixed range; 1-2-2.5-5 steps for a data range.
std::vector<float> ticks_for(float lo, float hi) {
  const double span = hi - lo;
  const double raw = span / 5.0;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power * 10;
  for (const double f : {1.0, 2.0, 2.5, 5.0}) {
    if (raw <= f * power) {
      step = f * power;
      break;
    }
  }
  std::vector<float> ticks;
  const double first = std::ceil(lo / step - 1e-9);
  for (int k = 0; (first + k) * step <= hi + step * 1e-6; ++k) {
    const double v = (first + k) * step;
    ticks.push_back(static_cast<float>(std::abs(v) < step * 1e-9 ? 0.0 : v));
  }
  return ticks;
}

std::string tick_label(float v, float lo, float hi) {
  const double step = (hi - lo) / 5.0;
  const int decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(step))) + 1, 1, 6);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, static_cast<double>(v));
  std::string text = buf;
  while (text.back() == '0' && text[text.size() - 2] != '.') text.pop_back();
  return text;
}

// The range of unmasked weights over every panel, for --range auto.
std::pair<float, float> data_range(const HeatmapInput& input) {
  float lo = 1, hi = 0;
  for (const HeatmapPanel& panel : input.panels) {
    const Matrix& w = *panel.weights;
    for (Eigen::Index i = input.row0; i < input.row0 + input.n_rows(); ++i) {
      for (Eigen::Index j = input.col0; j < input.col0 + input.n_cols(); ++j) {
        if (masked_cell(input.causal, panel.window, i, j)) continue;
        lo = std::min(lo, w(i, j));
        hi = std::max(hi, w(i, j));
      }
    }
  }
  if (hi - lo < 1e-6f) hi = lo + 1e-6f;
  return {lo, hi};
}

class Builder {
 public:
  Builder(const HeatmapInput& input, const HeatmapOptions& options, const Font& font)
      : input_(input),
        options_(options),
        font_(font),
        theme_(theme_named(options.theme, options.transparent)),
        cmap_(Colormap::named(options.cmap)),
        labels_(labels_for(input)),
        m_(measure(input, labels_, options, font)) {
    std::tie(lo_, hi_) = options.auto_range ? data_range(input) : std::pair<float, float>{0, 1};
  }

  Scene build() {
    const float s = m_.s;
    const bool custom_title = options_.title.has_value();
    const std::string title = utf8::one_line(custom_title ? *options_.title : input_.title);
    const std::string subtitle = custom_title ? "" : utf8::one_line(input_.subtitle);
    const float title_px = 17 * s, subtitle_px = 12 * s;
    float top = m_.margin;
    float title_w = 0;
    if (!title.empty()) {
      top += title_px;
      title_w = font_.width(title, title_px);
    }
    const float title_baseline = top;
    if (!subtitle.empty()) {
      top += subtitle_px * 1.6f;
      title_w = std::max(title_w, font_.width(subtitle, subtitle_px));
    }
    const float subtitle_baseline = top;
    if (!title.empty() || !subtitle.empty()) top += 12 * s;

    const size_t H = input_.panels.size();
    const size_t cols = grid_columns(input_);
    const size_t rows = (H + cols - 1) / cols;
    const float grid_w = m_.grid_left + static_cast<float>(cols) * m_.panel_w +
                         static_cast<float>(cols - 1) * m_.panel_pad;
    const float grid_h = m_.grid_top + static_cast<float>(rows) * m_.panel_h +
                         static_cast<float>(rows - 1) * m_.panel_pad;

    const float tick_px = 11 * s;
    float tick_w = 0;
    for (const float v : ticks_for(lo_, hi_))
      tick_w = std::max(tick_w, font_.width(tick_label(v, lo_, hi_), tick_px));
    const float colorbar_w = 16 * s;
    if (input_.causal) {  // the legend under the colorbar: a hatched box and "masked"
      tick_w = std::max(tick_w, font_.width(say(options_.lang, Msg::Masked), tick_px) + 18 * s -
                                    colorbar_w - 8 * s);
    }
    const float colorbar_band = 24 * s + colorbar_w + 8 * s + tick_w;
    const float bars_w = input_.bar_slots > 0 ? kBarsWidth * s : 0;
    const float content_w = grid_w + colorbar_band + bars_w;
    const float width = 2 * m_.margin + std::max(content_w, title_w);
    const float left = m_.margin + (width - 2 * m_.margin - content_w) / 2;

    const float grid_x = left + m_.grid_left, grid_y = top + m_.grid_top;
    for (size_t h = 0; h < H; ++h) {
      const float px = grid_x + static_cast<float>(h % cols) * (m_.panel_w + m_.panel_pad);
      const float py = grid_y + static_cast<float>(h / cols) * (m_.panel_h + m_.panel_pad);
      add_panel(input_.panels[h], px, py);
    }
    if (m_.thumbnails) add_grid_titles(grid_x, grid_y, rows, cols);
    const float matrix_top = grid_y + m_.panel_title_band + m_.caption_band + m_.col_band;
    const float colorbar_h = std::max(m_.matrix_h, 160 * s);
    add_colorbar(left + grid_w + 24 * s, matrix_top, colorbar_w, colorbar_h, tick_px);

    float height = std::max(top + grid_h, matrix_top + colorbar_h + 40 * s) + m_.margin;
    if (input_.bar_slots > 0) {
      const float bottom = add_bars(left + grid_w + colorbar_band + 24 * s, matrix_top, tick_px);
      height = std::max(height, bottom + m_.margin);
    }
    if (static_cast<double>(width) * height > kMaxPixels) {
      throw Error(Err::HeatmapTooLarge, {std::to_string(static_cast<long>(width)),
                                         std::to_string(static_cast<long>(height))});
    }
    scene_.width = static_cast<int>(std::ceil(width));
    scene_.height = static_cast<int>(std::ceil(height));
    scene_.background = theme_.background;
    if (!title.empty()) {
      add_text(width / 2, title_baseline, title, title_px, theme_.text, Anchor::Middle, false,
               "title");
    }
    if (!subtitle.empty()) {
      add_text(width / 2, subtitle_baseline, subtitle, subtitle_px, theme_.muted, Anchor::Middle,
               false, "subtitle");
    }
    return std::move(scene_);
  }

 private:
  void add_text(float x, float y, std::string text, float px, Rgba color, Anchor anchor,
                bool vertical, const char* role) {
    TextShape t;
    t.x = x;
    t.y = y;
    t.text = std::move(text);
    t.size = px;
    t.color = color;
    t.anchor = anchor;
    t.vertical = vertical;
    t.role = role;
    scene_.shapes.emplace_back(std::move(t));
  }

  // The rows' titles at the left of the grid, the columns' above it.
  void add_grid_titles(float x, float y, size_t rows, size_t cols) {
    const float px = m_.panel_title_px;
    const float lift = (font_.ascent(px) - font_.descent(px)) / 2;
    for (size_t r = 0; r < std::min(rows, input_.row_titles.size()); ++r) {
      const float centre =
          y + static_cast<float>(r) * (m_.panel_h + m_.panel_pad) + m_.matrix_h / 2;
      add_text(x - 8 * m_.s, centre + lift, input_.row_titles[r], px, theme_.text, Anchor::End,
               false, "row-title");
    }
    for (size_t c = 0; c < std::min(cols, input_.column_titles.size()); ++c) {
      const float centre =
          x + static_cast<float>(c) * (m_.panel_w + m_.panel_pad) + m_.matrix_w / 2;
      add_text(centre, y - px * 0.6f, input_.column_titles[c], px, theme_.text, Anchor::Middle,
               false, "column-title");
    }
  }

  void add_panel(const HeatmapPanel& panel, float px, float py) {
    const float s = m_.s;
    const float mx = px + m_.caption_band + m_.row_band;
    const float my = py + m_.panel_title_band + m_.caption_band + m_.col_band;
    if (m_.panel_title_band > 0) {
      add_text(mx + m_.matrix_w / 2, py + m_.panel_title_px * 1.1f, panel.title, m_.panel_title_px,
               theme_.text, Anchor::Middle, false, "panel-title");
    }
    MatrixShape matrix;
    matrix.x = mx;
    matrix.y = my;
    matrix.cell = m_.cell;
    matrix.gap = m_.gap;
    matrix.weights = panel.weights;
    matrix.labels = labels_;
    matrix.row0 = input_.row0;
    matrix.col0 = input_.col0;
    matrix.rows = input_.n_rows();
    matrix.cols = input_.n_cols();
    matrix.causal = input_.causal;
    matrix.window = panel.window;
    matrix.cmap = &cmap_;
    matrix.lo = lo_;
    matrix.hi = hi_;
    matrix.masked = theme_.masked;
    matrix.hatch = theme_.hatch;
    scene_.shapes.emplace_back(matrix);

    if (m_.thumbnails) return;  // the grid's titles say which panel is which
    // Text is centred on a row by its visible height: half of (ascent - descent) below the middle.
    const float lift = (font_.ascent(m_.label_px) - font_.descent(m_.label_px)) / 2;
    // The tokens the model wrote (--generate) are labelled in the rule's color.
    const auto ink = [&](Eigen::Index position) {
      return input_.generated_from >= 0 && position >= input_.generated_from ? kGenerated
                                                                             : theme_.text;
    };
    // --animate: what the model has not written yet is not shown.
    const auto unwritten = [&](Eigen::Index position) {
      return input_.written >= 0 && position >= input_.written;
    };
    if (input_.written >= 0) {
      const Eigen::Index row =
          std::clamp<Eigen::Index>(input_.written - matrix.row0, 0, matrix.n_rows());
      const float y = my + static_cast<float>(row) * m_.cell;
      if (row < matrix.n_rows()) {
        scene_.shapes.emplace_back(RectShape{
            mx, y, m_.matrix_w, my + m_.matrix_h - y, theme_.background, "unwritten", {}});
      }
    }
    for (Eigen::Index i = 0; i < matrix.n_rows(); i += m_.step) {
      if (unwritten(matrix.row0 + i)) continue;
      const float centre = static_cast<float>(i) * m_.cell + m_.cell / 2;
      add_text(mx - 6 * s, my + centre + lift, matrix.row_label(i), m_.label_px,
               ink(matrix.row0 + i), Anchor::End, false, "row-label");
    }
    for (Eigen::Index j = 0; j < matrix.n_cols(); j += m_.step) {
      if (unwritten(matrix.col0 + j)) continue;
      add_col_label(mx, my, j, matrix.col_label(j), ink(matrix.col0 + j));
    }
    if (options_.captions) {
      add_text(mx + m_.matrix_w / 2, my - m_.col_band - m_.caption_band * 0.35f,
               say(options_.lang, Msg::Key), m_.caption_px, theme_.muted, Anchor::Middle, false,
               "caption");
      add_text(px + m_.caption_px, my + m_.matrix_h / 2, say(options_.lang, Msg::Query),
               m_.caption_px, theme_.muted, Anchor::Middle, true, "caption");
    }
    if (options_.annotate) add_annotations(matrix);
    if (input_.generated_from >= 0) add_generation_rule(matrix, mx, my);
    if (options_.view.highlight) add_highlight(matrix, mx, my);
  }

  // --generate: a line above the first row the model wrote and before its column, where the
  // block shows them.
  void add_generation_rule(const MatrixShape& matrix, float mx, float my) {
    const float t = std::max(2 * m_.s, m_.cell * 0.08f);
    const Eigen::Index row = input_.generated_from - matrix.row0;
    const Eigen::Index col = input_.generated_from - matrix.col0;
    if (row > 0 && row < matrix.n_rows()) {
      scene_.shapes.emplace_back(RectShape{mx,
                                           my + static_cast<float>(row) * m_.cell - t / 2,
                                           m_.matrix_w,
                                           t,
                                           kGenerated,
                                           "generation-rule",
                                           {}});
    }
    // Down to the last row written (--animate), else the whole matrix.
    const float height = input_.written < 0
                             ? m_.matrix_h
                             : static_cast<float>(std::clamp<Eigen::Index>(
                                   input_.written - matrix.row0, 0, matrix.n_rows())) *
                                   m_.cell;
    if (col > 0 && col < matrix.n_cols() && height > 0) {
      scene_.shapes.emplace_back(RectShape{mx + static_cast<float>(col) * m_.cell - t / 2,
                                           my,
                                           t,
                                           height,
                                           kGenerated,
                                           "generation-rule",
                                           {}});
    }
  }

  // Column j's label above a matrix at (mx, my): upright, or turned where labels would collide.
  void add_col_label(float mx, float my, Eigen::Index j, const std::string& label, Rgba color) {
    const float s = m_.s;
    const float centre = static_cast<float>(j) * m_.cell + m_.cell / 2;
    if (m_.vertical_cols) {
      const float lift = (font_.ascent(m_.label_px) - font_.descent(m_.label_px)) / 2;
      add_text(mx + centre + lift, my - 5 * s, label, m_.label_px, color, Anchor::Start, true,
               "col-label");
    } else {
      add_text(mx + centre, my - 5 * s - font_.descent(m_.label_px), label, m_.label_px, color,
               Anchor::Middle, false, "col-label");
    }
  }

  // --highlight: an outline around a row, or a cell, drawn over every panel, and its labels shown
  // even where labels are thinned; nothing where the crop leaves it out.
  void add_highlight(const MatrixShape& matrix, float mx, float my) {
    const auto [query, key] = *options_.view.highlight;
    const Eigen::Index row = query - matrix.row0, col = key < 0 ? -1 : key - matrix.col0;
    if (row < 0 || row >= matrix.n_rows() || (key >= 0 && (col < 0 || col >= matrix.n_cols())))
      return;
    const float s = m_.s, c = m_.cell;
    const float x = col < 0 ? mx : mx + static_cast<float>(col) * c;
    const float y = my + static_cast<float>(row) * c;
    const float w = col < 0 ? m_.matrix_w : c, h = c;
    const float t = std::max(2 * s, c * 0.12f);  // the line's width, outside the outlined cells
    const Rgba color = kHighlight;
    for (const RectShape& r : {RectShape{x - t, y - t, w + 2 * t, t, color, "highlight", {}},
                               RectShape{x - t, y + h, w + 2 * t, t, color, "highlight", {}},
                               RectShape{x - t, y, t, h, color, "highlight", {}},
                               RectShape{x + w, y, t, h, color, "highlight", {}}}) {
      scene_.shapes.emplace_back(r);
    }
    if (m_.thumbnails) return;
    const float lift = (font_.ascent(m_.label_px) - font_.descent(m_.label_px)) / 2;
    if (row % m_.step != 0) {
      add_text(mx - 6 * s, my + static_cast<float>(row) * c + c / 2 + lift, matrix.row_label(row),
               m_.label_px, color, Anchor::End, false, "row-label");
    }
    if (col >= 0 && col % m_.step != 0) add_col_label(mx, my, col, matrix.col_label(col), color);
  }

  void add_annotations(const MatrixShape& matrix) {
    const float s = m_.s;
    const float px = std::min(12 * s, (m_.cell - m_.gap) * 0.3f);
    if (px < 6 * s) return;  // cells too small to hold a number
    const float lift = (font_.ascent(px) - font_.descent(px)) / 2;
    for (Eigen::Index i = 0; i < matrix.n_rows(); ++i) {
      for (Eigen::Index j = 0; j < matrix.n_cols(); ++j) {
        if (matrix.is_masked(i, j)) continue;
        char buf[16];
        std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(matrix.value(i, j)));
        const Rgb bg = matrix.color(i, j);
        const Rgba ink = bg.luminance() > 0.5 ? Rgba{0, 0, 0, 255} : Rgba{255, 255, 255, 255};
        const float cx = matrix.x + (static_cast<float>(j) + 0.5f) * m_.cell - m_.gap / 2;
        const float cy = matrix.y + (static_cast<float>(i) + 0.5f) * m_.cell - m_.gap / 2;
        add_text(cx, cy + lift, buf, px, ink, Anchor::Middle, false, "annotation");
      }
    }
  }

  // --animate: the step's title, then one bar per candidate — the model's probability as a
  // light bar, the probability it was drawn with over it — with its label and both numbers; the
  // chosen token's in the rule's color. Returns the panel's bottom.
  float add_bars(float x, float y, float px) {
    const float s = m_.s;
    const float lift = (font_.ascent(px) - font_.descent(px)) / 2;
    add_text(x, y + px, input_.bars_title, px * 1.15f, theme_.text, Anchor::Start, false,
             "bars-title");
    const float label_w = 56 * s, bar_w = kBarsWidth * s - label_w - 80 * s, row_h = 22 * s;
    float top = y + px * 2.2f;
    for (const HeatmapInput::Bar& bar : input_.bars) {
      const Rgba ink = bar.chosen ? kGenerated : theme_.text;
      add_text(x + label_w - 6 * s, top + row_h / 2 + lift, utf8::truncate_to_width(bar.label, 6),
               px, ink, Anchor::End, false, "bar-label");
      scene_.shapes.emplace_back(RectShape{
          x + label_w, top + 3 * s, bar_w * bar.p, row_h - 6 * s, theme_.masked, "bar-model", {}});
      scene_.shapes.emplace_back(RectShape{x + label_w,
                                           top + 7 * s,
                                           bar_w * bar.p_sampled,
                                           row_h - 14 * s,
                                           bar.chosen ? kGenerated : theme_.muted,
                                           "bar-drawn",
                                           {}});
      char numbers[48];
      std::snprintf(numbers, sizeof numbers, "%.2f → %.2f", static_cast<double>(bar.p),
                    static_cast<double>(bar.p_sampled));
      add_text(x + label_w + bar_w + 6 * s, top + row_h / 2 + lift, numbers, px * 0.9f, ink,
               Anchor::Start, false, "bar-value");
      top += row_h;
    }
    return y + px * 2.2f + static_cast<float>(input_.bar_slots) * row_h;
  }

  void add_colorbar(float x, float y, float w, float h, float tick_px) {
    const float s = m_.s;
    const float step = h / Colormap::kSize;
    for (int k = 0; k < Colormap::kSize; ++k) {
      RectShape r;
      r.x = x;
      r.y = y + h - static_cast<float>(k + 1) * step;
      r.w = w;
      r.h = step;
      r.fill = opaque(cmap_.entry(k));
      r.role = "colorbar";
      scene_.shapes.emplace_back(r);
    }
    const float lift = (font_.ascent(tick_px) - font_.descent(tick_px)) / 2;
    for (const float v : ticks_for(lo_, hi_)) {
      const float ty = y + h - (v - lo_) / (hi_ - lo_) * h;
      scene_.shapes.emplace_back(RectShape{x + w, ty - s / 2, 4 * s, s, theme_.muted, "tick", {}});
      add_text(x + w + 8 * s, ty + lift, tick_label(v, lo_, hi_), tick_px, theme_.text,
               Anchor::Start, false, "tick-label");
    }
    if (input_.causal) {  // legend: what the hatched cells are
      const float box = 12 * s;
      const float by = y + h + 14 * s;
      scene_.shapes.emplace_back(RectShape{x, by, box, box, theme_.masked, "legend", theme_.hatch});
      add_text(x + box + 6 * s, by + box / 2 + lift, say(options_.lang, Msg::Masked), tick_px,
               theme_.text, Anchor::Start, false, "legend-label");
    }
  }

  const HeatmapInput& input_;
  const HeatmapOptions& options_;
  const Font& font_;
  Theme theme_;
  const Colormap& cmap_;
  std::vector<std::string> labels_;
  Metrics m_;
  float lo_ = 0, hi_ = 1;
  Scene scene_;
};

}  // namespace

Scene layout_heatmap(const HeatmapInput& input, const HeatmapOptions& options, const Font& font) {
  if (input.tokens.empty() || input.panels.empty()) throw Error(Err::Internal, {"empty heatmap"});
  if (!(options.scale > 0) || options.scale > 16) {
    throw Error(Err::ScaleRange, {std::to_string(options.scale)});
  }
  return Builder(input, options, font).build();
}

}  // namespace attnviz
