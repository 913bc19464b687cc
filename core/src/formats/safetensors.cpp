// safetensors files as a StateDict, and --save-weights to safetensors. The format: an 8-byte
// little-endian header size N, N bytes of JSON header, then the tensors' bytes back to back.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <stdexcept>

#include "attnviz/compute/compute.hpp"
#include "attnviz/compute/kernels.hpp"
#include "attnviz/error.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/strings.hpp"
#include "attnviz/text/utf8.hpp"
#include "compute/pages.hpp"
#include "io/json.hpp"
#include "io/parse_error.hpp"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors data is little-endian; this reader assumes a little-endian machine"
#endif

namespace attnviz {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100u << 20;  // the safetensors library's own limit

// Bytes per element of every dtype safetensors defines; only the float ones are read.
const std::map<std::string, int>& dtype_sizes() {
  static const std::map<std::string, int> sizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1},
      {"I16", 2},  {"U16", 2}, {"F16", 2}, {"BF16", 2},    {"I32", 4},
      {"U32", 4},  {"F32", 4}, {"I64", 8}, {"U64", 8},     {"F64", 8}};
  return sizes;
}

float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1Fu;
  const uint32_t mantissa = h & 0x3FFu;
  if (exponent == 0) {  // zero or subnormal: mantissa · 2^-24, exact in float
    const float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  uint32_t bits;
  if (exponent == 0x1F) {
    bits = sign | 0x7F800000u | (mantissa << 13);  // infinity or NaN
  } else {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);  // rebias 15 → 127
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

float bfloat16_to_float(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

struct Entry {
  std::string dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // offsets into the data, after the header
};

class SafetensorsStateDict final : public StateDict {
 public:
  SafetensorsStateDict(std::string_view bytes, std::string name, bool mapped)
      : StateDict(std::move(name)), mapped_(mapped) {
    if (bytes.size() < 8) {
      fail(Err::SafetensorsTooShort, {std::to_string(bytes.size())});
    }
    uint64_t header_size;
    std::memcpy(&header_size, bytes.data(), 8);
    if (header_size > bytes.size() - 8) {
      fail(Err::HeaderSizeOverFile,
           {std::to_string(header_size), std::to_string(bytes.size() - 8)});
    }
    if (header_size > kMaxHeaderBytes) {
      fail(Err::HeaderOverLimit, {std::to_string(header_size)});
    }
    const std::string_view header = bytes.substr(8, header_size);
    data_ = bytes.substr(8 + header_size);
    read_header(header);
  }

  std::vector<std::string> keys() const override { return order_; }
  bool has(const std::string& key) const override { return entries_.count(key) > 0; }
  std::vector<int64_t> shape(const std::string& key) const override {
    return entries_.at(key).shape;
  }

  Tensor tensor(const std::string& key, int dims) const override {
    const Entry& e = entry(key, dims);
    Tensor t = read(e, dims);
    // A view's pages go again as soon as they are checked, until the forward pass reads them:
    // loading a model does not hold the file in memory.
    check_finite(key, t.data(), static_cast<size_t>(t.size()), t.cols(), dims, 0,
                 in_place(e) && mapped_);
    return t;
  }

  // A view is checked later; a tensor that must be converted (F16, BF16, or F32 not aligned for
  // float) is converted later too, rows at a time, as check_finite() reaches them: a run converts
  // only the blocks its pass reaches, and the file's pages it has converted leave memory.
  Tensor unchecked_tensor(const std::string& key, int dims) const override {
    const Entry& e = entry(key, dims);
    if (in_place(e)) return read(e, dims);
    const auto given = later_.find(key);  // asked for twice: the same matrix, filled once
    if (given != later_.end()) return Tensor::shared(given->second.matrix);
    const Eigen::Index rows = dims == 1 ? 1 : e.shape.front(), cols = e.shape.back();
    auto converted = std::make_shared<Matrix>(rows, cols);  // filled by check_finite()
    later_[key] = Later{converted, std::vector<char>(static_cast<size_t>(rows))};
    return Tensor::shared(std::move(converted));
  }

  void check_finite(const std::string& key, Eigen::Index first, Eigen::Index rows) const override {
    const auto it = entries_.find(key);
    if (it == entries_.end()) return;
    const Entry& e = it->second;
    const int dims = static_cast<int>(e.shape.size());
    const Eigen::Index cols = e.shape.back(), all = dims == 1 ? 1 : e.shape.front();
    if (first < 0 || rows < 0 || first > all - rows) throw std::out_of_range("check_finite");
    if (in_place(e)) {
      const auto* values = reinterpret_cast<const float*>(data_.data() + e.begin) + first * cols;
      check_finite(key, values, static_cast<size_t>(rows * cols), cols, dims, first);
      return;
    }
    const auto later = later_.find(key);
    if (later == later_.end()) return;  // converted and checked on reading
    Later& l = later->second;
    for (Eigen::Index r = first; r < first + rows;) {  // each run of rows not converted yet
      if (l.done[static_cast<size_t>(r)]) {
        ++r;
        continue;
      }
      Eigen::Index end = r;
      while (end < first + rows && !l.done[static_cast<size_t>(end)]) ++end;
      float* out = l.matrix->data() + r * cols;
      convert(e, out, static_cast<size_t>(r * cols), static_cast<size_t>((end - r) * cols));
      check_finite(key, out, static_cast<size_t>((end - r) * cols), cols, dims, r);
      std::fill(l.done.begin() + r, l.done.begin() + end, 1);
      r = end;
    }
  }

  std::optional<int> setting(const std::string& key, int max) const override {
    const auto it = metadata_.find(key);
    if (it == metadata_.end()) return std::nullopt;
    const std::string& text = it->second;
    const std::string where = "__metadata__ \"" + key + "\"";
    const bool digits =
        !text.empty() && text.size() <= 9 &&
        std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) {
      fail(Err::MetadataNotInteger, {where, utf8::truncate_to_width(text, 20)});
    }
    const int value = std::stoi(text);
    if (value < 1) fail(Err::MetadataNotPositive, {where, text});
    if (value > max) fail(Err::MetadataOverLimit, {where, text, std::to_string(max)});
    return value;
  }

  std::optional<std::string> text_setting(const std::string& key) const override {
    const auto it = metadata_.find(key);
    if (it == metadata_.end()) return std::nullopt;
    return it->second;
  }

  std::optional<std::vector<std::string>> vocab() const override {
    const auto it = metadata_.find("vocab");
    if (it == metadata_.end()) return std::nullopt;
    Json list;
    try {
      list = Json::parse(it->second);
    } catch (const Json::exception&) {
      fail(Err::MetadataVocabNotJson, {});
    }
    if (!list.is_array()) fail(Err::MetadataVocabNotArray, {});
    std::vector<std::string> out;
    for (size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string()) {
        fail(Err::MetadataVocabEntry, {std::to_string(i)});
      }
      out.push_back(list[i].get<std::string>());
    }
    return out;
  }

 private:
  // The entry of `key`, of `dims` dimensions (1 or 2), not empty, of a float dtype.
  const Entry& entry(const std::string& key, int dims) const {
    const auto it = entries_.find(key);
    if (it == entries_.end()) fail(Err::MissingTensor, {key});
    const Entry& e = it->second;
    if (static_cast<int>(e.shape.size()) != dims) {
      if (dims == 1) fail(Err::WrongDimensionsOne, {key, shape_text(e.shape)});
      fail(Err::WrongDimensions, {key, shape_text(e.shape), std::to_string(dims)});
    }
    if ((dims == 2 && e.shape[0] == 0) || e.shape.back() == 0) {
      fail(Err::EmptyTensor, {key, shape_text(e.shape)});
    }
    if (e.dtype != "F32" && e.dtype != "F16" && e.dtype != "BF16") {
      fail(Err::UnsupportedDtype, {key, e.dtype});
    }
    return e;
  }

  // F32 is used where the file has it, if aligned for float (a file's offsets need not be).
  bool in_place(const Entry& e) const {
    return e.dtype == "F32" &&
           reinterpret_cast<uintptr_t>(data_.data() + e.begin) % alignof(float) == 0;
  }

  // The values as float32 (rows, cols): a view of the file's bytes, or a converted copy.
  Tensor read(const Entry& e, int dims) const {
    const Eigen::Index rows = dims == 1 ? 1 : e.shape[0];
    const Eigen::Index cols = e.shape.back();
    const char* src = data_.data() + e.begin;
    if (in_place(e)) return Tensor::view(reinterpret_cast<const float*>(src), rows, cols, cols);
    Matrix converted(rows, cols);
    convert(e, converted.data(), 0, static_cast<size_t>(rows * cols));
    return Tensor(std::move(converted));
  }

  // Values [first, first + n) of a tensor as float32 into out, and the file's pages they came
  // from out of memory when the file is mapped (read again from it if ever needed).
  void convert(const Entry& e, float* out, size_t first, size_t n) const {
    const size_t size = e.dtype == "F32" ? 4 : 2;
    const char* src = data_.data() + e.begin + first * size;
    if (e.dtype == "F32") {
      std::memcpy(out, src, n * 4);
    } else {
      const bool half = e.dtype == "F16";
      for (size_t i = 0; i < n; ++i) {
        uint16_t v;
        std::memcpy(&v, src + 2 * i, 2);
        out[i] = half ? half_to_float(v) : bfloat16_to_float(v);
      }
    }
    if (mapped_) release_pages(src, n * size);
  }

  // Every value a finite float32: all_finite over chunks on every thread, and only if one fails,
  // the first bad value's index as PyTorch writes it: [row][column] (rows from `first`), or [i].
  void check_finite(const std::string& key, const float* values, size_t n, Eigen::Index cols,
                    int dims, Eigen::Index first = 0, bool release = false) const {
    // A large tensor in chunks across the threads: reading it is most of loading a model.
    constexpr size_t kChunk = size_t{1} << 18;
    const size_t chunks = (n + kChunk - 1) / kChunk;
    std::vector<char> finite(chunks);
    parallel_for(chunks, [&](size_t c) {
      const size_t end = std::min(n, (c + 1) * kChunk);
      finite[c] = all_finite(values + c * kChunk, end - c * kChunk);
      if (release) release_pages(values + c * kChunk, (end - c * kChunk) * sizeof(float));
    });
    if (std::find(finite.begin(), finite.end(), 0) == finite.end()) return;
    for (size_t i = 0; i < n; ++i) {
      if (std::isfinite(values[i])) continue;
      const auto width = static_cast<size_t>(cols);
      const std::string index = dims == 2
                                    ? "[" + std::to_string(static_cast<size_t>(first) + i / width) +
                                          "][" + std::to_string(i % width) + "]"
                                    : "[" + std::to_string(i) + "]";
      fail(Err::NotFinite,
           {key, index, Words(std::isnan(values[i]) ? Err::NaN : Err::AnInfinity, {})});
    }
  }

  void read_header(std::string_view header) {
    Json doc;
    try {
      doc = Json::parse(header.begin(), header.end());
    } catch (const Json::exception& e) {
      fail(Err::HeaderNotJson, {parse_error_detail(e)});
    }
    if (!doc.is_object()) fail(Err::HeaderNotObject, {});
    for (const auto& [key, value] : doc.items()) {
      if (key == "__metadata__") {
        read_metadata(value);
      } else {
        entries_[key] = read_entry(key, value);
        order_.push_back(key);
      }
    }
    check_layout();
  }

  void read_metadata(const Json& value) {
    if (!value.is_object()) fail(Err::MetadataNotObject, {});
    for (const auto& [key, text] : value.items()) {
      if (!text.is_string()) {
        fail(Err::MetadataNotString, {utf8::truncate_to_width(key, 30)});
      }
      metadata_[key] = text.get<std::string>();
    }
  }

  static bool is_offset(const Json& v) {
    return v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0);
  }

  Entry read_entry(const std::string& key, const Json& value) const {
    const std::string where = utf8::truncate_to_width(key, 60);
    if (!value.is_object()) fail(Err::EntryNotObject, {where});
    if (!value.contains("dtype") || !value.at("dtype").is_string()) {
      fail(Err::EntryNoDtype, {where});
    }
    Entry e;
    e.dtype = value.at("dtype").get<std::string>();
    const auto size = dtype_sizes().find(e.dtype);
    if (size == dtype_sizes().end()) {
      fail(Err::EntryUnknownDtype, {where, utf8::truncate_to_width(e.dtype, 10)});
    }
    if (!value.contains("shape") || !value.at("shape").is_array()) {
      fail(Err::EntryNoShape, {where});
    }
    uint64_t elements = 1;
    for (const Json& d : value.at("shape")) {
      if (!is_offset(d)) fail(Err::EntryBadShape, {where});
      const uint64_t n = d.get<uint64_t>();
      if (n > (uint64_t{1} << 40) || (n > 0 && elements > (uint64_t{1} << 40) / n)) {
        fail(Err::EntryTooLarge, {where});
      }
      elements *= n;
      e.shape.push_back(static_cast<int64_t>(n));
    }
    const Json* offsets = value.contains("data_offsets") ? &value.at("data_offsets") : nullptr;
    if (!offsets || !offsets->is_array() || offsets->size() != 2 || !is_offset((*offsets)[0]) ||
        !is_offset((*offsets)[1])) {
      fail(Err::EntryNoOffsets, {where});
    }
    e.begin = (*offsets)[0].get<uint64_t>();
    e.end = (*offsets)[1].get<uint64_t>();
    if (e.begin > e.end || e.end > data_.size()) {
      fail(Err::EntryOffsetsOutside,
           {where, std::to_string(e.begin), std::to_string(e.end), std::to_string(data_.size())});
    }
    const uint64_t bytes = elements * static_cast<uint64_t>(size->second);
    if (e.end - e.begin != bytes) {
      fail(Err::EntrySizeMismatch, {where, e.dtype, shape_text(e.shape), std::to_string(bytes),
                                    std::to_string(e.end - e.begin)});
    }
    return e;
  }

  // The tensors tile the data exactly, as the safetensors library requires: no gap, no overlap.
  void check_layout() const {
    std::vector<std::pair<uint64_t, const std::string*>> starts;
    for (const auto& [key, e] : entries_) starts.emplace_back(e.begin, &key);
    std::sort(starts.begin(), starts.end(), [&](const auto& a, const auto& b) {
      const Entry &ea = entries_.at(*a.second), &eb = entries_.at(*b.second);
      return ea.begin != eb.begin ? ea.begin < eb.begin : ea.end < eb.end;
    });
    uint64_t expected = 0;
    for (const auto& [begin, key] : starts) {
      if (begin != expected) {
        fail(Err::TensorGap,
             {utf8::truncate_to_width(*key, 60), std::to_string(begin), std::to_string(expected)});
      }
      expected = entries_.at(*key).end;
    }
    if (expected != data_.size()) {
      fail(Err::TensorsEnd, {std::to_string(expected), std::to_string(data_.size())});
    }
  }

  std::string_view data_;
  bool mapped_;  // data_ is a read-only file mapping: checked pages may be released
  // Tensors unchecked_tensor() gave out to be converted later: the matrix, and which rows are.
  // Changed by the const check_finite(): a StateDict belongs to one run.
  struct Later {
    std::shared_ptr<Matrix> matrix;
    std::vector<char> done;
  };
  mutable std::map<std::string, Later> later_;
  std::map<std::string, Entry> entries_;
  std::vector<std::string> order_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace

