// The weights JSON format as a StateDict: state_dict keys → nested arrays of numbers, plus the
// settings "n_embd", "n_head", "block_size" and "vocab".
#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_map>

#include "attnviz/error.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/text/utf8.hpp"
#include "io/json.hpp"
#include "io/parse_error.hpp"

namespace attnviz {
namespace {

constexpr std::array<std::string_view, 6> kSettings = {
    "n_embd", "n_head", "n_layer", "block_size", "vocab", "activation_function"};

bool is_setting(const std::string& key) {
  return std::find(kSettings.begin(), kSettings.end(), key) != kSettings.end();
}

Words describe(const Json& value) {
  switch (value.type()) {
    case Json::value_t::string: {
      // Cut at a character boundary: half a UTF-8 sequence cannot be printed (a fuzzer found it).
      return Words(Err::DescribeString,
                   {Json(utf8::truncate_to_width(value.get<std::string>(), 20)).dump()});
    }
    case Json::value_t::null:
      return Words(Err::DescribeNull, {});
    case Json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case Json::value_t::object:
      return Words(Err::DescribeObject, {});
    case Json::value_t::array:
      return Words(Err::DescribeArray, {});
    default:
      return Words(Err::DescribeNumber, {});
  }
}

// "line 3, column 12" of byte `offset` (0-based) in `text`.
Words line_and_column(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  const auto line =
      1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
  const auto line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  const size_t column =
      line_start == std::string_view::npos || offset == 0 ? offset + 1 : offset - line_start;
  return Words(Err::LineColumn, {std::to_string(line), std::to_string(column)});
}

// Builds the document as nlohmann's own DOM parser does, but knows at every moment where it is —
// `"key.weight"[3][7]` — so that a number beyond float32, a NaN or a syntax error names the tensor
// and the index, not only a line and column (json.dump writes a whole state_dict on one line).
class LocatingParser {
 public:
  explicit LocatingParser(std::string_view text, const std::string& file)
      : text_(text), file_(file) {}

  Json parse() {
    Json::sax_parse(text_.begin(), text_.end(), this);
    return std::move(root_);
  }

  // The SAX events.
  bool null() { return add(Json(nullptr)); }
  bool boolean(bool b) { return add(Json(b)); }
  bool number_integer(Json::number_integer_t n) { return add(Json(n)); }
  bool number_unsigned(Json::number_unsigned_t n) { return add(Json(n)); }
  bool number_float(Json::number_float_t f, const std::string&) { return add(Json(f)); }
  bool string(std::string& s) { return add(Json(std::move(s))); }
  bool binary(Json::binary_t& b) { return add(Json(std::move(b))); }
  bool start_object(size_t) { return open(Json::object()); }
  bool start_array(size_t) { return open(Json::array()); }
  bool key(std::string& k) {
    open_.back().key = std::move(k);
    open_.back().reading_value = true;
    return true;
  }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  [[noreturn]] bool parse_error(size_t position, const std::string& last_token,
                                const nlohmann::detail::exception& e) {
    // The parser stopped `position` bytes in, inside or just after the token it failed on.
    size_t start = std::min(position, text_.size());
    while (start > 0 &&
           std::string_view(",:[{ \t\r\n").find(text_[start - 1]) == std::string_view::npos) {
      --start;
    }
    const std::string location = this->location();
    const Words at = line_and_column(text_, start);
    if (e.id == 406) {  // out_of_range: "number overflow parsing '1e39'"
      throw Error(Err::Float32Overflow, {file_, location, at, last_token.substr(0, 40)});
    }
    const std::string_view token = text_.substr(start, 9);
    for (const std::string_view word : {"NaN", "Infinity", "-Infinity"}) {
      if (token.substr(0, word.size()) == word) {
        throw Error(Err::NotAJsonNumber, {file_, location, at, std::string(word)});
      }
    }
    const std::string detail = parse_error_detail(e);
    if (location.empty()) throw Error(Err::NotJson, {file_, detail});
    throw Error(Err::NotJsonIn, {file_, detail, location});
  }

 private:
  struct Open {
    Json* value;                 // an array or object being filled
    std::string key;             // in an object: the key last read
    bool reading_value = false;  // in an object: between a key and its value
  };

  // Where the next value goes: `"key.weight"[3][7]`, from the outermost level in; an object
  // between two members adds nothing.
  std::string location() const {
    std::string out;
    for (size_t level = 0; level < open_.size(); ++level) {
      if (level == kMaxLevelsShown) return out + "…";
      const Open& o = open_[level];
      if (o.value->is_object()) {
        const bool innermost = level + 1 == open_.size();
        if (!innermost || o.reading_value) out += "\"" + utf8::truncate_to_width(o.key, 60) + "\"";
      } else {
        // The last level is about to take element size(); outer ones are inside their last.
        const size_t size = o.value->size();
        out += "[" + std::to_string(level + 1 == open_.size() ? size : size - 1) + "]";
      }
    }
    return out;
  }

  Json* place(Json value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json& parent = *open_.back().value;
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    Json& slot = parent[open_.back().key];
    slot = std::move(value);
    open_.back().reading_value = false;
    return &slot;
  }
  bool add(Json value) {
    place(std::move(value));
    return true;
  }
  bool open(Json container) {
    open_.push_back({place(std::move(container)), {}});
    return true;
  }
  bool close() {
    open_.pop_back();
    return true;
  }

