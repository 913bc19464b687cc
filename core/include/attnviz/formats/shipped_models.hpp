// The trained models built into attnviz (data/models/), usable with no file beside the binary.
#pragma once

#include <string_view>
#include <vector>

#include "attnviz/i18n/lang.hpp"

namespace attnviz {

struct ShippedModel {
  std::string_view name;      // what --model takes: "az"
  std::string_view about_en;  // one line for --model list
  std::string_view about_az;
  std::string_view bytes;  // the safetensors file, embedded in the binary
  std::string_view about(Lang lang) const { return lang == Lang::Az ? about_az : about_en; }
};

const std::vector<ShippedModel>& shipped_models();

// The model called `name`, or nullptr.
const ShippedModel* find_shipped_model(std::string_view name);

}  // namespace attnviz
