// A BPE tokenizer's encoding and decoding: added tokens found in the text, the pipeline's steps
// around them, and the model's merges by rank, as the tokenizers library's BPE does them.
#include "attnviz/text/bpe.hpp"

#include <utf8proc.h>

#include <queue>

#include "io/parse_error.hpp"
#include "text/bpe_builder.hpp"

namespace attnviz {

Json parse_json(std::string_view text, const std::string& name) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    throw Error(Err::NotJson, {name, parse_error_detail(e)});
  }
}

namespace {

constexpr std::string_view kEndOfText = "<|endoftext|>";

// A stretch of the text: an added token (its index in Pipeline::added), or text for the model.
struct Segment {
  size_t begin, end;
  int added = -1;
};

bool is_word_char(char32_t c) {
  const auto k = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return c == '_' || (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO) ||
         (k >= UTF8PROC_CATEGORY_ND && k <= UTF8PROC_CATEGORY_NO);
}

bool is_space_byte(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The code point that ends just before `at`, and the one that starts at `at` (0 at the ends).
char32_t before(std::string_view text, size_t at) {
  if (at == 0) return 0;
  size_t b = at - 1;
  while (b > 0 && (static_cast<unsigned char>(text[b]) & 0xC0) == 0x80) --b;
  return utf8::code_points(text.substr(b, at - b)).front();
}
char32_t after(std::string_view text, size_t at) {
  if (at >= text.size()) return 0;
  size_t e = at + 1;
  while (e < text.size() && (static_cast<unsigned char>(text[e]) & 0xC0) == 0x80) ++e;
  return utf8::code_points(text.substr(at, e - at)).front();
}

// `text` cut at the added tokens whose `normalized` flag is `normalized`: leftmost first, the
// longest where several begin at one place (the library's leftmost-longest match); lstrip and
// rstrip take the spaces beside a token with it, single_word wants no word character beside it.
std::vector<Segment> split_added(std::string_view text, const Pipeline& p, bool normalized) {
  const std::vector<AddedToken>& added = p.added;
  std::vector<Segment> out;
  size_t start = 0;
  for (size_t i = 0; i < text.size();) {
    int found = -1;
    for (const int a : p.added_by_first[static_cast<unsigned char>(text[i])]) {  // longest first
      const AddedToken& t = added[static_cast<size_t>(a)];
      if (t.normalized != normalized || t.content.empty() ||
          text.compare(i, t.content.size(), t.content) != 0) {
        continue;
      }
      if (t.single_word &&
          (is_word_char(before(text, i)) || is_word_char(after(text, i + t.content.size())))) {
        continue;
      }
      found = a;
      break;
    }
    if (found < 0) {
      ++i;
      continue;
    }
    const AddedToken& t = added[static_cast<size_t>(found)];
    size_t b = i, e = i + t.content.size();
    if (t.lstrip) {
      while (b > start && is_space_byte(text[b - 1])) --b;
    }
    if (t.rstrip) {
      while (e < text.size() && is_space_byte(text[e])) ++e;
    }
    if (b > start) out.push_back({start, b});
    out.push_back({b, e, found});
    start = i = e;
  }
  if (start < text.size()) out.push_back({start, text.size()});
  return out;
}

// One symbol of a word being merged: a token, linked to its neighbours.
struct Symbol {
  int id;
  int prev, next;  // indices, -1 at the ends
  bool alive;
};

// A pair that may merge: lower rank first, then the leftmost (the library's Merge ordering).
struct Candidate {
  int rank, pos, merged;
  bool operator<(const Candidate& o) const {
    return rank != o.rank ? rank > o.rank : pos > o.pos;  // std::priority_queue is a max-heap
  }
};

}  // namespace

std::vector<int> BpeTokenizer::merge(std::string_view piece) const {
  const BpeModel& m = pipeline_->model;
  if (m.ignore_merges) {
    if (const int id = tokens_.find(piece); id >= 0) return {id};
  }
  // The piece's characters as tokens (with the prefix after the first, the suffix on the last).
  std::vector<Symbol> word;
  const std::vector<char32_t> chars = utf8::code_points(piece);
  std::string s;
  for (size_t i = 0; i < chars.size(); ++i) {
    const std::string c = utf8::encode(chars[i]);
    s = (i > 0 ? m.continuing_subword_prefix : "") + c +
        (i + 1 == chars.size() ? m.end_of_word_suffix : "");
    int id = tokens_.find(s);
    const auto push = [&](int token) {
      word.push_back({token, static_cast<int>(word.size()) - 1, -1, true});
    };
    if (id >= 0) {
      push(id);
      continue;
    }
    if (m.byte_fallback) {  // <0xXX> for each byte, if all of them are tokens
      bool all = true;
      for (const char b : c) all = all && m.fallback[static_cast<unsigned char>(b)] >= 0;
      if (all) {
        for (const char b : c) push(m.fallback[static_cast<unsigned char>(b)]);
        continue;
      }
    }
    if (m.unk < 0) continue;  // no unknown token: the character is dropped, as the library does
    if (m.fuse_unk && !word.empty() && word.back().id == m.unk) continue;
    push(m.unk);
  }
  for (size_t i = 0; i + 1 < word.size(); ++i) word[i].next = static_cast<int>(i + 1);
  std::priority_queue<Candidate> queue;
  const auto consider = [&](int pos) {
    const int next = word[static_cast<size_t>(pos)].next;
    if (next < 0) return;
    if (const MergeTable::Merge* mg =
            merges_.find(word[static_cast<size_t>(pos)].id, word[static_cast<size_t>(next)].id)) {
      queue.push({mg->rank, pos, mg->merged});
    }
  };
  for (size_t i = 0; i + 1 < word.size(); ++i) consider(static_cast<int>(i));
  while (!queue.empty()) {
    const Candidate top = queue.top();
    queue.pop();
    Symbol& left = word[static_cast<size_t>(top.pos)];
    if (!left.alive || left.next < 0) continue;
    Symbol& right = word[static_cast<size_t>(left.next)];
    const MergeTable::Merge* now = merges_.find(left.id, right.id);
    if (now == nullptr || now->merged != top.merged || now->rank != top.rank) continue;  // stale
    left.id = top.merged;
    right.alive = false;
    left.next = right.next;
    if (right.next >= 0) word[static_cast<size_t>(right.next)].prev = top.pos;
    if (left.prev >= 0) consider(left.prev);
    consider(top.pos);
  }
  std::vector<int> ids;
  for (const Symbol& sym : word) {
    if (sym.alive) ids.push_back(sym.id);
  }
  return ids;
}

void BpeTokenizer::encode_segment(const std::string& text, bool first, std::vector<int>& ids,
                                  std::unordered_map<std::string, std::vector<int>>& cache) const {
  const Pipeline& p = *pipeline_;
  const std::string normalized = normalize(p.normalizer, text);
  for (const Segment& s : split_added(normalized, p, true)) {
    if (s.added >= 0) {
      ids.push_back(p.added[static_cast<size_t>(s.added)].id);
      continue;
    }
    const Piece whole{normalized.substr(s.begin, s.end - s.begin), first && s.begin == 0};
    for (const Piece& piece : pre_tokenize(p.pre_tokenizer, {whole})) {
      auto at = cache.find(piece.text);
      if (at == cache.end()) at = cache.emplace(piece.text, merge(piece.text)).first;
      ids.insert(ids.end(), at->second.begin(), at->second.end());
    }
  }
}

std::vector<int> BpeTokenizer::encode(std::string_view text) const {
  std::vector<int> ids;
  // Pieces repeat ("␣the"): each is merged once per call. The cache belongs to the call, so one
  // tokenizer serves any number of threads at once.
  std::unordered_map<std::string, std::vector<int>> cache;
  for (const Segment& s : split_added(text, *pipeline_, false)) {
    if (s.added >= 0) {
      ids.push_back(pipeline_->added[static_cast<size_t>(s.added)].id);
    } else {
      encode_segment(std::string(text.substr(s.begin, s.end - s.begin)), s.begin == 0, ids, cache);
    }
  }
  return ids;
}

std::vector<int> BpeTokenizer::with_specials(std::vector<int> ids) const {
  ids.insert(ids.begin(), pipeline_->prefix.begin(), pipeline_->prefix.end());
  ids.insert(ids.end(), pipeline_->suffix.begin(), pipeline_->suffix.end());
  return ids;
}

bool BpeTokenizer::only_added_from(int id) const {
  for (int i = std::max(id, 0); i < size(); ++i) {
    if (pipeline_->added_of_id.count(i) == 0) return false;
  }
  return true;
}

int BpeTokenizer::begin_of_text() const {
  if (!pipeline_->prefix.empty()) return pipeline_->prefix.front();
  return bos_ >= 0 ? bos_ : end_of_text_;
}

std::string BpeTokenizer::decode(const std::vector<int>& ids) const {
  std::vector<std::string> tokens;
  for (const int id : ids) tokens.emplace_back(tokens_.at(id));
  return decode_tokens(pipeline_->decoder, std::move(tokens));
}

std::string BpeTokenizer::label(int id) const {
  if (const auto a = pipeline_->added_of_id.find(id); a != pipeline_->added_of_id.end()) {
    return utf8::visible(pipeline_->added[static_cast<size_t>(a->second)].content);
  }
  const std::string bytes = decode_tokens(pipeline_->decoder, {std::string(tokens_.at(id))}, true);
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

BpeTokenizer BpeTokenizer::from_files(std::string_view vocab_json, std::string_view merges,
                                      const std::string& vocab_name,
                                      const std::string& merges_name) {
  BpeBuilder b(vocab_name);
  if (!b.vocab_events(vocab_json)) b.vocab(parse_json(vocab_json, vocab_name), vocab_name);
  b.bytes();
  b.rename(merges_name);
  b.merges_text(merges);
  BpeTokenizer t = std::move(b.t_);
  // GPT-2's pipeline: its pattern and byte-level alphabet, <|endoftext|> written in a text is
  // that token (as Hugging Face's GPT2Tokenizer has it).
  auto p = std::make_shared<Pipeline>();
  PreTokenizeStep byte_level;
  byte_level.kind = PreTokenizeStep::Kind::ByteLevel;
  p->pre_tokenizer.push_back(byte_level);
  DecodeStep bytes;
  bytes.kind = DecodeStep::Kind::ByteLevel;
  p->decoder.push_back(bytes);
  p->model.fallback.fill(-1);
  t.end_of_text_ = t.tokens_.find(kEndOfText);
  if (t.end_of_text_ >= 0) {
    AddedToken eot;
    eot.id = t.end_of_text_;
    eot.content = std::string(kEndOfText);
    eot.special = true;
    p->added.push_back(eot);
  }
  p->index_added();
  t.pipeline_ = std::move(p);
  return t;
}

}  // namespace attnviz
