// --explain: every step of the computation with its real numbers and a sentence on why.
#pragma once

#include <string>

#include "attnviz/i18n/messages.hpp"
#include "attnviz/render/view.hpp"
#include "attnviz/run/result.hpp"

namespace attnviz {

struct ExplainOptions {
  Lang lang = Lang::En;
  int precision = 3;  // digits after the decimal point
  // A wider matrix shows its first and last columns with … between them and says how many are
  // hidden; likewise for rows. full: every row and column.
  int max_columns = 8;
  int max_rows = 24;
  bool full = false;
  View view = {};  // --head: the heads whose steps are shown
};

// Tokens → x → (per shown head) q, k, v → scores → scaled → masked → weights with row sums → out
// → (multi-head) the heads joined and projected.
std::string render_explain(const Result& result, const ExplainOptions& options);

}  // namespace attnviz
