// Color of a heatmap cell.
#include "attnviz/render/scene.hpp"

namespace attnviz {

int MatrixShape::color_index(Eigen::Index i, Eigen::Index j) const {
  const float t = hi > lo ? (value(i, j) - lo) / (hi - lo) : 0.0f;
  return Colormap::index_of(t);
}

}  // namespace attnviz
