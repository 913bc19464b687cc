// Pretty JSON layout (objects indented, rows of numbers on one line), and parse errors quoted.
#include "io/json.hpp"

#include <algorithm>
#include <charconv>

#include "attnviz/text/utf8.hpp"
#include "io/parse_error.hpp"

namespace attnviz {
namespace {

bool is_flat(const Json& value) {
  return value.is_array() && std::none_of(value.begin(), value.end(),
                                          [](const Json& item) { return item.is_structured(); });
}

}  // namespace

void append_pretty_json(const Json& value, int depth, std::string& out) {
  if (!value.is_structured() || value.empty() || is_flat(value)) {
    out += value.dump(-1, ' ', false, nlohmann::detail::error_handler_t::strict);
    return;
  }
  const std::string inner(static_cast<size_t>(depth + 1) * 2, ' ');
  const bool object = value.is_object();
  out += object ? "{\n" : "[\n";
  bool first = true;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!first) out += ",\n";
    first = false;
    out += inner;
    if (object) out += Json(it.key()).dump() + ": ";
    append_pretty_json(*it, depth + 1, out);
  }
  out += "\n" + std::string(static_cast<size_t>(depth) * 2, ' ') + (object ? "}" : "]");
}

std::string to_pretty_json(const Json& value) {
  std::string out;
  append_pretty_json(value, 0, out);
  out += '\n';
  return out;
}

void append_float(float value, std::string& out) {
  char buf[32];
  const auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;  // shortest round trip
  out.append(buf, end);
  if (std::find_if(buf, end, [](char c) { return c == '.' || c == 'e'; }) == end) out += ".0";
}

Json matrix_to_json(const Matrix& m) {
  Json rows = Json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    Json row = Json::array();
    for (Eigen::Index j = 0; j < m.cols(); ++j) row.push_back(m(i, j));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string parse_error_detail(const std::exception& e) {
  std::string detail = e.what();
  const auto from = detail.find("parse error");
  if (from != std::string::npos) detail = detail.substr(from);
  return utf8::truncate_to_width(detail, 200);
}

}  // namespace attnviz
