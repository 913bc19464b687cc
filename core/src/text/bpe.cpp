// GPT-2's byte-level BPE: the pre-tokenization pattern matched by hand over code points, every
// byte as one of 256 printable characters, then merges by rank, as encoder.py does.
#include "attnviz/text/bpe.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "attnviz/error.hpp"
#include "attnviz/text/utf8.hpp"
#include "io/parse_error.hpp"

namespace attnviz {
namespace {

// A 50 000-entry vocabulary wants the hashed object type, not the order-keeping one.
using Json = nlohmann::json;

constexpr std::string_view kEndOfText = "<|endoftext|>";

// encoder.py's bytes_to_unicode(): printable Latin-1 bytes stand for themselves, the other 68
// (controls, space, …) for U+0100 onwards, so every token is printable text.
const std::array<std::string, 256>& byte_chars() {
  static const std::array<std::string, 256> table = [] {
    std::array<std::string, 256> t;
    int next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      t[static_cast<size_t>(b)] = utf8::encode(static_cast<char32_t>(printable ? b : next++));
    }
    return t;
  }();
  return table;
}

// Python `regex`'s \s: the White_Space code points.
bool is_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

enum class Class { Letter, Number, Space, Other };

Class classify(char32_t c) {
  if (is_space(c)) return Class::Space;
  switch (utf8::category(c)) {
    case utf8::Category::Letter:
      return Class::Letter;
    case utf8::Category::Number:
      return Class::Number;
    default:
      return Class::Other;
  }
}

struct CodePoint {
  char32_t c;
  size_t offset;  // of its first byte
  Class cls;
};

std::vector<CodePoint> decode_text(std::string_view text) {
  std::vector<CodePoint> out;
  size_t offset = 0;
  for (const char32_t c : utf8::code_points(text)) {
    out.push_back({c, offset, classify(c)});
    offset += utf8::encode(c).size();
  }
  return out;
}

// The end (in code points) of the pattern's match at i, trying its alternatives in order.
size_t match_at(const std::vector<CodePoint>& cp, size_t i) {
  const size_t n = cp.size();
  const auto is = [&](size_t k, char32_t c) { return k < n && cp[k].c == c; };
  const auto run = [&](size_t k, Class cls) {
    while (k < n && cp[k].cls == cls) ++k;
    return k;
  };
  // 's|'t|'re|'ve|'m|'ll|'d
  if (is(i, '\'')) {
    if (is(i + 1, 's') || is(i + 1, 't') || is(i + 1, 'm') || is(i + 1, 'd')) return i + 2;
    if ((is(i + 1, 'r') && is(i + 2, 'e')) || (is(i + 1, 'v') && is(i + 2, 'e')) ||
        (is(i + 1, 'l') && is(i + 2, 'l'))) {
      return i + 3;
    }
  }
  // ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s\p{L}\p{N}]+': one optional space, then a run of the class.
  for (const Class cls : {Class::Letter, Class::Number, Class::Other}) {
    const size_t start = is(i, ' ') ? i + 1 : i;
    if (start < n && cp[start].cls == cls) return run(start, cls);
  }
  // '\s+(?!\S)': a run of whitespace not followed by anything else — at the end of the text, or
  // all but its last character, which then goes with the word after it. Else '\s+'.
  const size_t end = run(i, Class::Space);
  if (end == n || end - i < 2) return end;
  return end - 1;
}

}  // namespace

std::vector<std::string_view> gpt2_pieces(std::string_view text) {
  const std::vector<CodePoint> cp = decode_text(text);
  std::vector<std::string_view> pieces;
  for (size_t i = 0; i < cp.size();) {
    const size_t end = match_at(cp, i);
    const size_t from = cp[i].offset;
    const size_t to = end < cp.size() ? cp[end].offset : text.size();
    pieces.push_back(text.substr(from, to - from));
    i = end;
  }
  return pieces;
}

namespace {

// The vocabulary (token → id) and ranked merges shared by the two file layouts; checks that ids
// are 0 … n−1 once each, that every byte has a token and that every merge makes a token.
class Builder {
 public:
  explicit Builder(std::string name) : name_(std::move(name)) {}

