// safetensors files as a StateDict, and --save-weights to safetensors. The format: an 8-byte
// little-endian header size N, N bytes of JSON header, then the tensors' bytes back to back.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "attnviz/error.hpp"
#include "attnviz/state_dict.hpp"
#include "attnviz/utf8.hpp"
#include "json.hpp"

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

std::string shape_text(const std::vector<int64_t>& shape) {
  if (shape.empty()) return "a scalar";
  std::string s;
  for (const int64_t d : shape) s += (s.empty() ? "" : "×") + std::to_string(d);
  return s;
}

class SafetensorsStateDict final : public StateDict {
 public:
  SafetensorsStateDict(std::string_view bytes, std::string name) : StateDict(std::move(name)) {
    if (bytes.size() < 8) {
      fail("is " + std::to_string(bytes.size()) +
           " bytes, too short for safetensors (it starts with an 8-byte header size)");
    }
    uint64_t header_size;
    std::memcpy(&header_size, bytes.data(), 8);
    if (header_size > bytes.size() - 8) {
      fail("safetensors header size " + std::to_string(header_size) +
           " is larger than the rest of the file (" + std::to_string(bytes.size() - 8) + " bytes)");
    }
    if (header_size > kMaxHeaderBytes) {
      fail("safetensors header of " + std::to_string(header_size) +
           " bytes is over the format's 100 MiB limit");
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

  Matrix tensor(const std::string& key, int dims) const override {
    const auto it = entries_.find(key);
    if (it == entries_.end()) fail("missing tensor \"" + key + "\"");
    const Entry& e = it->second;
    if (static_cast<int>(e.shape.size()) != dims) {
      fail("\"" + key + "\" has shape " + shape_text(e.shape) + ", expected " +
           std::to_string(dims) + (dims == 1 ? " dimension" : " dimensions"));
    }
    const Eigen::Index rows = dims == 1 ? 1 : e.shape[0];
    const Eigen::Index cols = e.shape.back();
    if (rows == 0 || cols == 0)
      fail("\"" + key + "\" is empty (shape " + shape_text(e.shape) + ")");
    Matrix m(rows, cols);
    const char* src = data_.data() + e.begin;
    float* out = m.data();
    const auto n = static_cast<size_t>(m.size());
    if (e.dtype == "F32") {
      std::memcpy(out, src, n * 4);
    } else if (e.dtype == "F16" || e.dtype == "BF16") {
      const bool half = e.dtype == "F16";
      for (size_t i = 0; i < n; ++i) {
        uint16_t v;
        std::memcpy(&v, src + 2 * i, 2);
        out[i] = half ? half_to_float(v) : bfloat16_to_float(v);
      }
    } else {
      fail("\"" + key + "\" has dtype " + e.dtype + "; attnviz reads F32, F16 and BF16");
    }
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(out[i])) {
        // The index as PyTorch writes it: [row][column], or [i] for a 1-D tensor.
        const auto cols = static_cast<size_t>(e.shape.size() == 2 ? e.shape[1] : 0);
        const std::string index =
            cols > 0 ? "[" + std::to_string(i / cols) + "][" + std::to_string(i % cols) + "]"
                     : "[" + std::to_string(i) + "]";
        fail("\"" + key + "\"" + index + " is " + (std::isnan(out[i]) ? "NaN" : "an infinity") +
             "; weights must be finite");
      }
    }
    return m;
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
      fail(where + " is \"" + utf8::truncate_to_width(text, 20) +
           "\", expected a positive integer");
    }
    const int value = std::stoi(text);
    if (value < 1) fail(where + " is " + text + ", expected a positive integer");
    if (value > max) fail(where + " is " + text + ", larger than the limit " + std::to_string(max));
    return value;
  }

  std::optional<std::vector<std::string>> vocab() const override {
    const auto it = metadata_.find("vocab");
    if (it == metadata_.end()) return std::nullopt;
    Json list;
    try {
      list = Json::parse(it->second);
    } catch (const Json::exception&) {
      fail("__metadata__ \"vocab\" is not a JSON array of strings (json.dumps(vocab))");
    }
    if (!list.is_array()) fail("__metadata__ \"vocab\" is not a JSON array of strings");
    std::vector<std::string> out;
    for (size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string()) {
        fail("__metadata__ \"vocab\"[" + std::to_string(i) + "] is not a string");
      }
      out.push_back(list[i].get<std::string>());
    }
    return out;
  }

 private:
  void read_header(std::string_view header) {
    Json doc;
    try {
      doc = Json::parse(header.begin(), header.end());
    } catch (const Json::exception& e) {
      std::string detail = e.what();
      const auto start = detail.find("parse error");
      if (start != std::string::npos) detail = detail.substr(start);
      fail("safetensors header is not valid JSON: " + detail);
    }
    if (!doc.is_object()) fail("safetensors header is not a JSON object");
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
    if (!value.is_object()) fail("safetensors \"__metadata__\" is not an object of strings");
    for (const auto& [key, text] : value.items()) {
      if (!text.is_string()) {
        fail("safetensors \"__metadata__\" \"" + utf8::truncate_to_width(key, 30) +
             "\" is not a string (the format allows only strings there)");
      }
      metadata_[key] = text.get<std::string>();
    }
  }

  static bool is_offset(const Json& v) {
    return v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0);
  }

  Entry read_entry(const std::string& key, const Json& value) const {
    const std::string where = "tensor \"" + utf8::truncate_to_width(key, 60) + "\"";
    if (!value.is_object()) fail(where + " in the header is not an object");
    if (!value.contains("dtype") || !value.at("dtype").is_string()) {
      fail(where + " has no \"dtype\" string");
    }
    Entry e;
    e.dtype = value.at("dtype").get<std::string>();
    const auto size = dtype_sizes().find(e.dtype);
    if (size == dtype_sizes().end()) {
      fail(where + " has an unknown dtype \"" + utf8::truncate_to_width(e.dtype, 10) + "\"");
    }
    if (!value.contains("shape") || !value.at("shape").is_array()) {
      fail(where + " has no \"shape\" array");
    }
    uint64_t elements = 1;
    for (const Json& d : value.at("shape")) {
      if (!is_offset(d)) fail(where + " has a shape entry that is not a non-negative integer");
      const uint64_t n = d.get<uint64_t>();
      if (n > (uint64_t{1} << 40) || (n > 0 && elements > (uint64_t{1} << 40) / n)) {
        fail(where + " has a shape of more than 2^40 elements");
      }
      elements *= n;
      e.shape.push_back(static_cast<int64_t>(n));
    }
    const Json* offsets = value.contains("data_offsets") ? &value.at("data_offsets") : nullptr;
    if (!offsets || !offsets->is_array() || offsets->size() != 2 || !is_offset((*offsets)[0]) ||
        !is_offset((*offsets)[1])) {
      fail(where + " has no \"data_offsets\" [begin, end] of non-negative integers");
    }
    e.begin = (*offsets)[0].get<uint64_t>();
    e.end = (*offsets)[1].get<uint64_t>();
    if (e.begin > e.end || e.end > data_.size()) {
      fail(where + " has data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
           "] outside the " + std::to_string(data_.size()) + " bytes of data");
    }
    const uint64_t bytes = elements * static_cast<uint64_t>(size->second);
    if (e.end - e.begin != bytes) {
      fail(where + " is " + e.dtype + " " + shape_text(e.shape) + " (" + std::to_string(bytes) +
           " bytes) but its data_offsets span " + std::to_string(e.end - e.begin) + " bytes");
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
        fail("tensor \"" + utf8::truncate_to_width(*key, 60) + "\" starts at data byte " +
             std::to_string(begin) + ", expected " + std::to_string(expected) +
             " (tensors must follow one another with no gap or overlap)");
      }
      expected = entries_.at(*key).end;
    }
    if (expected != data_.size()) {
      fail("the tensors end at data byte " + std::to_string(expected) + " but the file has " +
           std::to_string(data_.size()) + " bytes of data");
    }
  }

  std::string_view data_;
  std::map<std::string, Entry> entries_;
  std::vector<std::string> order_;
  std::map<std::string, std::string> metadata_;
};

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::unique_ptr<StateDict> open_safetensors(std::string_view bytes, std::string name) {
  return std::make_unique<SafetensorsStateDict>(bytes, std::move(name));
}

