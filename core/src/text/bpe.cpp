// GPT-2's byte-level BPE: every byte as one of 256 printable characters, then merges by rank, as
// encoder.py does (the pre-tokenization is gpt2_pieces.cpp's).
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

}  // namespace

namespace {

// vocab.json as nlohmann's parser reads it, event by event into a flat list, without building a
// document: 5 ms for GPT-2's 50 257 tokens instead of 30. It gives up (returns false) at anything
// but an object of token → whole number, and the document path then says what is wrong.
class VocabEvents : public nlohmann::json_sax<Json> {
 public:
  struct Entry {
    uint32_t offset, length;  // the token's text in `text`
    uint64_t id;
  };
  std::string text;
  std::vector<Entry> entries;

  bool start_object(std::size_t) override { return depth_++ == 0; }
  bool end_object() override { return --depth_ == 0; }
  bool key(string_t& k) override {
    if (text.size() + k.size() > UINT32_MAX) return false;
    key_ = {static_cast<uint32_t>(text.size()), static_cast<uint32_t>(k.size()), 0};
    text += k;
    return true;
  }
  bool number_unsigned(number_unsigned_t v) override { return value(v); }
  bool number_integer(number_integer_t v) override { return v >= 0 && value(uint64_t(v)); }
  bool number_float(number_float_t, const string_t&) override { return false; }
  bool null() override { return false; }
  bool boolean(bool) override { return false; }
  bool string(string_t&) override { return false; }
  bool binary(binary_t&) override { return false; }
  bool start_array(std::size_t) override { return false; }
  bool end_array() override { return false; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool value(uint64_t id) {
    if (depth_ != 1) return false;
    key_.id = id;
    entries.push_back(key_);
    return true;
  }
  int depth_ = 0;
  Entry key_{};
};

}  // namespace

// The vocabulary (token → id) and ranked merges shared by the two file layouts; checks that ids
// are 0 … n−1 once each, that every byte has a token and that every merge makes a token.
class BpeBuilder {
 public:
  explicit BpeBuilder(std::string name) : name_(std::move(name)) {}

  // vocab.json read by events; false if it is not a well-formed object of ids 0 … n−1, each once,
  // with distinct tokens (vocab() on the document then reports the problem).
  bool vocab_events(std::string_view json) {
    VocabEvents events;
    events.entries.reserve(json.size() / 12);
    if (!Json::sax_parse(json.begin(), json.end(), &events)) return false;
    const size_t n = events.entries.size();
    std::vector<char> seen(n);
    for (const VocabEvents::Entry& e : events.entries) {
      if (e.id >= n || seen[e.id]) return false;
      seen[e.id] = 1;
    }
    t_.tokens_.resize(n);
    for (const VocabEvents::Entry& e : events.entries) {
      t_.tokens_.set(static_cast<int>(e.id),
                     std::string_view(events.text).substr(e.offset, e.length));
    }
    return t_.tokens_.index();
  }

  void vocab(const Json& doc, const std::string& where) {
    if (!doc.is_object()) fail(Err::BpeVocabNotObject, {where});
    std::vector<const std::string*> tokens(doc.size());
    for (const auto& [token, id] : doc.items()) {
      if (!id.is_number_integer() || id.get<int64_t>() < 0 ||
          id.get<int64_t>() >= static_cast<int64_t>(doc.size())) {
        fail(Err::BpeBadId,
             {utf8::truncate_to_width(token, 40), id.dump(), std::to_string(doc.size() - 1)});
      }
      auto& slot = tokens[static_cast<size_t>(id.get<int64_t>())];
      if (slot != nullptr) {
        fail(Err::BpeDuplicateId,
             {id.dump(), utf8::truncate_to_width(*slot, 40), utf8::truncate_to_width(token, 40)});
      }
      slot = &token;
    }
    t_.tokens_.resize(tokens.size());
    for (size_t id = 0; id < tokens.size(); ++id) t_.tokens_.set(static_cast<int>(id), *tokens[id]);
    t_.tokens_.index();  // an object's keys are distinct
  }

  // Every byte's token, which each piece starts from.
  void bytes() {
    for (int b = 0; b < 256; ++b) {
      const int id = t_.tokens_.find(byte_chars()[static_cast<size_t>(b)]);
      if (id < 0) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", b);
        fail(Err::BpeByteMissing, {hex});
      }
      t_.byte_ids_[static_cast<size_t>(b)] = id;
    }
  }

