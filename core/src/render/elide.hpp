// Which rows or columns of a long axis the text renderers print: all of them, or the first and
// last few with a gap between, as numpy prints large arrays.
#pragma once

#include <cstddef>
#include <vector>

namespace attnviz {

// numpy's print options: arrays of more than 1000 elements are summarised, showing 3 items at
// each end of every axis.
constexpr size_t kSummaryThreshold = 1000;
constexpr size_t kEdgeItems = 3;

// Stands for the gap ("…") in a list of shown indices.
constexpr std::ptrdiff_t kElided = -1;

// 0 … n−1 when that is at most head + tail + 1 items (a gap would hide nothing); otherwise
// 0 … head−1, kElided, n−tail … n−1.
inline std::vector<std::ptrdiff_t> shown_indices(size_t n, size_t head, size_t tail) {
  std::vector<std::ptrdiff_t> shown;
  const bool gap = n > head + tail + 1;
  for (size_t i = 0; i < n; ++i) {
    if (gap && i == head) {
      shown.push_back(kElided);
      i = n - tail - 1;
      continue;
    }
    shown.push_back(static_cast<std::ptrdiff_t>(i));
  }
  return shown;
}

}  // namespace attnviz
