// GGUF's header, read and checked whole: "GGUF", the version (2 or 3), the tensor and key-value
// counts (uint64), the key-value pairs (a string key, a uint32 type, the value), the tensor infos
// (a string name, a uint32 n_dims, n_dims uint64 dimensions, a uint32 ggml type, a uint64 offset),
// then the data from the next multiple of general.alignment (32 unless given).
#include "attnviz/formats/gguf.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_set>

#include "attnviz/error.hpp"
#include "attnviz/strings.hpp"
#include "attnviz/text/utf8.hpp"

namespace attnviz {
namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" read as a little-endian uint32
constexpr size_t kMaxName = 63;          // ggml's GGML_MAX_NAME (64) less the terminating 0
constexpr int kMaxDims = 4;              // GGML_MAX_DIMS

size_t scalar_size(GgufType t) {
  switch (t) {
    case GgufType::U8:
    case GgufType::I8:
    case GgufType::Bool:
      return 1;
    case GgufType::U16:
    case GgufType::I16:
      return 2;
    case GgufType::U32:
    case GgufType::I32:
    case GgufType::F32:
      return 4;
    case GgufType::U64:
    case GgufType::I64:
    case GgufType::F64:
      return 8;
    case GgufType::String:
    case GgufType::Array:
      return 0;
  }
  return 0;
}

const char* type_word(GgufType t) {
  constexpr const char* kNames[] = {"uint8",  "int8",    "uint16", "int16",  "uint32",
                                    "int32",  "float32", "bool",   "string", "array",
                                    "uint64", "int64",   "float64"};
  return kNames[static_cast<uint32_t>(t)];
}

bool is_integer(GgufType t) {
  return t != GgufType::F32 && t != GgufType::F64 && t != GgufType::Bool && t != GgufType::String &&
         t != GgufType::Array;
}

// The value at p of a numeric type, as a double (exact for every integer up to 2^53, and the
// integers GGUF files hold are far smaller) or, for integers, as int64 (false past int64).
template <typename T>
T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

bool integer_at(GgufType t, const char* p, int64_t& out) {
  switch (t) {
    case GgufType::U8:
      out = load<uint8_t>(p);
      return true;
    case GgufType::I8:
      out = load<int8_t>(p);
      return true;
    case GgufType::U16:
      out = load<uint16_t>(p);
      return true;
    case GgufType::I16:
      out = load<int16_t>(p);
      return true;
    case GgufType::U32:
      out = load<uint32_t>(p);
      return true;
    case GgufType::I32:
      out = load<int32_t>(p);
      return true;
    case GgufType::I64:
      out = load<int64_t>(p);
      return true;
    case GgufType::U64: {
      const auto u = load<uint64_t>(p);
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
      out = static_cast<int64_t>(u);
      return true;
    }
    default:
      return false;
  }
}

double number_at(GgufType t, const char* p) {
  if (t == GgufType::F32) return load<float>(p);
  if (t == GgufType::F64) return load<double>(p);
  if (t == GgufType::U64) return static_cast<double>(load<uint64_t>(p));
  int64_t i = 0;
  integer_at(t, p, i);
  return static_cast<double>(i);
}

// What a read is reading, said in an error only: built lazily, since most reads succeed.
struct Where {
  Err id;                // GgufHeader, GgufKey (a quoted key), GgufKeyNumber, GgufTensorInfo …
  std::string_view key;  // GgufKey's
  uint64_t number = 0;   // GgufKeyNumber's and GgufTensorInfo's

  Words words() const {
    if (id == Err::GgufKey) return Words(id, {utf8::quoted(key)});
    if (id == Err::GgufKeyNumber || id == Err::GgufTensorInfo) {
      return Words(id, {std::to_string(number)});
    }
    return Words(id, {});
  }
};

// Reads the header front to back; each read names what it was reading if the bytes end first.
class Cursor {
 public:
  Cursor(std::string_view bytes, const std::string& name) : bytes_(bytes), name_(name) {}

  size_t at() const { return at_; }
  size_t left() const { return bytes_.size() - at_; }

  template <typename T>
  T read(const Where& what) {
    need(sizeof(T), what);
    T v;
    std::memcpy(&v, bytes_.data() + at_, sizeof v);
    at_ += sizeof v;
    return v;
  }

  std::string_view take(uint64_t n, const Where& what) {
    need(n, what);
    const std::string_view s = bytes_.substr(at_, n);
    at_ += n;
    return s;
  }

