// The tensors of a file as float32, in place or converted rows at a time, each value checked.
#include "formats/tensor_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "attnviz/compute/compute.hpp"
#include "attnviz/compute/kernels.hpp"
#include "attnviz/compute/quant.hpp"
#include "attnviz/error.hpp"
#include "attnviz/strings.hpp"
#include "attnviz/text/utf8.hpp"
#include "compute/pages.hpp"
#include "io/json.hpp"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error \
    "the tensor files attnviz reads are little-endian; this reader assumes a little-endian machine"
#endif

namespace attnviz {

int dtype_size(const std::string& dtype) {
  static const std::map<std::string, int> sizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1},
      {"I16", 2},  {"U16", 2}, {"F16", 2}, {"BF16", 2},    {"I32", 4},
      {"U32", 4},  {"F32", 4}, {"I64", 8}, {"U64", 8},     {"F64", 8}};
  const auto it = sizes.find(dtype);
  return it == sizes.end() ? 0 : it->second;
}

void TensorTable::add(const std::string& key, TableEntry e) {
  if (entries_.emplace(key, std::move(e)).second) order_.push_back(key);
}

Tensor TensorTable::tensor(const std::string& key, int dims) const {
  const TableEntry& e = entry(key, dims);
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
Tensor TensorTable::unchecked_tensor(const std::string& key, int dims) const {
  const TableEntry& e = entry(key, dims);
  if (in_place(e)) return read(e, dims);
  const auto given = later_.find(key);  // asked for twice: the same matrix, filled once
  if (given != later_.end()) return Tensor::shared(given->second.matrix);
  const Eigen::Index rows = dims == 1 ? 1 : e.shape.front(), cols = e.shape.back();
  // Filled by check_finite(); a large one on huge pages, which fault in 2 MiB at a time.
  auto converted = std::make_shared<Matrix>(rows, cols);
  on_huge_pages(converted->data(), static_cast<size_t>(converted->size()) * sizeof(float));
  later_[key] = Later{converted, std::vector<char>(static_cast<size_t>(rows))};
  return Tensor::shared(std::move(converted));
}

Tensor TensorTable::unchecked_linear(const std::string& key) const {
  const TableEntry& e = entry(key, 2);
  if ((e.dtype != "F16" && e.dtype != "BF16") || e.big_endian) return unchecked_tensor(key, 2);
  auto& rows = packed_[key];  // asked for twice: the same rows
  if (!rows) {
    auto file_rows = std::make_shared<PackedRows>();
    file_rows->type = e.dtype == "F16" ? QuantType::F16 : QuantType::BF16;
    file_rows->data = reinterpret_cast<const unsigned char*>(e.bytes.data());
    file_rows->row_bytes = static_cast<size_t>(e.shape.back()) * 2;
    rows = std::move(file_rows);
  }
  return Tensor::packed(rows, e.shape.front(), e.shape.back());
}

void TensorTable::check_finite(const std::string& key, Eigen::Index first,
                               Eigen::Index rows) const {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return;
  const TableEntry& e = it->second;
  if (e.shape.empty()) return;  // a scalar buffer: never a weight
  const int dims = static_cast<int>(e.shape.size());
  const Eigen::Index cols = e.shape.back(), all = dims == 1 ? 1 : e.shape.front();
  if (first < 0 || rows < 0 || first > all - rows) throw std::out_of_range("check_finite");
  if (const auto packed = packed_.find(key); packed != packed_.end()) {
    // Each row read as it lies; the first with a value that is not finite converted, for the
    // error's index
    const auto width = static_cast<size_t>(cols);
    if (const int64_t r = first_row_not_finite(*packed->second, first, rows, width); r >= 0) {
      std::vector<float> values(width);
      convert(e, values.data(), static_cast<size_t>(r) * width, width);
      check_finite(key, values.data(), width, cols, dims, r);
    }
  }  // and if unchecked_tensor() gave the same key out too, its floats below
  if (in_place(e)) {
    const auto* values = reinterpret_cast<const float*>(e.bytes.data()) + first * cols;
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

void TensorTable::release(const std::string& key, Eigen::Index first, Eigen::Index rows) const {
  if (const auto packed = packed_.find(key); packed != packed_.end()) {
    // the file's pages of those rows, read from it again when needed
    const PackedRows& p = *packed->second;
    const auto all = static_cast<Eigen::Index>(entries_.at(key).shape.front());
    first = std::clamp<Eigen::Index>(first, 0, all);
    rows = std::clamp<Eigen::Index>(rows, 0, all - first);
    if (mapped_) release_pages(p.row(first), p.row_bytes * static_cast<size_t>(rows));
  }
  const auto later = later_.find(key);
  if (later == later_.end()) return;
  Later& l = later->second;
  const Eigen::Index all = static_cast<Eigen::Index>(l.done.size());
  first = std::clamp<Eigen::Index>(first, 0, all);
  rows = std::clamp<Eigen::Index>(rows, 0, all - first);
  const Eigen::Index cols = l.matrix->cols();
  discard_pages(l.matrix->data() + first * cols, static_cast<size_t>(rows * cols) * sizeof(float));
  std::fill(l.done.begin() + first, l.done.begin() + first + rows, 0);
}

std::optional<int> TensorTable::setting(const std::string& key, int max) const {
  const auto it = metadata_.find(key);
  if (it == metadata_.end()) return std::nullopt;
  const std::string& text = it->second;
  const std::string where = settings_origin_ + " \"" + key + "\"";
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

std::optional<std::string> TensorTable::text_setting(const std::string& key) const {
  const auto it = metadata_.find(key);
  if (it == metadata_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::vector<std::string>> TensorTable::vocab() const {
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

// The entry of `key`, of `dims` dimensions (1 or 2), not empty, of a float dtype.
const TableEntry& TensorTable::entry(const std::string& key, int dims) const {
  const auto it = entries_.find(key);
  if (it == entries_.end()) fail(Err::MissingTensor, {key});
  const TableEntry& e = it->second;
  if (static_cast<int>(e.shape.size()) != dims) {
    if (dims == 1) fail(Err::WrongDimensionsOne, {key, shape_text(e.shape)});
    fail(Err::WrongDimensions, {key, shape_text(e.shape), std::to_string(dims)});
  }
  if ((dims == 2 && e.shape[0] == 0) || e.shape.back() == 0) {
    fail(Err::EmptyTensor, {key, shape_text(e.shape)});
  }
  if (!is_float(key)) fail(Err::UnsupportedDtype, {key, e.dtype});
  return e;
}

bool TensorTable::is_float(const std::string& key) const {
  const std::string& d = entries_.at(key).dtype;
  return d == "F32" || d == "F16" || d == "BF16" || d == "F64";
}

// F32 is used where the file has it, if aligned for float (a file's offsets need not be) and in
// this machine's byte order.
bool TensorTable::in_place(const TableEntry& e) const {
  return e.dtype == "F32" && !e.big_endian &&
         reinterpret_cast<uintptr_t>(e.bytes.data()) % alignof(float) == 0;
}

// The values as float32 (rows, cols): a view of the file's bytes, or a converted copy.
Tensor TensorTable::read(const TableEntry& e, int dims) const {
  const Eigen::Index rows = dims == 1 ? 1 : e.shape[0];
  const Eigen::Index cols = e.shape.back();
  const char* src = e.bytes.data();
  if (in_place(e)) return Tensor::view(reinterpret_cast<const float*>(src), rows, cols, cols);
  Matrix converted(rows, cols);
  convert(e, converted.data(), 0, static_cast<size_t>(rows * cols));
  return Tensor(std::move(converted));
}

// Values [first, first + n) of a tensor as float32 into out, and the file's pages they came
// from out of memory when the file is mapped (read again from it if ever needed).
void TensorTable::convert(const TableEntry& e, float* out, size_t first, size_t n) const {
  const auto size = static_cast<size_t>(dtype_size(e.dtype));
  const char* src = e.bytes.data() + first * size;
  // One value's bytes in this machine's order.
  const auto load = [&](size_t i, auto& v) {
    std::memcpy(&v, src + i * sizeof v, sizeof v);
    if (e.big_endian) {
      auto* b = reinterpret_cast<unsigned char*>(&v);
      std::reverse(b, b + sizeof v);
    }
  };
  if (e.dtype == "F32" && !e.big_endian) {
    std::memcpy(out, src, n * 4);  // F32 not aligned for float where the file has it
  } else if (e.dtype == "F32") {
    for (size_t i = 0; i < n; ++i) load(i, out[i]);
  } else if (e.dtype == "F64") {
    for (size_t i = 0; i < n; ++i) {  // outside float's range: an infinity, refused by the check
      double v;
      load(i, v);
      out[i] = static_cast<float>(v);
    }
  } else if (!e.big_endian) {
    // F16 and BF16 in chunks on every thread: converting is most of reading a BF16 model.
    constexpr size_t kChunk = size_t{1} << 16;
    const QuantType type = e.dtype == "F16" ? QuantType::F16 : QuantType::BF16;
    populate_pages(src, n * size, false);
    populate_pages(out, n * sizeof(float), true);
    parallel_for((n + kChunk - 1) / kChunk, [&](size_t c) {
      const size_t count = std::min(n, (c + 1) * kChunk) - c * kChunk;
      dequantize(type, src + c * kChunk * 2, out + c * kChunk, count);
    });
  } else {
    const bool half = e.dtype == "F16";
    for (size_t i = 0; i < n; ++i) {
      uint16_t v;
      load(i, v);
      out[i] = half ? half_to_float(v) : bfloat16_to_float(v);
    }
  }
  if (mapped_) release_pages(src, n * size);
}

// Every value a finite float32: all_finite over chunks on every thread, and only if one fails,
// the first bad value's index as PyTorch writes it: [row][column] (rows from `first`), or [i].
void TensorTable::check_finite(const std::string& key, const float* values, size_t n,
                               Eigen::Index cols, int dims, Eigen::Index first,
                               bool release) const {
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

}  // namespace attnviz
