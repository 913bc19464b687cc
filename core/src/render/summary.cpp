// Row summaries: arg-max key and entropy in bits.
#include "attnviz/render/summary.hpp"

#include <cmath>

namespace attnviz {

std::vector<RowSummary> summarize_rows(const Matrix& weights) {
  std::vector<RowSummary> out;
  out.reserve(static_cast<size_t>(weights.rows()));
  for (Eigen::Index i = 0; i < weights.rows(); ++i) {
    RowSummary s;
    s.top_weight = weights.row(i).maxCoeff(&s.top_key);
    for (Eigen::Index j = 0; j < weights.cols(); ++j) {
      const double w = weights(i, j);
      if (w > 0) s.entropy_bits -= w * std::log2(w);
    }
    s.entropy_bits = std::max(0.0, s.entropy_bits);  // −0 and rounding below 0 print as 0
    out.push_back(s);
  }
  return out;
}

}  // namespace attnviz
