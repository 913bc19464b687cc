// The weights JSON format as a StateDict: state_dict keys → nested arrays of numbers, plus the
// settings "n_embd", "n_head", "block_size" and "vocab".
#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_map>

#include "attnviz/error.hpp"
#include "attnviz/state_dict.hpp"
#include "attnviz/utf8.hpp"
#include "json.hpp"

namespace attnviz {
namespace {

constexpr std::array<std::string_view, 4> kSettings = {"n_embd", "n_head", "block_size", "vocab"};

bool is_setting(const std::string& key) {
  return std::find(kSettings.begin(), kSettings.end(), key) != kSettings.end();
}

std::string describe(const Json& value) {
  switch (value.type()) {
    case Json::value_t::string: {
      // Cut at a character boundary: half a UTF-8 sequence cannot be printed (a fuzzer found it).
      return "a string " + Json(utf8::truncate_to_width(value.get<std::string>(), 20)).dump();
    }
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    default:
      return "a number";
  }
}

// "line 3, column 12" of byte `offset` (0-based) in `text`.
std::string line_and_column(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  const auto line =
      1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
  const auto line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  const size_t column =
      line_start == std::string_view::npos || offset == 0 ? offset + 1 : offset - line_start;
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

Json parse_document(std::string_view text, const std::string& file) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    // e.what() is "[json.exception.parse_error.101] parse error at line L, column C: ...".
    std::string detail = e.what();
    const auto start = detail.find("parse error");
    if (start != std::string::npos) detail = detail.substr(start);
    const size_t at = e.byte > 10 ? e.byte - 10 : 0;
    const std::string_view around = text.substr(std::min(at, text.size()), 20);
    const bool non_finite = around.find("NaN") != std::string_view::npos ||
                            around.find("Infinity") != std::string_view::npos;
    throw Error(
        file + ": not valid JSON: " + detail +
        (non_finite ? " (NaN and Infinity are not JSON numbers; weights must be finite)" : ""));
  } catch (const Json::out_of_range& e) {
    // The one range error parsing raises: "number overflow parsing '1e39'" (beyond float32).
    const std::string detail = e.what();
    const auto open = detail.find('\'');
    const std::string number =
        open == std::string::npos ? "" : detail.substr(open + 1, detail.rfind('\'') - open - 1);
    const size_t offset = number.empty() ? std::string_view::npos : text.find(number);
    throw Error(file + ": " +
                (offset == std::string_view::npos ? "" : line_and_column(text, offset) + ": ") +
                "number " + number + " does not fit in float32 (largest is ±3.4e38)");
  }
}

class JsonStateDict final : public StateDict {
 public:
  JsonStateDict(Json doc, std::string name) : StateDict(std::move(name)), doc_(std::move(doc)) {
    if (!doc_.is_object()) {
      fail("top level is " + describe(doc_) + ", expected an object of named tensors");
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

  Matrix tensor(const std::string& key, int dims) const override {
    return dims == 1 ? vector(key) : matrix(key);
  }

  std::optional<int> setting(const std::string& key, int max) const override {
    if (!doc_.contains(key)) return std::nullopt;
    const Json& v = doc_.at(key);
    const std::string where = "\"" + key + "\"";
    if (!v.is_number_integer())
      fail(where + " is " + describe(v) + ", expected a positive integer");
    if (v.is_number_unsigned() ? v.get<uint64_t>() > static_cast<uint64_t>(max)
                               : v.get<int64_t>() > max) {
      fail(where + " is " + v.dump() + ", larger than the limit " + std::to_string(max));
    }
    if (v.get<int64_t>() < 1) fail(where + " is " + v.dump() + ", expected a positive integer");
    return v.get<int>();
  }

  std::optional<std::vector<std::string>> vocab() const override {
    if (!doc_.contains("vocab")) return std::nullopt;
    const Json& v = doc_.at("vocab");
    if (!v.is_array()) fail("\"vocab\" is " + describe(v) + ", expected an array of strings");
    std::vector<std::string> out;
    for (size_t i = 0; i < v.size(); ++i) {
      const std::string where = "\"vocab\"[" + std::to_string(i) + "]";
      if (!v[i].is_string()) fail(where + " is " + describe(v[i]) + ", expected a string");
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
    if (!x.is_number()) fail(where + " is " + describe(x) + ", expected a number");
    const auto f = x.get<float>();
    if (!std::isfinite(f)) fail(where + " does not fit in float32 (largest is ±3.4e38)");
    return f;
  }

  // A 2-D array of finite numbers, rectangular.
  Matrix matrix(const std::string& key) const {
    const std::string where = "\"" + key + "\"";
    if (!doc_.contains(key)) fail("missing " + where + " (a 2-D array of numbers)");
    const Json& rows = doc_.at(key);
    if (!rows.is_array())
      fail(where + " is " + describe(rows) + ", expected a 2-D array of numbers");
    if (rows.empty() || !rows.front().is_array() || rows.front().empty()) {
      fail(where + " must be a non-empty 2-D array of numbers (a list of rows)");
    }
    const size_t n_cols = rows.front().size();
    Matrix m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(n_cols));
    for (size_t i = 0; i < rows.size(); ++i) {
      const std::string row_where = where + "[" + std::to_string(i) + "]";
      const Json& row = rows[i];
      if (!row.is_array()) fail(row_where + " is " + describe(row) + ", expected a row of numbers");
      if (row.size() != n_cols) {
        fail(row_where + " has " + std::to_string(row.size()) + " numbers, expected " +
             std::to_string(n_cols) + " like row 0");
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
    if (!doc_.contains(key)) fail("missing " + where + " (an array of numbers)");
    const Json& values = doc_.at(key);
    if (!values.is_array() || values.empty()) {
      fail(where + " is " + describe(values) + ", expected a non-empty array of numbers");
    }
    Matrix m(1, static_cast<Eigen::Index>(values.size()));
    for (size_t j = 0; j < values.size(); ++j) {
      m(0, static_cast<Eigen::Index>(j)) = number(values[j], where + "[" + std::to_string(j) + "]");
    }
    return m;
  }

  Json doc_;
};

}  // namespace

void StateDict::fail(const std::string& message) const { throw Error(name_ + ": " + message); }

std::unique_ptr<StateDict> open_json_state_dict(std::string_view text, std::string name) {
  Json doc = parse_document(text, name);
  return std::make_unique<JsonStateDict>(std::move(doc), std::move(name));
}

}  // namespace attnviz
