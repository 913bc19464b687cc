// The colormap tables (private header); the data is generated, see colormap_data.cpp.
#pragma once

#include <array>

namespace attnviz {

struct ColormapData {
  const char* name;
  const char* hex;  // 256 entries of "rrggbb", concatenated
};

extern const std::array<ColormapData, 8> kColormapData;

}  // namespace attnviz