std::unique_ptr<StateDict> open_state_dict(std::string_view bytes, std::string name,
                                           const Limits& limits) {
  bool safetensors = ends_with(name, ".safetensors");
  if (!safetensors && !ends_with(name, ".json") && bytes.size() >= 9 && bytes[8] == '{') {
    uint64_t header_size;
    std::memcpy(&header_size, bytes.data(), 8);
    safetensors = header_size <= bytes.size() - 8;  // JSON text never starts with such a size
  }
  if (safetensors) return open_safetensors(bytes, std::move(name));
  if (bytes.size() > limits.max_file_bytes) {
    throw Error(name + ": is " + std::to_string(bytes.size()) +
                " bytes, larger than the limit of " + std::to_string(limits.max_file_bytes) +
                " bytes for JSON weights (--max-file-size raises it; safetensors has no limit)");
  }
  return open_json_state_dict(bytes, std::move(name));
}

std::string weights_to_safetensors(const Weights& w) {
  std::vector<std::pair<std::string, const Matrix*>> tensors;
  const auto add = [&](std::string key, const Matrix& m) {
    if (m.size() > 0) tensors.emplace_back(std::move(key), &m);
  };
  add("token_embedding.weight", w.token_embedding);
  add("position_embedding.weight", w.position_embedding);
  for (int h = 0; h < w.n_head(); ++h) {
    const HeadWeights& head = w.heads[static_cast<size_t>(h)];
    const std::string p = w.multi_head() ? "heads." + std::to_string(h) + "." : "";
    add(p + "query.weight", head.query);
    add(p + "key.weight", head.key);
    add(p + "value.weight", head.value);
    add(p + "query.bias", head.query_bias);
    add(p + "key.bias", head.key_bias);
    add(p + "value.bias", head.value_bias);
  }
  add("proj.weight", w.proj_weight);
  add("proj.bias", w.proj_bias);
  add("ln_1.weight", w.ln_weight);
  add("ln_1.bias", w.ln_bias);

  Json header = Json::object();
  Json metadata = Json::object();
  metadata["format"] = "pt";
  metadata["n_embd"] = std::to_string(w.n_embd);
  if (w.multi_head()) metadata["n_head"] = std::to_string(w.n_head());
  if (w.block_size > 0) metadata["block_size"] = std::to_string(w.block_size);
  if (!w.vocab.empty()) metadata["vocab"] = Json(w.vocab).dump();
  header["__metadata__"] = std::move(metadata);
  uint64_t offset = 0;
  for (const auto& [key, m] : tensors) {
    const uint64_t bytes = static_cast<uint64_t>(m->size()) * 4;
    const bool vector = ends_with(key, ".bias") || key.rfind("ln_1.", 0) == 0;  // 1-D in PyTorch
    Json shape = vector ? Json::array({m->cols()}) : Json::array({m->rows(), m->cols()});
    header[key] = Json{{"dtype", "F32"},
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
  for (const auto& [key, m] : tensors) {
    out.append(reinterpret_cast<const char*>(m->data()), static_cast<size_t>(m->size()) * 4);
  }
  return out;
}

}  // namespace attnviz