  std::string_view string(const Where& what) {
    const auto n = read<uint64_t>(what);
    if (n > left()) {
      fail(Err::GgufCountOver, {what.words(), std::to_string(n), std::to_string(left())});
    }
    return take(n, what);
  }

  [[noreturn]] void fail(Err id, std::vector<Words> args) const {
    throw Error(Err::InFile, {name_, Words(id, std::move(args))});
  }

 private:
  void need(uint64_t n, const Where& what) const {
    if (n > left()) {
      fail(Err::GgufCut, {what.words(), std::to_string(at_), std::to_string(bytes_.size())});
    }
  }

  std::string_view bytes_;
  const std::string& name_;
  size_t at_ = 0;
};

GgufValue read_value(Cursor& c, std::string_view key) {
  const Where where{Err::GgufKey, key};
  GgufValue v;
  const auto type = c.read<uint32_t>(where);
  if (type > static_cast<uint32_t>(GgufType::F64)) {
    c.fail(Err::GgufValueType, {where.words(), std::to_string(type)});
  }
  v.type = static_cast<GgufType>(type);
  if (v.type == GgufType::String) {
    v.bytes = c.string(where);
  } else if (v.type != GgufType::Array) {
    v.bytes = c.take(scalar_size(v.type), where);
  } else {
    const auto element = c.read<uint32_t>(where);
    if (element == static_cast<uint32_t>(GgufType::Array))
      c.fail(Err::GgufNestedArray, {where.words()});
    if (element > static_cast<uint32_t>(GgufType::F64)) {
      c.fail(Err::GgufValueType, {where.words(), std::to_string(element)});
    }
    v.element = static_cast<GgufType>(element);
    v.count = c.read<uint64_t>(where);
    const size_t size = scalar_size(v.element);
    // Each element takes at least its size (a string at least its 8-byte length).
    const uint64_t least = size > 0 ? size : 8;
    if (v.count > c.left() / least) {
      c.fail(Err::GgufCountOver,
             {where.words(), std::to_string(v.count), std::to_string(c.left())});
    }
    if (v.element == GgufType::String) {
      v.strings.reserve(v.count);
      for (uint64_t i = 0; i < v.count; ++i) v.strings.push_back(c.string(where));
    } else {
      v.bytes = c.take(v.count * size, where);
    }
  }
  return v;
}

}  // namespace

int64_t GgufTensor::rows() const {
  int64_t rows = 1;
  for (size_t d = 1; d < ne.size(); ++d) rows *= ne[d];
  return rows;
}

bool looks_like_gguf(std::string_view bytes) {
  return bytes.size() >= 4 && load<uint32_t>(bytes.data()) == kMagic;
}

std::string gguf_type_name(const GgufValue& value) {
  if (value.type != GgufType::Array) return type_word(value.type);
  return std::string("array of ") + type_word(value.element);
}

