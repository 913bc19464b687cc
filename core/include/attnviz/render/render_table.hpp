// The attention weights as a labeled text table for the terminal.
#pragma once

#include <string>

#include "attnviz/render/colormap.hpp"
#include "attnviz/render/view.hpp"
#include "attnviz/run/result.hpp"

namespace attnviz {

struct TableOptions {
  int width = 80;  // terminal columns; wider matrices print in column blocks. 0: one block
  const Colormap* cmap = nullptr;  // shade each cell with this colormap (24-bit ANSI background)
  int precision = 3;               // digits after the decimal point
  Lang lang = Lang::En;
  bool summaries = true;  // below each table: each query's most attended key and entropy
  // Every row and column even past numpy's threshold of 1000 cells; otherwise a larger table
  // shows its first and last 3 rows and columns, as numpy prints a large array.
  bool full = false;
  View view = {};  // --head, --rollout
};

// Rows are queries and columns keys, both labeled with the tokens; masked (future) cells show ·
// so they never look like a computed 0.000. One table per shown head (see shown_heads).
std::string render_table(const Result& result, const TableOptions& options);

}  // namespace attnviz