std::unique_ptr<StateDict> open_safetensors(std::string_view bytes, std::string name, bool mapped) {
  return std::make_unique<SafetensorsStateDict>(bytes, std::move(name), mapped);
}

std::string to_safetensors(const std::vector<NamedTensor>& tensors,
                           const std::vector<std::pair<std::string, std::string>>& metadata) {
  Json header = Json::object();
  Json meta = Json::object();
  for (const auto& [key, value] : metadata) meta[key] = value;
  header["__metadata__"] = std::move(meta);
  uint64_t offset = 0;
  for (const NamedTensor& t : tensors) {
    const uint64_t bytes = static_cast<uint64_t>(t.value.size()) * 4;
    Json shape =
        t.vector ? Json::array({t.value.cols()}) : Json::array({t.value.rows(), t.value.cols()});
    header[t.key] = Json{{"dtype", "F32"},
                         {"shape", std::move(shape)},
                         {"data_offsets", Json::array({offset, offset + bytes})}};
    offset += bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // the data starts 8-byte aligned
  std::string out(8, '\0');
  const uint64_t size = text.size();
  std::memcpy(out.data(), &size, 8);
  out += text;
  for (const NamedTensor& t : tensors) {
    out.append(reinterpret_cast<const char*>(t.value.data()),
               static_cast<size_t>(t.value.size()) * 4);
  }
  return out;
}

}  // namespace attnviz