GgufFile::GgufFile(std::string_view bytes, std::string name) : name_(std::move(name)) {
  Cursor c(bytes, name_);
  const Where header{Err::GgufHeader, {}};
  if (c.read<uint32_t>(header) != kMagic) c.fail(Err::GgufMagic, {});
  version_ = c.read<uint32_t>(header);
  if (version_ == 1) c.fail(Err::GgufVersionOne, {});
  if (version_ != 2 && version_ != 3) {
    const uint32_t swapped = __builtin_bswap32(version_);
    if (swapped == 2 || swapped == 3) c.fail(Err::GgufBigEndian, {std::to_string(swapped)});
    c.fail(Err::GgufVersion, {std::to_string(version_)});
  }
  const auto n_tensors = c.read<uint64_t>(header);
  const auto n_keys = c.read<uint64_t>(header);
  // A key-value pair takes at least 8 + 4 bytes, a tensor info 8 + 4 + 8 + 4 + 8.
  if (n_keys > c.left() / 12) {
    c.fail(Err::GgufCountOver,
           {Words(Err::GgufKeyCount, {}), std::to_string(n_keys), std::to_string(c.left())});
  }
  if (n_tensors > c.left() / 32) {
    c.fail(Err::GgufCountOver,
           {Words(Err::GgufTensorCount, {}), std::to_string(n_tensors), std::to_string(c.left())});
  }

  std::unordered_set<std::string_view> keys;
  metadata_.reserve(n_keys);
  for (uint64_t i = 0; i < n_keys; ++i) {
    const std::string_view key = c.string(Where{Err::GgufKeyNumber, {}, i});
    if (!keys.insert(key).second) c.fail(Err::GgufDuplicateKey, {utf8::quoted(key)});
    GgufValue value = read_value(c, key);
    metadata_.emplace_back(std::string(key), std::move(value));
  }
  if (const GgufValue* a = find("general.alignment")) {
    if (a->type != GgufType::U32) fail_type("general.alignment", "uint32");
    alignment_ = load<uint32_t>(a->bytes.data());
    if (alignment_ == 0 || (alignment_ & (alignment_ - 1)) != 0) {
      c.fail(Err::GgufAlignment, {std::to_string(alignment_)});
    }
  }

  std::unordered_set<std::string_view> names;
  tensors_.reserve(n_tensors);
  std::vector<uint64_t> sizes;  // each tensor's bytes
  for (uint64_t i = 0; i < n_tensors; ++i) {
    const Where info{Err::GgufTensorInfo, {}, i};
    const std::string_view tensor_name = c.string(info);
    if (tensor_name.size() > kMaxName) {
      c.fail(Err::GgufTensorName, {std::to_string(i), std::to_string(tensor_name.size())});
    }
    if (!names.insert(tensor_name).second) {
      c.fail(Err::GgufDuplicateTensor, {utf8::quoted(tensor_name)});
    }
    GgufTensor t;
    t.name = tensor_name;
    const auto shown = [&] { return utf8::quoted(tensor_name); };
    const auto n_dims = c.read<uint32_t>(info);
    if (n_dims < 1 || n_dims > kMaxDims) c.fail(Err::GgufDims, {shown(), std::to_string(n_dims)});
    uint64_t elements = 1;
    bool overflow = false;
    for (uint32_t d = 0; d < n_dims; ++d) {
      const auto n = c.read<uint64_t>(info);
      t.ne.push_back(static_cast<int64_t>(n));
      overflow = overflow || n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
                 __builtin_mul_overflow(elements, n, &elements) ||
                 elements > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    }
    const auto shape = [&] {
      std::string text;
      for (size_t d = 0; d < t.ne.size(); ++d) {
        text += (d ? " × " : "") + std::to_string(static_cast<uint64_t>(t.ne[d]));
      }
      return text;
    };
    if (overflow) c.fail(Err::GgufShapeOverflow, {shown(), shape()});
    if (elements == 0) c.fail(Err::GgufEmptyTensor, {shown(), shape()});
    const auto type = c.read<uint32_t>(info);
    const QuantLayout* layout = quant_layout(type);
    if (layout == nullptr) {
      if (const char* known = ggml_type_name(type)) c.fail(Err::GgufTypeRefused, {shown(), known});
      c.fail(Err::GgufTypeUnknown, {shown(), std::to_string(type)});
    }
    t.type = static_cast<QuantType>(type);
    if (static_cast<uint64_t>(t.ne[0]) % layout->block_values != 0) {
      c.fail(Err::GgufRowBlocks, {shown(), std::to_string(t.ne[0]), layout->name,
                                  std::to_string(layout->block_values)});
    }
    t.offset = c.read<uint64_t>(info);
    if (t.offset % alignment_ != 0) {
      c.fail(Err::GgufMisaligned, {shown(), std::to_string(t.offset), std::to_string(alignment_)});
    }
    uint64_t size = 0;
    if (__builtin_mul_overflow(elements / layout->block_values, layout->block_bytes, &size)) {
      c.fail(Err::GgufShapeOverflow, {shown(), shape()});
    }
    sizes.push_back(size);
    tensors_.push_back(std::move(t));
  }

  // The data starts at the next multiple of the alignment.
  const uint64_t data_start = (c.at() + alignment_ - 1) / alignment_ * alignment_;
  if (data_start > bytes.size()) {
    c.fail(Err::GgufCut, {Where{Err::GgufPadding, {}}.words(), std::to_string(c.at()),
                          std::to_string(bytes.size())});
  }
  const std::string_view data = bytes.substr(data_start);
  std::vector<size_t> by_offset(tensors_.size());
  for (size_t i = 0; i < by_offset.size(); ++i) by_offset[i] = i;
  for (size_t i = 0; i < tensors_.size(); ++i) {
    GgufTensor& t = tensors_[i];
    const uint64_t size = sizes[i];
    if (t.offset > data.size() || size > data.size() - t.offset) {
      c.fail(Err::GgufOutside, {utf8::quoted(t.name), std::to_string(size),
                                std::to_string(t.offset), std::to_string(data.size())});
    }
    t.bytes = data.substr(t.offset, size);
  }
  std::sort(by_offset.begin(), by_offset.end(),
            [&](size_t a, size_t b) { return tensors_[a].offset < tensors_[b].offset; });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    const GgufTensor& before = tensors_[by_offset[i - 1]];
    const GgufTensor& after = tensors_[by_offset[i]];
    if (before.offset + before.bytes.size() > after.offset) {
      c.fail(Err::GgufOverlap, {utf8::quoted(before.name), utf8::quoted(after.name)});
    }
  }
}

