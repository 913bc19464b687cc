// Dense float32 matrices, row-major like PyTorch tensors, so row i is token i.
#pragma once

#include <Eigen/Core>
#include <string>

namespace attnviz {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// "16×8": how shapes appear in messages.
inline std::string shape_string(Eigen::Index rows, Eigen::Index cols) {
  return std::to_string(rows) + "×" + std::to_string(cols);
}

}  // namespace attnviz
