// A heatmap picture as positioned shapes, shared by the PNG and SVG renderers so both draw the same
// layout. Coordinates are pixels from the top-left corner.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "attnviz/matrix.hpp"
#include "attnviz/model/trace.hpp"
#include "attnviz/render/colormap.hpp"

namespace attnviz {

struct Rgba {
  uint8_t r = 0, g = 0, b = 0, a = 255;
  Rgb rgb() const { return {r, g, b}; }
};

inline Rgba opaque(Rgb c) { return {c.r, c.g, c.b, 255}; }

struct RectShape {
  float x = 0, y = 0, w = 0, h = 0;
  Rgba fill;
  std::string role;           // "colorbar", "tick", ... (the SVG class)
  std::optional<Rgba> hatch;  // diagonal lines over the fill, as on masked cells
};

enum class Anchor { Start, Middle, End };

struct TextShape {
  float x = 0, y = 0;  // the anchor point on the baseline
  std::string text;    // UTF-8, one line
  float size = 12;     // pixels per em-height
  Rgba color;
  Anchor anchor = Anchor::Start;
  bool vertical = false;  // rotated 90° counter-clockwise: reads bottom to top from (x, y)
  std::string role;       // "title", "row-label", "col-label", "annotation", ...
};

// The T×T attention weights, or the block of rows [row0, row0 + rows) × columns
// [col0, col0 + cols) of them (--rows, --cols), as colored cells. Masked cells get `masked` with
// `hatch` lines. Cell (i, j) is the block's: weight (row0 + i, col0 + j).
struct MatrixShape {
  float x = 0, y = 0;                 // top-left corner of cell (0, 0)
  float cell = 1;                     // cell pitch in pixels
  float gap = 0;                      // background left between cells, in pixels
  const Matrix* weights = nullptr;    // (T, T)
  std::vector<std::string> labels;    // T token labels, for SVG tooltips
  Eigen::Index row0 = 0, col0 = 0;    // the block's first row and column in the weights
  Eigen::Index rows = -1, cols = -1;  // its size; −1: all T
  bool causal = true;
  int window = 0;  // AttentionTrace::window
  const Colormap* cmap = nullptr;
  float lo = 0, hi = 1;  // the weight drawn with the first and the last colormap entry
  Rgba masked, hatch;

  Eigen::Index n_rows() const { return rows < 0 ? weights->rows() : rows; }
  Eigen::Index n_cols() const { return cols < 0 ? weights->cols() : cols; }
  float value(Eigen::Index i, Eigen::Index j) const { return (*weights)(row0 + i, col0 + j); }
  bool is_masked(Eigen::Index i, Eigen::Index j) const {
    return masked_cell(causal, window, row0 + i, col0 + j);
  }
  const std::string& row_label(Eigen::Index i) const { return labels[size_t(row0 + i)]; }
  const std::string& col_label(Eigen::Index j) const { return labels[size_t(col0 + j)]; }
  // The colormap entry of cell (i, j), as matplotlib maps values: (w - lo) / (hi - lo).
  int color_index(Eigen::Index i, Eigen::Index j) const;
  Rgb color(Eigen::Index i, Eigen::Index j) const { return cmap->entry(color_index(i, j)); }
  bool hatched() const { return cell >= 6; }  // hatching only where it can be seen
};

using Shape = std::variant<RectShape, TextShape, MatrixShape>;

struct Scene {
  int width = 0, height = 0;
  Rgba background;            // alpha 0: transparent
  std::vector<Shape> shapes;  // drawn in order
};

}  // namespace attnviz
