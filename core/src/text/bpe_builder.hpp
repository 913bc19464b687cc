// Building a BpeTokenizer's tables from a vocabulary and merges, whichever file layout holds
// them (private header: bpe.cpp's vocab.json + merges.txt, tokenizer_json.cpp's tokenizer.json).
#pragma once

#include <algorithm>
#include <climits>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "attnviz/error.hpp"
#include "attnviz/text/bpe.hpp"
#include "attnviz/text/utf8.hpp"
#include "text/pipeline.hpp"

namespace attnviz {

// A 50 000-entry vocabulary wants the hashed object type, not the order-keeping one.
using Json = nlohmann::json;

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

  // Every byte's token: a byte-level BPE's pieces start from them.
  void bytes() {
    for (int b = 0; b < 256; ++b) {
      if (t_.tokens_.find(byte_chars()[static_cast<size_t>(b)]) >= 0) continue;
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", b);
      fail(Err::BpeByteMissing, {hex});
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
    merge_pair(line.substr(0, space), line.substr(space + 1), line_number);
  }

  // One merge given as its two halves (tokenizer.json's [a, b], whose halves may hold spaces).
  // With a continuing-subword prefix ("##"), "a ##b" makes "ab", as the library joins them.
  void merge_pair(std::string_view left, std::string_view right, size_t line_number) {
    const std::string_view tail =
        !continuing_prefix.empty() && right.substr(0, continuing_prefix.size()) == continuing_prefix
            ? right.substr(continuing_prefix.size())
            : right;
    joined_.assign(left).append(tail);
    const int merged = t_.tokens_.find(joined_);
    if (merged < 0) {
      fail(Err::BpeMergeUnknown,
           {std::to_string(line_number), utf8::truncate_to_width(joined_, 40)});
    }
    const int l = t_.tokens_.find(left), r = t_.tokens_.find(right);
    if (l >= 0 && r >= 0) t_.merges_.insert(l, r, {rank_, merged});
    ++rank_;
  }

  // The token table from each id's text; false if two ids share a text.
  bool table(const std::vector<std::string_view>& texts) {
    t_.tokens_.resize(texts.size());
    for (size_t id = 0; id < texts.size(); ++id) t_.tokens_.set(static_cast<int>(id), texts[id]);
    return t_.tokens_.index();
  }

  // SentencePiece's merges from the table's scores (one per token): every way of writing a token
  // as two tokens, ranked by the token's score, the best first; equal scores share a rank, so
  // the leftmost of those pairs merges first (llama.cpp's llm_tokenizer_spm).
  void score_merges(const std::vector<float>& scores) {
    std::vector<float> sorted(scores);
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    for (int id = 0; id < t_.tokens_.size(); ++id) {
      const std::string_view text = t_.tokens_.at(id);
      const auto rank =
          static_cast<int>(std::lower_bound(sorted.begin(), sorted.end(),
                                            scores[static_cast<size_t>(id)], std::greater<>()) -
                           sorted.begin());
      for (size_t cut = 1; cut < text.size(); ++cut) {
        if ((static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) continue;  // inside a character
        const int left = t_.tokens_.find(text.substr(0, cut));
        const int right = t_.tokens_.find(text.substr(cut));
        if (left >= 0 && right >= 0) t_.merges_.insert(left, right, {rank, id});
      }
    }
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

  BpeTokenizer t_;                // what is built
  std::string continuing_prefix;  // the model's continuing_subword_prefix

 private:
  std::string name_;
  std::string joined_;
  int rank_ = 0;
};

// JSON text parsed, or Error naming the file.
Json parse_json(std::string_view text, const std::string& name);

}  // namespace attnviz
