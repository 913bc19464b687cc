// Lays out the attention heatmap (cells, labels, colorbar, title) as a Scene for PNG and SVG.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "attnviz/render/font.hpp"
#include "attnviz/render/scene.hpp"
#include "attnviz/render/view.hpp"
#include "attnviz/run/result.hpp"

namespace attnviz {

// How several panels are arranged: Auto is a whole model's layers × heads grid when every head of
// each layer is shown, else the columns that bring the picture closest to a 16:9 slide.
enum class PanelLayout { Auto, Row, Column, Grid };

struct HeatmapOptions {
  std::string cmap = "viridis";
  std::string theme = "light";       // light | dark
  bool transparent = false;          // no background fill
  float cell_size = 0;               // pixels per cell; 0: chosen from the number of tokens
  float scale = 1;                   // multiplies every size, e.g. 2 for a slide projector
  bool annotate = false;             // print each weight in its cell
  bool auto_range = false;           // colorbar spans the data's range instead of 0 … 1
  std::optional<std::string> title;  // replaces title and subtitle; "" shows no title
  bool captions = true;              // "query" and "key" along the axes
  Lang lang = Lang::En;              // of captions, legend and the default subtitle
  View view = {};                    // --head, --rollout
  PanelLayout layout = PanelLayout::Auto;
  float label_size = 0;  // token labels' size in pixels before --scale; 0: from the cell size
};

struct HeatmapPanel {
  std::string title;                // "head 0"; "" for none
  const Matrix* weights = nullptr;  // (T, T)
  int window = 0;                   // HeadView::window
};

struct HeatmapInput {
  std::vector<std::string> tokens;   // T tokens, raw text
  std::vector<HeatmapPanel> panels;  // one per head, drawn as a grid with one colorbar
  size_t columns = 0;  // panels per row (a whole model: its heads); 0: a near-square grid
  // Past 16 panels (a whole model's layers × heads) the panels are thumbnails without token
  // labels, and these title the grid's rows ("L0", …) and columns ("H0", …) instead.
  std::vector<std::string> row_titles, column_titles;
  bool causal = true;
  // The block of every panel drawn (--rows, --cols): rows [row0, row0 + rows), columns
  // [col0, col0 + cols); −1: all T.
  Eigen::Index row0 = 0, rows = -1, col0 = 0, cols = -1;
  Eigen::Index n_rows() const { return rows < 0 ? static_cast<Eigen::Index>(tokens.size()) : rows; }
  Eigen::Index n_cols() const { return cols < 0 ? static_cast<Eigen::Index>(tokens.size()) : cols; }
  // --generate: the first token the model wrote; a rule sets its rows and columns apart and their
  // labels are in the rule's color. −1: none.
  Eigen::Index generated_from = -1;
  // --animate: a frame of the model writing. Tokens from `written` on are not written yet: their
  // rows and labels are left out (−1: every token is). Beside the colorbar, the step's
  // candidates as bars, the chosen one marked.
  Eigen::Index written = -1;
  struct Bar {
    std::string label;
    float p = 0, p_sampled = 0;  // under the model; as drawn
    bool chosen = false;
  };
  std::string bars_title;
  std::vector<Bar> bars;
  size_t bar_slots = 0;  // the panel's height in bars: the same in every frame
  std::string title;     // default title and subtitle
  std::string subtitle;
};

// Throws Error for an unknown colormap or theme.
Scene layout_heatmap(const HeatmapInput& input, const HeatmapOptions& options, const Font& font);

// What heatmap_scene() lays out for a run.
HeatmapInput heatmap_input(const Result& result, const HeatmapOptions& options);

// The heatmap of a run: one panel per shown head (see shown_heads), titled with the text and what
// was computed.
Scene heatmap_scene(const Result& result, const HeatmapOptions& options, const Font& font);

}  // namespace attnviz
