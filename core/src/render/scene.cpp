// Color of a heatmap cell.
#include "attnviz/render/scene.hpp"

namespace attnviz {

Rgb MatrixShape::color(Eigen::Index i, Eigen::Index j) const {
  const float t = hi > lo ? ((*weights)(i, j) - lo) / (hi - lo) : 0.0f;
  return (*cmap)(t);
}

}  // namespace attnviz
