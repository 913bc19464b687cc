// The weights JSON format: the lesson module's state_dict() names, read and written.
#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_map>

#include "attnviz/error.hpp"
#include "attnviz/utf8.hpp"
#include "attnviz/weights.hpp"
#include "json.hpp"

namespace attnviz {
namespace {

constexpr std::array<std::string_view, 12> kKnownKeys = {
    "n_embd",
    "n_head",
    "block_size",
    "vocab",
    "token_embedding.weight",
    "position_embedding.weight",
    "query.weight",
    "key.weight",
    "value.weight",
    "proj.weight",
    "proj.bias",
    "tril"};  // tril: the lesson's mask buffer, which state_dict() includes

constexpr std::array<std::string_view, 4> kHeadKeys = {"query.weight", "key.weight", "value.weight",
                                                       "tril"};

// "heads.3.key.weight" → head 3, "key.weight"; false for keys of another form.
bool split_head_key(const std::string& key, int& head, std::string& rest) {
  if (key.rfind("heads.", 0) != 0) return false;
  const auto dot = key.find('.', 6);
  if (dot == std::string::npos || dot == 6 || dot - 6 > 4) return false;
  const std::string digits = key.substr(6, dot - 6);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  head = std::stoi(digits);
  rest = key.substr(dot + 1);
  return true;
}

std::string head_key(int h, const char* name) { return "heads." + std::to_string(h) + "." + name; }

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

class Reader {
 public:
  Reader(const Json& doc, std::string_view name) : doc_(doc), name_(name) {}

  [[noreturn]] void fail(const std::string& message) const { throw Error(name_ + ": " + message); }

  bool has(const char* key) const { return doc_.contains(key); }

  int positive_int(const char* key, int max) const {
    const Json& v = doc_.at(key);
    const std::string where = "\"" + std::string(key) + "\"";
    if (!v.is_number_integer())
      fail(where + " is " + describe(v) + ", expected a positive integer");
    if (v.is_number_unsigned() ? v.get<uint64_t>() > static_cast<uint64_t>(max)
                               : v.get<int64_t>() > max) {
      fail(where + " is " + v.dump() + ", larger than the limit " + std::to_string(max));
    }
    if (v.get<int64_t>() < 1) fail(where + " is " + v.dump() + ", expected a positive integer");
    return v.get<int>();
  }

  float number(const Json& x, const std::string& where) const {
    if (!x.is_number()) fail(where + " is " + describe(x) + ", expected a number");
    const auto f = x.get<float>();
    if (!std::isfinite(f)) fail(where + " does not fit in float32 (largest is ±3.4e38)");
    return f;
  }

