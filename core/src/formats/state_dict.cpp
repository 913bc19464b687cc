// What every state_dict format shares: its errors, and choosing the format of a file.
#include "attnviz/formats/state_dict.hpp"

#include <cctype>
#include <cstring>

#include "attnviz/formats/gguf.hpp"
#include "attnviz/formats/zip_archive.hpp"
#include "attnviz/strings.hpp"
#include "attnviz/text/utf8.hpp"

namespace attnviz {

void StateDict::fail(Err id, std::vector<Words> args) const {
  throw Error(Err::InFile, {name_, Words(id, std::move(args))});
}

std::string StateDict::quoted_key(const std::string& key) const {
  return utf8::quoted(file_key(key));
}

std::string StateDict::settings_text(std::string_view text) const {
  const auto word = [](char c) { return c == '_' || std::isalnum(static_cast<unsigned char>(c)); };
  std::string out;
  for (size_t i = 0; i < text.size();) {
    size_t end = i;
    while (end < text.size() && word(text[end])) ++end;
    if (end == i) {
      out += text[i++];
      continue;
    }
    out += file_setting(std::string(text.substr(i, end - i)));
    i = end;
  }
  return out;
}

std::unique_ptr<StateDict> open_state_dict(std::string_view bytes, std::string name,
                                           const Limits& limits, bool mapped) {
  // By content, the least ambiguous first: a zip archive's signature, safetensors' header size
  // followed by '{', a pickle's PROTO opcode (torch.save's legacy format), JSON text.
  if (looks_like_zip(bytes)) return open_torch_file(bytes, std::move(name), mapped);
  if (looks_like_gguf(bytes)) return open_gguf(bytes, std::move(name), mapped, limits);
  bool safetensors = ends_with(name, ".safetensors");
  if (!safetensors && !ends_with(name, ".json") && bytes.size() >= 9 && bytes[8] == '{') {
    uint64_t header_size;
    std::memcpy(&header_size, bytes.data(), 8);
    safetensors = header_size <= bytes.size() - 8;  // JSON text never starts with such a size
  }
  if (safetensors) return open_safetensors(bytes, std::move(name), mapped);
  if (looks_like_pickle(bytes)) return open_torch_file(bytes, std::move(name), mapped);
  // JSON is text: a control character other than whitespace (which JSON never holds unescaped)
  // or a byte that is never UTF-8 (0xC0, 0xC1, 0xF5–0xFF) in its first KiB says it is binary.
  for (const char c : bytes.substr(0, 1024)) {
    const auto b = static_cast<unsigned char>(c);
    const bool control = b < 0x20 && b != '\t' && b != '\n' && b != '\r';
    if (control || b == 0xC0 || b == 0xC1 || b >= 0xF5) {
      throw Error(Err::WeightsFormatUnknown, {name});
    }
  }
  if (bytes.size() > limits.max_file_bytes) {
    throw Error(Err::JsonWeightsOverLimit,
                {name, std::to_string(bytes.size()), std::to_string(limits.max_file_bytes)});
  }
  return open_json_state_dict(bytes, std::move(name));
}

}  // namespace attnviz
