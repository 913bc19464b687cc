// GGUF, the file llama.cpp, Ollama and LM Studio run (ggml's docs/gguf.md): a header of typed
// metadata and tensor infos, then the tensors' bytes, each tensor aligned. Read in place from a
// mapped file, checked whole before any tensor is used: every count and length against the bytes
// left, every value type, each tensor's dimensions, type, size and offset.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attnviz/compute/quant.hpp"
#include "attnviz/text/bpe.hpp"

namespace attnviz {

// A metadata value's type, in GGUF's numbering (gguf_metadata_value_type).
enum class GgufType : uint32_t {
  U8,
  I8,
  U16,
  I16,
  U32,
  I32,
  F32,
  Bool,
  String,
  Array,
  U64,
  I64,
  F64
};

struct GgufValue {
  GgufType type = GgufType::U8;
  GgufType element = GgufType::U8;  // an array's element type (never Array)
  uint64_t count = 0;               // an array's length
  // A scalar's little-endian bytes, a string's text, or a fixed-size array's elements.
  std::string_view bytes;
  std::vector<std::string_view> strings;  // an array of strings
};

struct GgufTensor {
  std::string name;
  std::vector<int64_t> ne;  // ggml's order: ne[0] the values of a row, ne[1] the rows, …
  QuantType type = QuantType::F32;
  uint64_t offset = 0;     // from the start of the data
  std::string_view bytes;  // the tensor's blocks, row after row

  int64_t rows() const;  // every dimension past ne[0]
};

class GgufFile {
 public:
  // Throws Error "NAME: …" for anything the checks above find.
  GgufFile(std::string_view bytes, std::string name);

  const std::string& name() const { return name_; }
  uint32_t version() const { return version_; }
  uint64_t alignment() const { return alignment_; }
  const std::vector<GgufTensor>& tensors() const { return tensors_; }
  const std::vector<std::pair<std::string, GgufValue>>& metadata() const { return metadata_; }
  const GgufValue* find(std::string_view key) const;

  // A value of the key's type, or nullopt when the key is absent; an Error naming the key, what
  // it holds and what was expected when it is of another type. integer() takes any integer type
  // (a uint64 above 2^63 is an error), number() any integer or float type.
  std::optional<int64_t> integer(std::string_view key) const;
  std::optional<double> number(std::string_view key) const;
  std::optional<bool> flag(std::string_view key) const;
  std::optional<std::string_view> text(std::string_view key) const;
  std::optional<std::vector<std::string_view>> texts(std::string_view key) const;
  std::optional<std::vector<double>> numbers(std::string_view key) const;  // any numeric array

  [[noreturn]] void fail_type(std::string_view key, const char* expected) const;

 private:
  std::string name_;
  uint32_t version_ = 0;
  uint64_t alignment_ = 32;
  std::vector<std::pair<std::string, GgufValue>> metadata_;  // in file order
  std::vector<GgufTensor> tensors_;                          // in file order
};

// The tokenizer the file carries (tokenizer.ggml.*), as tables; nullopt when it has none
// (tokenizer.ggml.model absent or "none"). Throws Error for a model other than llama and gpt2,
// or a key of the wrong type.
std::optional<TokenizerTables> gguf_tokenizer(const GgufFile& file);

// What general.file_type says the file was quantized to, in llama.cpp's words
// (llama_ftype_name: "Q4_K - Medium", "Q8_0", "all F32"), or nullopt when the key is absent or
// names no type llama.cpp knows.
std::optional<std::string> gguf_file_type(const GgufFile& file);

// True when `bytes` start with GGUF's magic.
bool looks_like_gguf(std::string_view bytes);

// A value type as an error names it: "uint32", "string", "array of float32".
std::string gguf_type_name(const GgufValue& value);

}  // namespace attnviz