  // A 2-D array of finite numbers, rectangular.
  Matrix matrix(const char* key) const {
    const std::string where = "\"" + std::string(key) + "\"";
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
  Matrix vector(const char* key) const {
    const std::string where = "\"" + std::string(key) + "\"";
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

  void expect_shape(const Matrix& m, const char* key, Eigen::Index rows, Eigen::Index cols,
                    const char* meaning) const {
    if (m.rows() != rows || m.cols() != cols) {
      fail("\"" + std::string(key) + "\" has shape " + shape_string(m.rows(), m.cols()) +
           ", expected " + shape_string(rows, cols) + " (" + meaning + ")");
    }
  }

  std::vector<std::string> vocab() const {
    if (!doc_.contains("vocab")) fail("missing \"vocab\" (the token text of each embedding row)");
    const Json& v = doc_.at("vocab");
    if (!v.is_array()) fail("\"vocab\" is " + describe(v) + ", expected an array of strings");
    if (v.empty()) fail("\"vocab\" is empty; it needs one string per token_embedding row");
    std::vector<std::string> out;
    std::unordered_map<std::string, size_t> seen;
    for (size_t i = 0; i < v.size(); ++i) {
      const std::string where = "\"vocab\"[" + std::to_string(i) + "]";
      if (!v[i].is_string()) fail(where + " is " + describe(v[i]) + ", expected a string");
      std::string token = v[i].get<std::string>();
      if (token.empty()) fail(where + " is an empty string");
      const auto [it, inserted] = seen.emplace(token, i);
      if (!inserted) {
        fail(where + " " + Json(token).dump() + " repeats \"vocab\"[" + std::to_string(it->second) +
             "]; each token needs exactly one row");
      }
      out.push_back(std::move(token));
    }
    return out;
  }

 private:
  const Json& doc_;
  std::string name_;
};

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

Json parse_document(std::string_view text, std::string_view name) {
  const std::string file(name);
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

void warn_unknown_keys(const Json& doc, int n_head, std::string_view name,
                       std::vector<std::string>& warnings) {
  for (const auto& [key, value] : doc.items()) {
    int head = 0;
    std::string rest;
    const bool known = std::find(kKnownKeys.begin(), kKnownKeys.end(), key) != kKnownKeys.end() ||
                       (split_head_key(key, head, rest) && head < n_head &&
                        std::find(kHeadKeys.begin(), kHeadKeys.end(), rest) != kHeadKeys.end());
    if (!known)
      warnings.push_back(std::string(name) + ": ignoring unknown key " + Json(key).dump());
  }
}

// Heads 0, 1, … as long as "heads.{i}.query.weight" exists.
int count_heads(const Json& doc) {
  int n = 0;
  while (doc.contains(head_key(n, "query.weight"))) ++n;
  return n;
}

void read_embeddings(const Reader& r, const Json& doc, Weights& w, int max_embd) {
  w.vocab = r.vocab();
  w.token_embedding = r.matrix("token_embedding.weight");
  if (!r.has("n_embd")) {
    w.n_embd = static_cast<int>(w.token_embedding.cols());
    if (w.n_embd > max_embd) {
      r.fail("\"token_embedding.weight\" has " + std::to_string(w.n_embd) +
             " columns (n_embd), more than the limit " + std::to_string(max_embd) +
             " (--max-embd raises it)");
    }
  }
  const auto V = static_cast<Eigen::Index>(w.vocab.size());
  const Eigen::Index C = w.n_embd;
  r.expect_shape(w.token_embedding, "token_embedding.weight", V, C, "len(vocab) × n_embd");
  if (r.has("position_embedding.weight")) {
    w.position_embedding = r.matrix("position_embedding.weight");
    r.expect_shape(w.position_embedding, "position_embedding.weight", w.position_embedding.rows(),
                   C, "block_size × n_embd");
    w.block_size = static_cast<int>(w.position_embedding.rows());
    if (r.has("block_size") && r.positive_int("block_size", kMaxBlockSize) != w.block_size) {
      r.fail("\"block_size\" is " + doc.at("block_size").dump() +
             " but \"position_embedding.weight\" has " + std::to_string(w.block_size) + " rows");
    }
  } else {
    w.block_size = r.has("block_size") ? r.positive_int("block_size", kMaxBlockSize) : 0;
  }
}

// The lesson's SelfAttention: query/key/value.weight, each n_embd × n_embd.
void read_single_head(const Reader& r, Weights& w) {
  const Eigen::Index C = w.n_embd;
  HeadWeights head;
  head.query = r.matrix("query.weight");
  head.key = r.matrix("key.weight");
  head.value = r.matrix("value.weight");
  r.expect_shape(head.query, "query.weight", C, C, "n_embd × n_embd");
  r.expect_shape(head.key, "key.weight", C, C, "n_embd × n_embd");
  r.expect_shape(head.value, "value.weight", C, C, "n_embd × n_embd");
  w.heads.push_back(std::move(head));
}

// MultiHeadAttention: heads.{i}.query/key/value.weight (head_size × n_embd), proj.weight
// (n_embd × n_head·head_size), proj.bias (n_embd).
void read_multi_head(const Reader& r, const Json& doc, int n_head, Weights& w) {
  const Eigen::Index C = w.n_embd;
  if (r.has("n_head") && r.positive_int("n_head", kMaxEmbdCeiling) != n_head) {
    r.fail("\"n_head\" is " + doc.at("n_head").dump() + " but the file has " +
           std::to_string(n_head) + " heads (heads.0 … heads." + std::to_string(n_head - 1) + ")");
  }
  const Eigen::Index head_size = r.matrix(head_key(0, "query.weight").c_str()).rows();
  for (int h = 0; h < n_head; ++h) {
    HeadWeights head;
    const std::string q = head_key(h, "query.weight"), k = head_key(h, "key.weight"),
                      v = head_key(h, "value.weight");
    head.query = r.matrix(q.c_str());
    head.key = r.matrix(k.c_str());
    head.value = r.matrix(v.c_str());
    for (const auto& [key, m] : {std::pair{&q, &head.query}, {&k, &head.key}, {&v, &head.value}}) {
      r.expect_shape(*m, key->c_str(), head_size, C, "head_size × n_embd, as heads.0.query.weight");
    }
    w.heads.push_back(std::move(head));
  }
  w.proj_weight = r.matrix("proj.weight");
  r.expect_shape(w.proj_weight, "proj.weight", C, n_head * head_size, "n_embd × n_head·head_size");
  w.proj_bias = r.vector("proj.bias");
  r.expect_shape(w.proj_bias, "proj.bias", 1, C, "n_embd");
}

}  // namespace

Weights parse_weights_json(std::string_view text, std::string_view name,
                           std::vector<std::string>& warnings, int max_embd) {
  const Json doc = parse_document(text, name);
  const Reader r(doc, name);
  if (!doc.is_object()) {
    r.fail("top level is " + describe(doc) + ", expected an object of named tensors");
  }
  const int n_head = count_heads(doc);
  const bool single = r.has("query.weight");
  if (single && n_head > 0) {
    r.fail(
        "has both \"query.weight\" (SelfAttention) and \"heads.0.query.weight\" "
        "(MultiHeadAttention); keep one module's tensors");
  }
  if (!single && n_head == 0) {
    r.fail(
        "missing \"query.weight\" (the lesson's SelfAttention) or \"heads.0.query.weight\" "
        "(MultiHeadAttention)");
  }
  warn_unknown_keys(doc, n_head, name, warnings);
  Weights w;
  if (r.has("n_embd")) w.n_embd = r.positive_int("n_embd", max_embd);  // before any tensor
  read_embeddings(r, doc, w, max_embd);
  if (single) {
    read_single_head(r, w);
  } else {
    read_multi_head(r, doc, n_head, w);
  }
  return w;
}

std::string weights_to_json(const Weights& w) {
  Json doc = Json::object();
  doc["n_embd"] = w.n_embd;
  if (w.multi_head()) doc["n_head"] = w.n_head();
  if (w.block_size > 0) doc["block_size"] = w.block_size;
  doc["vocab"] = w.vocab;
  doc["token_embedding.weight"] = matrix_to_json(w.token_embedding);
  if (w.has_positions()) doc["position_embedding.weight"] = matrix_to_json(w.position_embedding);
  if (!w.multi_head()) {
    const HeadWeights& head = w.heads.front();
    doc["query.weight"] = matrix_to_json(head.query);
    doc["key.weight"] = matrix_to_json(head.key);
    doc["value.weight"] = matrix_to_json(head.value);
    return to_pretty_json(doc);
  }
  for (int h = 0; h < w.n_head(); ++h) {
    const HeadWeights& head = w.heads[static_cast<size_t>(h)];
    doc[head_key(h, "query.weight")] = matrix_to_json(head.query);
    doc[head_key(h, "key.weight")] = matrix_to_json(head.key);
    doc[head_key(h, "value.weight")] = matrix_to_json(head.value);
  }
  doc["proj.weight"] = matrix_to_json(w.proj_weight);
  Json bias = Json::array();
  for (Eigen::Index j = 0; j < w.proj_bias.cols(); ++j) bias.push_back(w.proj_bias(0, j));
  doc["proj.bias"] = std::move(bias);
  return to_pretty_json(doc);
}

}  // namespace attnviz
