// safetensors files as a StateDict, and --save-weights to safetensors. The format: an 8-byte
// little-endian header size N, N bytes of JSON header, then the tensors' bytes back to back.
#include <algorithm>
#include <cstring>
#include <map>

#include "attnviz/error.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/strings.hpp"
#include "attnviz/text/utf8.hpp"
#include "formats/tensor_table.hpp"
#include "io/json.hpp"
#include "io/parse_error.hpp"

namespace attnviz {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100u << 20;  // the safetensors library's own limit

struct Entry {
  std::string dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // offsets into the data, after the header
};

class SafetensorsStateDict final : public TensorTable {
 public:
  SafetensorsStateDict(std::string_view bytes, std::string name, bool mapped)
      : TensorTable(std::move(name), mapped) {
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

 private:
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
    for (const std::string& key : order_) {
      const Entry& e = entries_.at(key);
      add(key, TableEntry{e.dtype, e.shape, data_.substr(e.begin, e.end - e.begin)});
    }
  }

  void read_metadata(const Json& value) {
    if (!value.is_object()) fail(Err::MetadataNotObject, {});
    for (const auto& [key, text] : value.items()) {
      if (!text.is_string()) {
        fail(Err::MetadataNotString, {utf8::truncate_to_width(key, 30)});
      }
      set_metadata(key, text.get<std::string>());
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
    const int size = dtype_size(e.dtype);
    if (size == 0) {
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
    const uint64_t bytes = elements * static_cast<uint64_t>(size);
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
  // The entries as the header gives them, in its order, until the layout is checked.
  std::map<std::string, Entry> entries_;
  std::vector<std::string> order_;
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