  // One merge: "a b", whose result "ab" must be a token. A pair whose halves are not both tokens
  // can never be formed, so only its rank is used up.
  void merge(std::string_view line, size_t line_number) {
    const size_t space = line.find(' ');
    if (space == std::string_view::npos || space == 0 || space + 1 == line.size() ||
        line.find(' ', space + 1) != std::string_view::npos) {
      fail(Err::BpeMergeLine,
           {std::to_string(line_number), utf8::truncate_to_width(utf8::one_line(line), 40)});
    }
    const std::string_view left = line.substr(0, space), right = line.substr(space + 1);
    joined_.assign(left).append(right);
    const int merged = t_.tokens_.find(joined_);
    if (merged < 0) {
      fail(Err::BpeMergeUnknown,
           {std::to_string(line_number), utf8::truncate_to_width(joined_, 40)});
    }
    const int l = t_.tokens_.find(left), r = t_.tokens_.find(right);
    if (l >= 0 && r >= 0) t_.merges_.insert(l, r, {rank_, merged});
    ++rank_;
  }

  void merges_text(std::string_view text) {
    utf8::validate(text, name_);
    t_.merges_.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
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

  // The file later errors name (the merges' after the vocabulary's).
  void rename(std::string name) { name_ = std::move(name); }

  BpeTokenizer t_;  // what is built

 private:
  std::string name_;
  std::string joined_;
  int rank_ = 0;
};

namespace {

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
  BpeBuilder b(vocab_name);
  if (!b.vocab_events(vocab_json)) b.vocab(parse(vocab_json, vocab_name), vocab_name);
  b.bytes();
  b.rename(merges_name);
  b.merges_text(merges);
  BpeTokenizer t = std::move(b.t_);
  t.end_of_text_ = t.tokens_.find(kEndOfText);
  return t;
}

BpeTokenizer BpeTokenizer::from_tokenizer_json(std::string_view text, const std::string& name) {
  const Json doc = parse(text, name);
  BpeBuilder b(name);
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
  b.bytes();
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
  BpeTokenizer t = std::move(b.t_);
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
  if (t.end_of_text_ < 0) t.end_of_text_ = t.tokens_.find(kEndOfText);
  return t;
}

std::vector<int> BpeTokenizer::merge(std::string_view piece) const {
  std::vector<int> word;  // the piece's symbols as token ids, one per byte to begin with
  for (const char byte : piece) word.push_back(byte_ids_[static_cast<unsigned char>(byte)]);
  while (word.size() > 1) {
    const MergeTable::Merge* best = nullptr;
    size_t at = 0;
    for (size_t i = 0; i + 1 < word.size(); ++i) {
      const MergeTable::Merge* m = merges_.find(word[i], word[i + 1]);
      if (m != nullptr && (best == nullptr || m->rank < best->rank)) best = m, at = i;
    }
    if (best == nullptr) break;
    // Every occurrence of the best pair, left to right, as encoder.py's bpe() merges them.
    const int first = word[at], second = word[at + 1];
    size_t out = 0;
    for (size_t i = 0; i < word.size(); ++i) {
      if (i + 1 < word.size() && word[i] == first && word[i + 1] == second) {
        word[out++] = best->merged;
        ++i;
      } else {
        word[out++] = word[i];
      }
    }
    word.resize(out);
  }
  return word;
}

std::vector<int> BpeTokenizer::encode(std::string_view text) const {
  std::vector<int> ids;
  // Pieces repeat ("␣the"): each is merged once per call. The cache belongs to the call, so one
  // tokenizer serves any number of threads at once.
  std::unordered_map<std::string_view, std::vector<int>> merged;
  const auto encode_plain = [&](std::string_view part) {
    for (const std::string_view piece : gpt2_pieces(part)) {
      auto at = merged.find(piece);
      if (at == merged.end()) at = merged.emplace(piece, merge(piece)).first;
      const std::vector<int>& piece_ids = at->second;
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
  const std::string_view token = tokens_.at(id);
  if (id == end_of_text_) return std::string(token);
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
  if (id == end_of_text_) return std::string(tokens_.at(id));
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