  static constexpr size_t kMaxLevelsShown = 8;  // a tensor has 2; deeper nesting is cut with …
  std::string_view text_;
  const std::string& file_;
  Json root_;
  std::vector<Open> open_;
};

Json parse_document(std::string_view text, const std::string& file) {
  return LocatingParser(text, file).parse();
}

class JsonStateDict final : public StateDict {
 public:
  JsonStateDict(Json doc, std::string name) : StateDict(std::move(name)), doc_(std::move(doc)) {
    if (!doc_.is_object()) {
      fail(Err::TopLevelNotObject, {describe(doc_)});
    }
  }

  std::vector<std::string> keys() const override {
    std::vector<std::string> out;
    for (const auto& [key, value] : doc_.items()) {
      if (!is_setting(key) && value.is_array()) out.push_back(key);
    }
    return out;
  }

  bool has(const std::string& key) const override {
    return !is_setting(key) && doc_.contains(key) && doc_.at(key).is_array();
  }

  // Dimensions down the first elements; tensor() checks that the rest agree.
  std::vector<int64_t> shape(const std::string& key) const override {
    std::vector<int64_t> dims;
    for (const Json* v = &doc_.at(key); v->is_array(); v = &v->front()) {
      dims.push_back(static_cast<int64_t>(v->size()));
      if (v->empty()) break;
    }
    return dims;
  }

  Tensor tensor(const std::string& key, int dims) const override {
    return dims == 1 ? vector(key) : matrix(key);
  }

  std::optional<int> setting(const std::string& key, int max) const override {
    if (!doc_.contains(key)) return std::nullopt;
    const Json& v = doc_.at(key);
    const std::string where = "\"" + key + "\"";
    if (!v.is_number_integer()) fail(Err::SettingNotInteger, {where, describe(v)});
    if (v.is_number_unsigned() ? v.get<uint64_t>() > static_cast<uint64_t>(max)
                               : v.get<int64_t>() > max) {
      fail(Err::SettingOverLimit, {where, v.dump(), std::to_string(max)});
    }
    if (v.get<int64_t>() < 1) fail(Err::SettingNotInteger, {where, v.dump()});
    return v.get<int>();
  }

  std::optional<std::string> text_setting(const std::string& key) const override {
    if (!doc_.contains(key)) return std::nullopt;
    const Json& v = doc_.at(key);
    if (!v.is_string()) fail(Err::VocabEntryNotString, {"\"" + key + "\"", describe(v)});
    return v.get<std::string>();
  }

  std::optional<std::vector<std::string>> vocab() const override {
    if (!doc_.contains("vocab")) return std::nullopt;
    const Json& v = doc_.at("vocab");
    if (!v.is_array()) fail(Err::VocabNotArray, {describe(v)});
    std::vector<std::string> out;
    for (size_t i = 0; i < v.size(); ++i) {
      const std::string where = "\"vocab\"[" + std::to_string(i) + "]";
      if (!v[i].is_string()) fail(Err::VocabEntryNotString, {where, describe(v[i])});
      out.push_back(v[i].get<std::string>());
    }
    return out;
  }

  std::vector<std::string> other_entries() const override {
    std::vector<std::string> out;
    for (const auto& [key, value] : doc_.items()) {
      if (!is_setting(key) && !value.is_array()) out.push_back(key);
    }
    return out;
  }

 private:
  float number(const Json& x, const std::string& where) const {
    if (!x.is_number()) fail(Err::NotANumber, {where, describe(x)});
    return x.get<float>();  // finite: the parser refused numbers beyond float32
  }

  // A 2-D array of finite numbers, rectangular.
  Matrix matrix(const std::string& key) const {
    const std::string where = "\"" + key + "\"";
    if (!doc_.contains(key)) fail(Err::MissingMatrix, {where});
    const Json& rows = doc_.at(key);
    if (!rows.is_array()) fail(Err::MatrixNotArray, {where, describe(rows)});
    if (rows.empty() || !rows.front().is_array() || rows.front().empty()) {
      fail(Err::MatrixNot2d, {where});
    }
    const size_t n_cols = rows.front().size();
    Matrix m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(n_cols));
    for (size_t i = 0; i < rows.size(); ++i) {
      const std::string row_where = where + "[" + std::to_string(i) + "]";
      const Json& row = rows[i];
      if (!row.is_array()) fail(Err::RowNotArray, {row_where, describe(row)});
      if (row.size() != n_cols) {
        fail(Err::RaggedRow, {row_where, std::to_string(row.size()), std::to_string(n_cols)});
      }
      for (size_t j = 0; j < n_cols; ++j) {
        m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
            number(row[j], row_where + "[" + std::to_string(j) + "]");
      }
    }
    return m;
  }

  // A 1-D array of finite numbers, as one row: (1, n).
  Matrix vector(const std::string& key) const {
    const std::string where = "\"" + key + "\"";
    if (!doc_.contains(key)) fail(Err::MissingVector, {where});
    const Json& values = doc_.at(key);
    if (!values.is_array() || values.empty()) fail(Err::VectorNotArray, {where, describe(values)});
    Matrix m(1, static_cast<Eigen::Index>(values.size()));
    for (size_t j = 0; j < values.size(); ++j) {
      m(0, static_cast<Eigen::Index>(j)) = number(values[j], where + "[" + std::to_string(j) + "]");
    }
    return m;
  }

  Json doc_;
};

}  // namespace

std::unique_ptr<StateDict> open_json_state_dict(std::string_view text, std::string name) {
  Json doc = parse_document(text, name);
  return std::make_unique<JsonStateDict>(std::move(doc), std::move(name));
}

}  // namespace attnviz
