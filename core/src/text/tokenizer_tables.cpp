// A tokenizer from tables (GGUF's tokenizer.ggml.*), run as llama.cpp's llama-vocab.cpp runs it,
// on the same pipeline as tokenizer.json's: its special tokens found in the text first; then
// SentencePiece (spaces as ▁, one before each piece of text when add_space_prefix, the pair whose
// joined text is the best-scored token merged first, leftmost among equals, a character outside
// the vocabulary as its bytes' <0xXX> tokens) or byte-level BPE (llama.cpp's patterns for the
// pre-tokenizer the file names, each splitting the last one's pieces, then ranked merges).
#include <algorithm>
#include <map>

#include "attnviz/text/bpe.hpp"
#include "attnviz/text/utf8.hpp"
#include "text/bpe_builder.hpp"
#include "text/pipeline.hpp"

namespace attnviz {
namespace {

// llama.cpp's patterns (llm_tokenizer_bpe), by the pre-tokenizer names that choose them.
constexpr const char* kGpt2 =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
constexpr const char* kLlama3 =
    "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
    "\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
constexpr const char* kQwen2 =
    "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
    "\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

struct PreTokenizer {
  std::vector<const char*> names;
  std::vector<const char*> patterns;
  bool ignore_merges = false, add_bos = false;
};

const std::vector<PreTokenizer>& pre_tokenizers() {
  static const std::vector<PreTokenizer> kAll = {
      {{"default"},
       {"[\\p{P}\\$\\+<=>\\^~\\|]+", kGpt2, "\\p{N}+", "[0-9][0-9][0-9]"},
       false,
       false},
      {{"llama3", "llama-v3", "llama-bpe", "falcon3", "pixtral"}, {kLlama3}, true, true},
      {{"gpt-2", "phi-2"}, {kGpt2}, false, false},
      {{"qwen2", "deepseek-r1-qwen"}, {kQwen2}, false, false},
      {{"smollm", "starcoder", "refact", "command-r", "codeshell"},
       {"\\p{N}", kGpt2},
       false,
       false},
  };
  return kAll;
}

std::string known_names() {
  std::string all;
  for (const PreTokenizer& p : pre_tokenizers()) {
    for (const char* n : p.names) all += (all.empty() ? "" : ", ") + std::string(n);
  }
  return all;
}

DecodeStep decode_step(DecodeStep::Kind kind) {
  DecodeStep d;
  d.kind = kind;
  return d;
}

}  // namespace

BpeTokenizer BpeTokenizer::from_tables(const TokenizerTables& tables, const std::string& name) {
  BpeBuilder b(name);
  const size_t n = tables.tokens.size();
  const bool spm = tables.model == TokenizerTables::Model::SentencePiece;
  if (n == 0) b.fail(Err::TokenizerTablesEmpty, {});
  if (tables.types.size() != n || (spm && tables.scores.size() != n)) {
    b.fail(Err::TokenizerTablesLength,
           {std::to_string(n), std::to_string(spm ? tables.scores.size() : n),
            std::to_string(tables.types.size())});
  }
  for (const std::string_view token : tables.tokens) utf8::validate(token, name);
  if (!b.table(tables.tokens)) {
    // The table is indexed up to the first text given twice, which finds its earlier id.
    for (size_t id = 0; id < n; ++id) {
      const int first = b.t_.tokens_.find(tables.tokens[id]);
      if (first >= 0 && static_cast<size_t>(first) != id) {
        b.fail(Err::TokenizerTablesTwice,
               {utf8::quoted(tables.tokens[id]), std::to_string(first), std::to_string(id)});
      }
    }
  }
  for (const int id : {tables.bos, tables.eos, tables.unk}) {
    if (id >= static_cast<int>(n)) {
      b.fail(Err::TokenizerIdMissing, {std::to_string(id), std::to_string(n - 1)});
    }
  }
  auto p = std::make_shared<Pipeline>();
  BpeModel& m = p->model;
  m.fallback.fill(-1);
  bool add_bos = spm;
  if (spm) {
    b.score_merges(tables.scores);
    m.byte_fallback = true;
    m.unk = tables.unk;
    for (int byte = 0; byte < 256; ++byte) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "<0x%02X>", byte);
      m.fallback[static_cast<size_t>(byte)] = b.t_.tokens_.find(hex);
    }
    NormalizeStep prepend, spaces;
    prepend.kind = NormalizeStep::Kind::Prepend;
    prepend.content = "▁";
    spaces.kind = NormalizeStep::Kind::Replace;
    spaces.pattern.literal = " ";
    spaces.content = "▁";
    const bool space_prefix = tables.add_space_prefix.value_or(true);
    if (space_prefix) p->normalizer.push_back(prepend);
    p->normalizer.push_back(spaces);
    DecodeStep words = decode_step(DecodeStep::Kind::Replace);
    words.pattern.literal = "▁";
    words.content = " ";
    p->decoder = {words, decode_step(DecodeStep::Kind::ByteFallback),
                  decode_step(DecodeStep::Kind::Fuse)};
    if (space_prefix) {
      DecodeStep strip = decode_step(DecodeStep::Kind::Strip);
      strip.content = " ";
      strip.start = 1;
      p->decoder.push_back(strip);
    }
  } else {
    const PreTokenizer* pre = nullptr;
    for (const PreTokenizer& candidate : pre_tokenizers()) {
      for (const char* n2 : candidate.names) {
        if (tables.pre == n2) pre = &candidate;
      }
    }
    if (pre == nullptr) {
      b.fail(Err::TokenizerPreUnknown, {utf8::quoted(tables.pre), known_names()});
    }
    for (const char* pattern : pre->patterns) {
      PreTokenizeStep split;
      split.kind = PreTokenizeStep::Kind::Split;
      split.pattern.regex = std::make_shared<Regex>(pattern, name);
      split.behavior = SplitBehavior::Isolated;
      p->pre_tokenizer.push_back(split);
    }
    PreTokenizeStep bytes;
    bytes.kind = PreTokenizeStep::Kind::ByteLevel;
    bytes.use_regex = false;
    p->pre_tokenizer.push_back(bytes);
    p->decoder.push_back(decode_step(DecodeStep::Kind::ByteLevel));
    m.ignore_merges = pre->ignore_merges;
    add_bos = pre->add_bos;
    for (size_t line = 0; line < tables.merges.size(); ++line)
      b.merge(tables.merges[line], line + 1);
  }
  BpeTokenizer t = std::move(b.t_);
  for (size_t id = 0; id < n; ++id) {
    const int type = tables.types[id];
    if (type != 2 && type != 3 && type != 4) continue;  // unknown, control, user-defined
    AddedToken a;
    a.id = static_cast<int>(id);
    a.content = std::string(tables.tokens[id]);
    a.special = type != 4;
    if (!a.content.empty()) p->added.push_back(std::move(a));
  }
  if (tables.add_bos.value_or(add_bos) && tables.bos >= 0) p->prefix.push_back(tables.bos);
  if (tables.add_eos.value_or(false) && tables.eos >= 0) p->suffix.push_back(tables.eos);
  t.bos_ = tables.bos;
  p->index_added();
  t.end_of_text_ = t.tokens_.find("<|endoftext|>");
  t.pipeline_ = std::move(p);
  return t;
}

}  // namespace attnviz