  void vocab(const Json& doc, const std::string& where) {
    if (!doc.is_object()) fail(Err::BpeVocabNotObject, {where});
    tokens_.assign(doc.size(), "");
    ids_.reserve(doc.size());
    for (const auto& [token, id] : doc.items()) {
      if (!id.is_number_integer() || id.get<int64_t>() < 0 ||
          id.get<int64_t>() >= static_cast<int64_t>(doc.size())) {
        fail(Err::BpeBadId,
             {utf8::truncate_to_width(token, 40), id.dump(), std::to_string(doc.size() - 1)});
      }
      auto& slot = tokens_[static_cast<size_t>(id.get<int64_t>())];
      if (!slot.empty()) {
        fail(Err::BpeDuplicateId,
             {id.dump(), utf8::truncate_to_width(slot, 40), utf8::truncate_to_width(token, 40)});
      }
      slot = token;
      ids_[token] = static_cast<int>(id.get<int64_t>());
    }
    for (int b = 0; b < 256; ++b) {
      if (!ids_.count(byte_chars()[static_cast<size_t>(b)])) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", b);
        fail(Err::BpeByteMissing, {hex});
      }
    }
  }

  // One merge: "a b", whose result "ab" must be a token.
  void merge(std::string_view line, size_t line_number) {
    const size_t space = line.find(' ');
    if (space == std::string_view::npos || space == 0 || space + 1 == line.size() ||
        line.find(' ', space + 1) != std::string_view::npos) {
      fail(Err::BpeMergeLine,
           {std::to_string(line_number), utf8::truncate_to_width(utf8::one_line(line), 40)});
    }
    const std::string merged =
        std::string(line.substr(0, space)) + std::string(line.substr(space + 1));
    if (!ids_.count(merged)) {
      fail(Err::BpeMergeUnknown,
           {std::to_string(line_number), utf8::truncate_to_width(merged, 40)});
    }
    ranks_.emplace(std::string(line), static_cast<int>(ranks_.size()));
  }

  void merges_text(std::string_view text) {
    utf8::validate(text, name_);
    ranks_.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
    size_t line_number = 0;
    for (size_t start = 0; start < text.size();) {
      size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(start, end - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++line_number;
      start = end + 1;
      if (line.empty() || (line_number == 1 && line.rfind("#version", 0) == 0)) continue;
      merge(line, line_number);
    }
  }

  [[noreturn]] void fail(Err id, std::vector<Words> args) const {
    throw Error(Err::InFile, {name_, Words(id, std::move(args))});
  }

  std::string name_;
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int> ids_;
  std::unordered_map<std::string, int> ranks_;
};

Json parse(std::string_view text, const std::string& name) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    throw Error(Err::NotJson, {name, parse_error_detail(e)});
  }
}

}  // namespace

BpeTokenizer BpeTokenizer::from_files(std::string_view vocab_json, std::string_view merges,
                                      const std::string& vocab_name,
                                      const std::string& merges_name) {
  Builder vocab(vocab_name);
  vocab.vocab(parse(vocab_json, vocab_name), vocab_name);
  Builder b(merges_name);
  b.tokens_ = std::move(vocab.tokens_);
  b.ids_ = std::move(vocab.ids_);
  b.merges_text(merges);
  BpeTokenizer t;
  t.tokens_ = std::move(b.tokens_);
  t.ids_ = std::move(b.ids_);
  t.ranks_ = std::move(b.ranks_);
  const auto eot = t.ids_.find(std::string(kEndOfText));
  if (eot != t.ids_.end()) t.end_of_text_ = eot->second;
  return t;
}

BpeTokenizer BpeTokenizer::from_tokenizer_json(std::string_view text, const std::string& name) {
  const Json doc = parse(text, name);
  Builder b(name);
  if (!doc.is_object() || !doc.contains("model") || !doc.at("model").is_object()) {
    b.fail(Err::MissingSetting, {"\"model\""});
  }
  const Json& model = doc.at("model");
  const std::string type = model.value("type", "");
  if (type != "BPE") b.fail(Err::TokenizerNotBpe, {type});
  if (!model.contains("vocab")) b.fail(Err::MissingSetting, {"\"model\".\"vocab\""});
  if (!model.contains("merges") || !model.at("merges").is_array()) {
    b.fail(Err::MissingSetting, {"\"model\".\"merges\""});
  }
  b.vocab(model.at("vocab"), name);
  size_t n = 0;
  for (const Json& m : model.at("merges")) {
    ++n;
    if (m.is_string()) {
      b.merge(m.get<std::string>(), n);
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      b.merge(m[0].get<std::string>() + " " + m[1].get<std::string>(), n);
    } else {
      b.fail(Err::BpeMergeLine, {std::to_string(n), utf8::truncate_to_width(m.dump(), 40)});
    }
  }
  BpeTokenizer t;
  t.tokens_ = std::move(b.tokens_);
  t.ids_ = std::move(b.ids_);
  t.ranks_ = std::move(b.ranks_);
  // Special tokens are listed apart; GPT-2's <|endoftext|> is also in the vocabulary.
  if (doc.contains("added_tokens") && doc.at("added_tokens").is_array()) {
    for (const Json& added : doc.at("added_tokens")) {
      if (added.is_object() && added.value("content", "") == kEndOfText && added.contains("id") &&
          added.at("id").is_number_integer()) {
        const auto id = added.at("id").get<int64_t>();
        if (id >= 0 && id < t.size()) t.end_of_text_ = static_cast<int>(id);
      }
    }
  }
  const auto eot = t.ids_.find(std::string(kEndOfText));
  if (t.end_of_text_ < 0 && eot != t.ids_.end()) t.end_of_text_ = eot->second;
  return t;
}