const GgufValue* GgufFile::find(std::string_view key) const {
  for (const auto& [k, v] : metadata_) {
    if (k == key) return &v;
  }
  return nullptr;
}

void GgufFile::fail_type(std::string_view key, const char* expected) const {
  throw Error(
      Err::InFile,
      {name_, Words(Err::GgufKeyType, {utf8::quoted(key), gguf_type_name(*find(key)), expected})});
}

std::optional<int64_t> GgufFile::integer(std::string_view key) const {
  const GgufValue* v = find(key);
  if (v == nullptr) return std::nullopt;
  int64_t out = 0;
  if (!is_integer(v->type) || !integer_at(v->type, v->bytes.data(), out)) {
    fail_type(key, "an integer");
  }
  return out;
}

std::optional<double> GgufFile::number(std::string_view key) const {
  const GgufValue* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (v->type == GgufType::Bool || v->type == GgufType::String || v->type == GgufType::Array) {
    fail_type(key, "a number");
  }
  return number_at(v->type, v->bytes.data());
}

std::optional<bool> GgufFile::flag(std::string_view key) const {
  const GgufValue* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (v->type != GgufType::Bool) fail_type(key, "bool");
  return v->bytes[0] != 0;
}

std::optional<std::string_view> GgufFile::text(std::string_view key) const {
  const GgufValue* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (v->type != GgufType::String) fail_type(key, "string");
  return v->bytes;
}

std::optional<std::vector<std::string_view>> GgufFile::texts(std::string_view key) const {
  const GgufValue* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (v->type != GgufType::Array || v->element != GgufType::String) {
    fail_type(key, "array of string");
  }
  return v->strings;
}

std::optional<std::vector<double>> GgufFile::numbers(std::string_view key) const {
  const GgufValue* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (v->type != GgufType::Array || v->element == GgufType::String ||
      v->element == GgufType::Bool) {
    fail_type(key, "array of numbers");
  }
  std::vector<double> out(v->count);
  const size_t size = scalar_size(v->element);
  for (uint64_t i = 0; i < v->count; ++i)
    out[i] = number_at(v->element, v->bytes.data() + i * size);
  return out;
}

std::optional<std::string> gguf_file_type(const GgufFile& file) {
  // llama.h's enum llama_ftype, named as llama-model-loader.cpp's llama_ftype_name names it
  static const std::pair<int64_t, const char*> kNames[] = {
      {0, "all F32"},
      {1, "F16"},
      {2, "Q4_0"},
      {3, "Q4_1"},
      {7, "Q8_0"},
      {8, "Q5_0"},
      {9, "Q5_1"},
      {10, "Q2_K - Medium"},
      {11, "Q3_K - Small"},
      {12, "Q3_K - Medium"},
      {13, "Q3_K - Large"},
      {14, "Q4_K - Small"},
      {15, "Q4_K - Medium"},
      {16, "Q5_K - Small"},
      {17, "Q5_K - Medium"},
      {18, "Q6_K"},
      {19, "IQ2_XXS - 2.0625 bpw"},
      {20, "IQ2_XS - 2.3125 bpw"},
      {21, "Q2_K - Small"},
      {22, "IQ3_XS - 3.3 bpw"},
      {23, "IQ3_XXS - 3.0625 bpw"},
      {24, "IQ1_S - 1.5625 bpw"},
      {25, "IQ4_NL - 4.5 bpw"},
      {26, "IQ3_S - 3.4375 bpw"},
      {27, "IQ3_S mix - 3.66 bpw"},
      {28, "IQ2_S - 2.5 bpw"},
      {29, "IQ2_M - 2.7 bpw"},
      {30, "IQ4_XS - 4.25 bpw"},
      {31, "IQ1_M - 1.75 bpw"},
      {32, "BF16"},
      {36, "TQ1_0 - 1.69 bpw ternary"},
      {37, "TQ2_0 - 2.06 bpw ternary"},
      {38, "MXFP4 MoE"},
      {39, "NVFP4"},
      {40, "Q1_0"},
      {41, "Q2_0"},
  };
  const std::optional<int64_t> type = file.integer("general.file_type");
  if (!type) return std::nullopt;
  for (const auto& [number, name] : kNames) {
    if (number == *type) return name;
  }
  return std::nullopt;
}

