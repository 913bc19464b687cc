// The shape check both loaders make of a tensor they read (private header).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "attnviz/error.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/matrix.hpp"
#include "attnviz/strings.hpp"
#include "attnviz/text/utf8.hpp"

namespace attnviz {

// Fails with "KEY has shape A, expected B (meaning)" unless `m` has the expected shape: {n} for a
// 1-D tensor (a bias, a norm's weight: m is (1, n)), {rows, cols} for a matrix.
inline void expect_shape(const StateDict& sd, const ConstMatrixRef& m, const std::string& key,
                         const std::vector<int64_t>& expected, const std::string& meaning) {
  const bool vector = expected.size() == 1;
  const int64_t rows = vector ? 1 : expected.front();
  if (m.rows() == rows && m.cols() == expected.back()) return;
  const std::string found = vector ? shape_text({m.cols()}) : shape_text(m.rows(), m.cols());
  sd.fail(Err::ShapeMismatch,
          {sd.quoted_key(key), found, shape_text(expected), sd.settings_text(meaning)});
}

}  // namespace attnviz