std::vector<int> BpeTokenizer::merge(const std::string& piece) const {
  const auto cached = cache_.find(piece);
  if (cached != cache_.end()) return cached->second;
  std::vector<std::string> word;
  for (const char byte : piece) word.push_back(byte_chars()[static_cast<unsigned char>(byte)]);
  while (word.size() > 1) {
    int best = INT_MAX;
    size_t at = 0;
    for (size_t i = 0; i + 1 < word.size(); ++i) {
      const auto rank = ranks_.find(word[i] + " " + word[i + 1]);
      if (rank != ranks_.end() && rank->second < best) {
        best = rank->second;
        at = i;
      }
    }
    if (best == INT_MAX) break;
    // Every occurrence of the best pair, left to right, as encoder.py's bpe() merges them.
    const std::string first = word[at], second = word[at + 1];
    std::vector<std::string> merged;
    for (size_t i = 0; i < word.size(); ++i) {
      if (i + 1 < word.size() && word[i] == first && word[i + 1] == second) {
        merged.push_back(first + second);
        ++i;
      } else {
        merged.push_back(word[i]);
      }
    }
    word = std::move(merged);
  }
  std::vector<int> ids;
  for (const std::string& symbol : word) ids.push_back(ids_.at(symbol));  // checked at load
  return cache_.emplace(piece, std::move(ids)).first->second;
}

std::vector<int> BpeTokenizer::encode(std::string_view text) const {
  std::vector<int> ids;
  const auto encode_plain = [&](std::string_view part) {
    for (const std::string_view piece : gpt2_pieces(part)) {
      const std::vector<int> piece_ids = merge(std::string(piece));
      ids.insert(ids.end(), piece_ids.begin(), piece_ids.end());
    }
  };
  size_t start = 0;
  while (end_of_text_ >= 0) {
    const size_t at = text.find(kEndOfText, start);
    if (at == std::string_view::npos) break;
    encode_plain(text.substr(start, at - start));
    ids.push_back(end_of_text_);
    start = at + kEndOfText.size();
  }
  encode_plain(text.substr(start));
  return ids;
}

std::string BpeTokenizer::token_bytes(int id) const {
  static const std::unordered_map<std::string, char> to_byte = [] {
    std::unordered_map<std::string, char> m;
    for (int b = 0; b < 256; ++b) m[byte_chars()[static_cast<size_t>(b)]] = static_cast<char>(b);
    return m;
  }();
  const std::string& token = tokens_.at(static_cast<size_t>(id));
  if (id == end_of_text_) return token;
  std::string bytes;
  for (const char32_t c : utf8::code_points(token)) {
    const auto b = to_byte.find(utf8::encode(c));
    bytes += b != to_byte.end() ? b->second : '?';  // a vocab token outside the byte alphabet
  }
  return bytes;
}

std::string BpeTokenizer::decode(const std::vector<int>& ids) const {
  std::string out;
  for (const int id : ids) out += token_bytes(id);
  return out;
}

std::string BpeTokenizer::label(int id) const {
  if (id == end_of_text_) return tokens_.at(static_cast<size_t>(id));
  const std::string bytes = token_bytes(id);
  std::string out;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(bytes.data());
  for (size_t i = 0; i < bytes.size();) {
    utf8proc_int32_t c = 0;
    const auto n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(bytes.size() - i), &c);
    if (n > 0) {
      out += utf8::visible(bytes.substr(i, static_cast<size_t>(n)));
      i += static_cast<size_t>(n);
    } else {  // a byte of a character split across tokens (GPT-2 splits ə into two)
      char hex[16];
      std::snprintf(hex, sizeof hex, "⟨%02X⟩", static_cast<unsigned char>(bytes[i]));
      out += hex;
      ++i;
    }
  }
  return out;
}

}  // namespace attnviz