std::optional<TokenizerTables> gguf_tokenizer(const GgufFile& file) {
  const auto model = file.text("tokenizer.ggml.model");
  if (!model || *model == "none") return std::nullopt;
  TokenizerTables t;
  if (*model == "llama") {
    t.model = TokenizerTables::Model::SentencePiece;
  } else if (*model == "gpt2") {
    t.model = TokenizerTables::Model::Bpe;
  } else {
    throw Error(Err::InFile, {file.name(), Words(Err::GgufTokenizerModel, {utf8::quoted(*model)})});
  }
  t.tokens = file.texts("tokenizer.ggml.tokens").value_or(std::vector<std::string_view>{});
  const auto numbers = [&](const char* key) {
    return file.numbers(key).value_or(std::vector<double>{});
  };
  for (const double s : numbers("tokenizer.ggml.scores")) {  // float32 as llama.cpp reads them
    const double most = std::numeric_limits<float>::max();
    t.scores.push_back(std::isnan(s) ? std::numeric_limits<float>::quiet_NaN()
                                     : static_cast<float>(std::clamp(s, -most, most)));
  }
  for (const double type : numbers("tokenizer.ggml.token_type")) {
    t.types.push_back(type >= 0 && type <= 255 ? static_cast<int>(type) : 0);  // 0: undefined
  }
  if (t.types.empty()) t.types.assign(t.tokens.size(), 1);  // all normal, as llama.cpp takes it
  // Tokens that end a turn or a text are control tokens whatever the file says, as llama.cpp's
  // loader makes them (llama-vocab.cpp, "control-looking token"): Qwen's "</s>" among them.
  static const std::unordered_set<std::string_view> kEndings = {"<|eot_id|>",
                                                                "<|im_end|>",
                                                                "<|end|>",
                                                                "<|return|>",
                                                                "<|call|>",
                                                                "<|flush|>",
                                                                "<|calls|>",
                                                                "<end_of_turn>",
                                                                "<|endoftext|>",
                                                                "</s>",
                                                                "<|eom_id|>",
                                                                "<EOT>",
                                                                "_<EOT>",
                                                                "[EOT]",
                                                                "[EOS]",
                                                                "<|end_of_text|>",
                                                                "<end_of_utterance>",
                                                                "<eos>",
                                                                "<turn|>",
                                                                "<|tool_response>",
                                                                "<｜end▁of▁sentence｜>",
                                                                "[e~["};
  for (size_t id = 0; id < t.tokens.size() && id < t.types.size(); ++id) {
    if (kEndings.count(t.tokens[id])) t.types[id] = 3;
  }
  if (t.scores.empty() && t.model == TokenizerTables::Model::Bpe)
    t.scores.assign(t.tokens.size(), 0.0f);
  t.merges = file.texts("tokenizer.ggml.merges").value_or(std::vector<std::string_view>{});
  t.pre = std::string(file.text("tokenizer.ggml.pre").value_or("default"));
  const auto id = [&](const char* key) {
    const auto v = file.integer(key);
    return v && *v >= 0 && *v < (int64_t{1} << 31) ? static_cast<int>(*v) : -1;
  };
  t.bos = id("tokenizer.ggml.bos_token_id");
  t.eos = id("tokenizer.ggml.eos_token_id");
  t.unk = id("tokenizer.ggml.unknown_token_id");
  if (t.unk < 0 && t.model == TokenizerTables::Model::SentencePiece) t.unk = 0;  // llama.cpp's
  t.add_bos = file.flag("tokenizer.ggml.add_bos_token");
  t.add_eos = file.flag("tokenizer.ggml.add_eos_token");
  t.add_space_prefix = file.flag("tokenizer.ggml.add_space_prefix");
  return t;
}

}  // namespace attnviz
