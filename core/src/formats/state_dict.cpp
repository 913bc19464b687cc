// What every state_dict format shares: its errors, and choosing the format of a file.
#include "attnviz/formats/state_dict.hpp"

#include <cstring>

#include "attnviz/strings.hpp"

namespace attnviz {

void StateDict::fail(Err id, std::vector<Words> args) const {
  throw Error(Err::InFile, {name_, Words(id, std::move(args))});
}

std::unique_ptr<StateDict> open_state_dict(std::string_view bytes, std::string name,
                                           const Limits& limits, bool mapped) {
  bool safetensors = ends_with(name, ".safetensors");
  if (!safetensors && !ends_with(name, ".json") && bytes.size() >= 9 && bytes[8] == '{') {
    uint64_t header_size;
    std::memcpy(&header_size, bytes.data(), 8);
    safetensors = header_size <= bytes.size() - 8;  // JSON text never starts with such a size
  }
  if (safetensors) return open_safetensors(bytes, std::move(name), mapped);
  if (bytes.size() > limits.max_file_bytes) {
    throw Error(Err::JsonWeightsOverLimit,
                {name, std::to_string(bytes.size()), std::to_string(limits.max_file_bytes)});
  }
  return open_json_state_dict(bytes, std::move(name));
}

}  // namespace attnviz
