// --explain: every step of the computation with its real numbers and a sentence on why.
#pragma once

#include <string>

#include "attnviz/messages.hpp"
#include "attnviz/run.hpp"

namespace attnviz {

struct ExplainOptions {
  Lang lang = Lang::En;
  int precision = 3;    // digits after the decimal point
  int max_columns = 8;  // wider matrices show their leading columns and say how many are hidden
  int max_rows = 24;    // likewise for rows
};

// Tokens → x → (per shown head) q, k, v → scores → scaled → masked → weights with row sums → out
// → (multi-head) the heads joined and projected.
std::string render_explain(const Request& request, const Result& result,
                           const ExplainOptions& options);

}  // namespace attnviz
