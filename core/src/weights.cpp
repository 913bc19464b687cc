// Weights: PyTorch-style random initialization, and the JSON format (state_dict names) both ways.
#include "attnviz/weights.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_map>

#include "attnviz/error.hpp"
#include "attnviz/rng.hpp"
#include "json.hpp"

namespace attnviz {
namespace {

constexpr std::array<std::string_view, 8> kKnownKeys = {"n_embd",
                                                        "block_size",
                                                        "vocab",
                                                        "token_embedding.weight",
                                                        "position_embedding.weight",
                                                        "query.weight",
                                                        "key.weight",
                                                        "value.weight"};

// Keys a student's state_dict() may hold that carry nothing attnviz needs (the lesson's mask).
constexpr std::array<std::string_view, 1> kIgnoredKeys = {"tril"};

std::string describe(const Json& value) {
  switch (value.type()) {
    case Json::value_t::string: {
      std::string s = value.get<std::string>();
      if (s.size() > 20) s = s.substr(0, 20) + "...";
      return "a string " + Json(s).dump();
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
        const Json& x = row[j];
        const std::string cell = row_where + "[" + std::to_string(j) + "]";
        if (!x.is_number()) fail(cell + " is " + describe(x) + ", expected a number");
        const float f = x.get<float>();
        if (!std::isfinite(f)) fail(cell + " does not fit in float32 (largest is ±3.4e38)");
        m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = f;
      }
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

}  // namespace

int Weights::token_id(std::string_view token) const {
  const auto it = std::find(vocab.begin(), vocab.end(), token);
  return it == vocab.end() ? -1 : static_cast<int>(it - vocab.begin());
}

Weights random_weights(const std::vector<std::string>& vocab, const RandomInit& init) {
  if (init.n_embd < 1 || init.n_embd > kMaxEmbd) {
    throw Error("n_embd is " + std::to_string(init.n_embd) + ", expected 1.." +
                std::to_string(kMaxEmbd));
  }
  if (init.block_size < 1 || init.block_size > kMaxBlockSize) {
    throw Error("block_size is " + std::to_string(init.block_size) + ", expected 1.." +
                std::to_string(kMaxBlockSize));
  }
  const Eigen::Index C = init.n_embd;
  Rng rng(init.seed);
  Weights w;
  w.n_embd = init.n_embd;
  w.block_size = init.block_size;
  w.vocab = vocab;
  w.token_embedding = Matrix(static_cast<Eigen::Index>(vocab.size()), C);
  rng.fill_normal(w.token_embedding);
  if (init.positions) {
    w.position_embedding = Matrix(init.block_size, C);
    rng.fill_normal(w.position_embedding);
  }
  const auto bound = static_cast<float>(1.0 / std::sqrt(static_cast<double>(C)));
  HeadWeights head{Matrix(C, C), Matrix(C, C), Matrix(C, C)};
  rng.fill_uniform(head.key, -bound, bound);  // the lesson creates key, then query, then value
  rng.fill_uniform(head.query, -bound, bound);
  rng.fill_uniform(head.value, -bound, bound);
  w.heads.push_back(std::move(head));
  return w;
}

Weights parse_weights_json(std::string_view text, std::string_view name,
                           std::vector<std::string>& warnings) {
  const Json doc = parse_document(text, name);
  const Reader r(doc, name);
  if (!doc.is_object()) {
    r.fail("top level is " + describe(doc) + ", expected an object of named tensors");
  }
  for (const auto& [key, value] : doc.items()) {
    const auto known = [&key = key](const auto& list) {
      return std::find(list.begin(), list.end(), key) != list.end();
    };
    if (!known(kKnownKeys) && !known(kIgnoredKeys)) {
      warnings.push_back(std::string(name) + ": ignoring unknown key " + Json(key).dump());
    }
  }

  Weights w;
  w.vocab = r.vocab();
  w.token_embedding = r.matrix("token_embedding.weight");
  w.n_embd = r.has("n_embd") ? r.positive_int("n_embd", kMaxEmbd)
                             : static_cast<int>(w.token_embedding.cols());
  const Eigen::Index V = static_cast<Eigen::Index>(w.vocab.size());
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

  HeadWeights head;
  head.query = r.matrix("query.weight");
  head.key = r.matrix("key.weight");
  head.value = r.matrix("value.weight");
  r.expect_shape(head.query, "query.weight", C, C, "n_embd × n_embd");
  r.expect_shape(head.key, "key.weight", C, C, "n_embd × n_embd");
  r.expect_shape(head.value, "value.weight", C, C, "n_embd × n_embd");
  w.heads.push_back(std::move(head));
  return w;
}

std::string weights_to_json(const Weights& w) {
  Json doc = Json::object();
  doc["n_embd"] = w.n_embd;
  if (w.block_size > 0) doc["block_size"] = w.block_size;
  doc["vocab"] = w.vocab;
  doc["token_embedding.weight"] = matrix_to_json(w.token_embedding);
  if (w.has_positions()) doc["position_embedding.weight"] = matrix_to_json(w.position_embedding);
  const HeadWeights& head = w.heads.front();
  doc["query.weight"] = matrix_to_json(head.query);
  doc["key.weight"] = matrix_to_json(head.key);
  doc["value.weight"] = matrix_to_json(head.value);
  return to_pretty_json(doc);
}

}  // namespace attnviz
