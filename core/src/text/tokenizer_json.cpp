// Hugging Face's tokenizer.json read into a BpeTokenizer: the vocabulary and merges, the added
// tokens, and each step of the pipeline, every field checked; a step attnviz does not compute is
// refused by name.
#include <set>
#include <unordered_map>

#include "io/parse_error.hpp"
#include "text/bpe_builder.hpp"
#include "text/tokenizer_events.hpp"

namespace attnviz {
namespace {

const char* const kNormalizers =
    "NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Replace, Prepend and Sequence";
const char* const kPreTokenizers =
    "ByteLevel, Split, Metaspace, Digits, Punctuation, Whitespace, WhitespaceSplit, "
    "CharDelimiterSplit and Sequence";
const char* const kDecoders =
    "ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace and Sequence";
const char* const kProcessors =
    "TemplateProcessing, ByteLevel, RobertaProcessing, BertProcessing and Sequence";

// o[key], or null when o has no such key.
const Json& member(const Json& o, const char* key) {
  static const Json kNull;
  return o.is_object() && o.contains(key) ? o.at(key) : kNull;
}

class Reader {
 public:
  explicit Reader(std::string name) : name_(std::move(name)) {}

  [[noreturn]] void fail(Err id, std::vector<Words> args) const {
    throw Error(Err::InFile, {name_, Words(id, std::move(args))});
  }
  [[noreturn]] void wrong(const std::string& where, const Json& found, Words expected) const {
    throw Error(Err::ConfigField,
                {name_, where, utf8::truncate_to_width(found.dump(), 30), std::move(expected)});
  }

  const Json& object(const Json& v, const std::string& where) const {
    if (!v.is_object()) wrong(where, v, Words(Err::ExpectObject, {}));
    return v;
  }
  const Json& array(const Json& v, const std::string& where) const {
    if (!v.is_array()) wrong(where, v, Words(Err::ExpectArray, {}));
    return v;
  }
  std::string text(const Json& o, const char* key, const std::string& where,
                   std::optional<std::string> absent = std::nullopt) const {
    if (!o.contains(key) || o.at(key).is_null()) {
      if (absent) return *absent;
      fail(Err::MissingSetting, {utf8::quoted(where + "." + key)});
    }
    if (!o.at(key).is_string()) wrong(where + "." + key, o.at(key), Words(Err::ExpectString, {}));
    return o.at(key).get<std::string>();
  }
  bool flag(const Json& o, const char* key, const std::string& where, bool absent) const {
    if (!o.contains(key) || o.at(key).is_null()) return absent;
    if (!o.at(key).is_boolean()) wrong(where + "." + key, o.at(key), Words(Err::ExpectBoolean, {}));
    return o.at(key).get<bool>();
  }
  int64_t integer(const Json& o, const char* key, const std::string& where, int64_t min,
                  int64_t max) const {
    if (!o.contains(key)) fail(Err::MissingSetting, {utf8::quoted(where + "." + key)});
    const Json& v = o.at(key);
    if (!v.is_number_integer() || v.get<int64_t>() < min || v.get<int64_t>() > max) {
      wrong(where + "." + key, v,
            Words(Err::ExpectInteger, {std::to_string(min), std::to_string(max)}));
    }
    return v.get<int64_t>();
  }
  std::string type(const Json& o, const std::string& where) const {
    return text(object(o, where), "type", where);
  }
  // {"String": s} or {"Regex": r}.
  Pattern pattern(const Json& o, const std::string& where) const {
    object(o, where);
    Pattern p;
    if (o.contains("String") && o.at("String").is_string()) {
      p.literal = o.at("String").get<std::string>();
    } else if (o.contains("Regex") && o.at("Regex").is_string()) {
      p.regex = std::make_shared<Regex>(o.at("Regex").get<std::string>(), name_ + ": " + where);
    } else {
      wrong(where, o, Words(Err::ExpectPattern, {}));
    }
    return p;
  }
  SplitBehavior behavior(const Json& o, const std::string& where) const {
    const std::string b = text(o, "behavior", where, "Isolated");
    static const std::pair<const char*, SplitBehavior> kNames[] = {
        {"Removed", SplitBehavior::Removed},
        {"Isolated", SplitBehavior::Isolated},
        {"MergedWithPrevious", SplitBehavior::MergedWithPrevious},
        {"MergedWithNext", SplitBehavior::MergedWithNext},
        {"Contiguous", SplitBehavior::Contiguous}};
    for (const auto& [n, v] : kNames) {
      if (b == n) return v;
    }
    wrong(where + ".behavior", o.at("behavior"), Words(Err::ExpectBehavior, {}));
  }
  // f(item, where) for each item of the array o[key] (a Sequence's steps).
  template <class F>
  void each_of(const Json& o, const char* key, const std::string& where, F f) const {
    const std::string at = where + "." + key;
    const Json& list = array(member(o, key), at);
    for (size_t i = 0; i < list.size(); ++i) f(list[i], at + "[" + std::to_string(i) + "]");
  }

  [[noreturn]] void unsupported(const char* what, const std::string& type,
                                const char* known) const {
    fail(Err::TokenizerStepUnsupported, {what, utf8::truncate_to_width(type, 30), known});
  }

  void normalizer(const Json& o, const std::string& where, std::vector<NormalizeStep>& out) const {
    if (o.is_null()) return;
    const std::string t = type(o, where);
    using Kind = NormalizeStep::Kind;
    NormalizeStep s;
    if (t == "Sequence") {
      each_of(o, "normalizers", where,
              [&](const Json& item, const std::string& at) { normalizer(item, at, out); });
      return;
    }
    if (t == "NFC") {
      s.kind = Kind::Nfc;
    } else if (t == "NFD") {
      s.kind = Kind::Nfd;
    } else if (t == "NFKC") {
      s.kind = Kind::Nfkc;
    } else if (t == "NFKD") {
      s.kind = Kind::Nfkd;
    } else if (t == "Lowercase") {
      s.kind = Kind::Lowercase;
    } else if (t == "StripAccents") {
      s.kind = Kind::StripAccents;
    } else if (t == "Strip") {
      s.kind = Kind::Strip;
      s.left = flag(o, "strip_left", where, true);
      s.right = flag(o, "strip_right", where, true);
    } else if (t == "Replace") {
      s.kind = Kind::Replace;
      s.pattern = pattern(member(o, "pattern"), where + ".pattern");
      s.content = text(o, "content", where);
    } else if (t == "Prepend") {
      s.kind = Kind::Prepend;
      s.content = text(o, "prepend", where);
    } else {
      unsupported("normalizer", t, kNormalizers);
    }
    out.push_back(std::move(s));
  }

  void pre_tokenizer(const Json& o, const std::string& where,
                     std::vector<PreTokenizeStep>& out) const {
    if (o.is_null()) return;
    const std::string t = type(o, where);
    using Kind = PreTokenizeStep::Kind;
    PreTokenizeStep s;
    if (t == "Sequence") {
      each_of(o, "pretokenizers", where,
              [&](const Json& item, const std::string& at) { pre_tokenizer(item, at, out); });
      return;
    }
    if (t == "ByteLevel") {
      s.kind = Kind::ByteLevel;
      s.add_prefix_space = flag(o, "add_prefix_space", where, true);
      s.use_regex = flag(o, "use_regex", where, true);
    } else if (t == "Split") {
      s.kind = Kind::Split;
      s.pattern = pattern(member(o, "pattern"), where + ".pattern");
      s.behavior = behavior(o, where);
      s.invert = flag(o, "invert", where, false);
    } else if (t == "Metaspace") {
      s.kind = Kind::Metaspace;
      s.replacement = text(o, "replacement", where, "\xE2\x96\x81");
      s.split = flag(o, "split", where, true);
      s.prepend = metaspace_prepend(o, where);
    } else if (t == "Digits") {
      s.kind = Kind::Digits;
      s.individual_digits = flag(o, "individual_digits", where, false);
    } else if (t == "Punctuation") {
      s.kind = Kind::Punctuation;
      s.behavior = behavior(o, where);
    } else if (t == "Whitespace") {
      s.kind = Kind::Whitespace;
      s.pattern.regex = std::make_shared<Regex>("\\w+|[^\\w\\s]+", where);
    } else if (t == "WhitespaceSplit") {
      s.kind = Kind::WhitespaceSplit;
    } else if (t == "CharDelimiterSplit") {
      s.kind = Kind::Split;
      s.pattern.literal = text(o, "delimiter", where);
      s.behavior = SplitBehavior::Removed;
    } else {
      unsupported("pre-tokenizer", t, kPreTokenizers);
    }
    out.push_back(std::move(s));
  }

  // prepend_scheme, or the older add_prefix_space.
  PreTokenizeStep::Prepend metaspace_prepend(const Json& o, const std::string& where) const {
    using P = PreTokenizeStep::Prepend;
    if (o.contains("prepend_scheme") && !o.at("prepend_scheme").is_null()) {
      const std::string p = text(o, "prepend_scheme", where);
      if (p == "always") return P::Always;
      if (p == "first") return P::First;
      if (p == "never") return P::Never;
      wrong(where + ".prepend_scheme", o.at("prepend_scheme"), Words(Err::ExpectPrepend, {}));
    }
    return flag(o, "add_prefix_space", where, true) ? P::Always : P::Never;
  }

  void decoder(const Json& o, const std::string& where, std::vector<DecodeStep>& out) const {
    if (o.is_null()) return;
    const std::string t = type(o, where);
    using Kind = DecodeStep::Kind;
    DecodeStep s;
    if (t == "Sequence") {
      each_of(o, "decoders", where,
              [&](const Json& item, const std::string& at) { decoder(item, at, out); });
      return;
    }
    if (t == "ByteLevel") {
      s.kind = Kind::ByteLevel;
    } else if (t == "Replace") {
      s.kind = Kind::Replace;
      s.pattern = pattern(member(o, "pattern"), where + ".pattern");
      s.content = text(o, "content", where);
    } else if (t == "ByteFallback") {
      s.kind = Kind::ByteFallback;
    } else if (t == "Fuse") {
      s.kind = Kind::Fuse;
    } else if (t == "Strip") {
      s.kind = Kind::Strip;
      s.content = text(o, "content", where);
      if (utf8::code_points(s.content).size() != 1) {
        wrong(where + ".content", o.at("content"), Words(Err::ExpectOneCharacter, {}));
      }
      s.start = static_cast<size_t>(integer(o, "start", where, 0, 1 << 20));
      s.stop = static_cast<size_t>(integer(o, "stop", where, 0, 1 << 20));
    } else if (t == "Metaspace") {
      s.kind = Kind::Metaspace;
      s.replacement = text(o, "replacement", where, "\xE2\x96\x81");
      s.prepend = metaspace_prepend(o, where) != PreTokenizeStep::Prepend::Never;
    } else {
      unsupported("decoder", t, kDecoders);
    }
    out.push_back(std::move(s));
  }

  // The special tokens the post-processor puts around a single text.
  void post_processor(const Json& o, const std::string& where, const TokenTable& tokens,
                      Pipeline& p) const {
    if (o.is_null()) return;
    const std::string t = type(o, where);
    if (t == "Sequence") {
      each_of(o, "processors", where, [&](const Json& item, const std::string& at) {
        post_processor(item, at, tokens, p);
      });
    } else if (t == "ByteLevel") {  // offsets only
    } else if (t == "RobertaProcessing" || t == "BertProcessing") {
      const auto special = [&](const char* key) {
        const Json& pair = array(member(o, key), where + "." + key);
        if (pair.size() != 2 || !pair[1].is_number_integer() || pair[1].get<int64_t>() < 0 ||
            pair[1].get<int64_t>() >= tokens.size()) {
          wrong(where + "." + key, pair, Words(Err::ExpectTokenPair, {}));
        }
        return static_cast<int>(pair[1].get<int64_t>());
      };
      p.prefix = {special("cls")};
      p.suffix = {special("sep")};
    } else if (t == "TemplateProcessing") {
      template_processing(o, where, tokens, p);
    } else {
      unsupported("post-processor", t, kProcessors);
    }
  }

  void template_processing(const Json& o, const std::string& where, const TokenTable& tokens,
                           Pipeline& p) const {
    const Json& single = array(member(o, "single"), where + ".single");
    const Json& specials = o.contains("special_tokens") ? o.at("special_tokens") : Json::object();
    object(specials, where + ".special_tokens");
    p.prefix.clear();
    p.suffix.clear();
    bool sequence = false;
    for (size_t i = 0; i < single.size(); ++i) {
      const std::string at = where + ".single[" + std::to_string(i) + "]";
      const Json& item = object(single[i], at);
      if (item.contains("Sequence")) {
        sequence = true;
        continue;
      }
      if (!item.contains("SpecialToken")) wrong(at, item, Words(Err::ExpectTemplateItem, {}));
      const std::string id = text(object(item.at("SpecialToken"), at), "id", at + ".SpecialToken");
      if (!specials.contains(id)) fail(Err::TokenizerUnknownToken, {where + ".single", id});
      const Json& ids =
          array(member(specials.at(id), "ids"), where + ".special_tokens." + id + ".ids");
      for (const Json& v : ids) {
        if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() >= tokens.size()) {
          wrong(where + ".special_tokens." + id + ".ids", v,
                Words(Err::ExpectInteger, {"0", std::to_string(tokens.size() - 1)}));
        }
        (sequence ? p.suffix : p.prefix).push_back(static_cast<int>(v.get<int64_t>()));
      }
    }
  }

 private:
  std::string name_;
};

// tokenizer_config.json's bos_token / eos_token: a string, or {"content": …}.
std::optional<std::string> special_of(const Json& config, const char* key) {
  if (!config.contains(key)) return std::nullopt;
  const Json& v = config.at(key);
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("content") && v.at("content").is_string())
    return v.at("content").get<std::string>();
  return std::nullopt;
}

// add_bos_token / add_eos_token, where given, decide whether the text begins with bos_token
// and ends with eos_token, whatever the post-processor's template says (transformers' Llama and
// Gemma tokenizers rebuild the template from them).
void apply_config(const Json& config, const Reader& r, const TokenTable& tokens, Pipeline& p) {
  const auto edge = [&](const char* flag, const char* token, std::vector<int>& ids, bool front) {
    if (!config.contains(flag) || !config.at(flag).is_boolean()) return;
    const auto content = special_of(config, token);
    const int id = content ? tokens.find(*content) : -1;
    if (id < 0) {
      if (config.at(flag).get<bool>() && content) {
        r.fail(Err::TokenizerUnknownToken, {token, utf8::truncate_to_width(*content, 30)});
      }
      return;
    }
    const bool has = !ids.empty() && (front ? ids.front() : ids.back()) == id;
    if (config.at(flag).get<bool>() && !has) ids.insert(front ? ids.begin() : ids.end(), id);
    if (!config.at(flag).get<bool>() && has) ids.erase(front ? ids.begin() : ids.end() - 1);
  };
  edge("add_bos_token", "bos_token", p.prefix, true);
  edge("add_eos_token", "eos_token", p.suffix, false);
}

}  // namespace

BpeTokenizer BpeTokenizer::from_tokenizer_json(std::string_view text, const std::string& name,
                                               std::optional<std::string_view> config,
                                               const std::string& config_name) {
  TokenizerEvents file;
  try {
    file = read_tokenizer_events(text);
  } catch (const Json::exception& e) {
    throw Error(Err::NotJson, {name, parse_error_detail(e)});
  }
  const Json& doc = file.doc;
  const Reader r(name);
  r.object(doc, "tokenizer.json");
  if (!doc.contains("model")) r.fail(Err::MissingSetting, {"\"model\""});
  const Json& model = r.object(doc.at("model"), "model");
  const std::string type = r.text(model, "type", "model", "BPE");
  if (type != "BPE") r.fail(Err::TokenizerNotBpe, {type});
  if (model.contains("dropout") && model.at("dropout").is_number() &&
      model.at("dropout").get<double>() > 0.0) {
    r.wrong("model.dropout", model.at("dropout"), Words(Err::ExpectNoDropout, {}));
  }
  // model.vocab and model.merges were read as events unless they are not an object and an array.
  if (!file.vocab_read) {
    if (!model.contains("vocab")) r.fail(Err::MissingSetting, {"\"model.vocab\""});
    r.object(model.at("vocab"), "model.vocab");
  }
  if (!file.merges_read) {
    if (!model.contains("merges")) r.fail(Err::MissingSetting, {"\"model.merges\""});
    r.array(model.at("merges"), "model.merges");
  }

  // Every id's text: the vocabulary's, then the added tokens' (an added token's id may lie past
  // the vocabulary, Llama 3's 128 000 on).
  auto p = std::make_shared<Pipeline>();
  std::vector<std::string_view> texts;
  const auto place = [&](int64_t id, std::string_view t, const std::string& where) {
    if (id < 0 || id >= (int64_t{1} << 24)) {
      r.wrong(where, id, Words(Err::ExpectInteger, {"0", std::to_string((1 << 24) - 1)}));
    }
    if (static_cast<size_t>(id) >= texts.size()) texts.resize(static_cast<size_t>(id) + 1);
    texts[static_cast<size_t>(id)] = t;
  };
  std::vector<char> in_vocab;
  std::unordered_map<std::string_view, int64_t> id_of;  // a token written twice is refused
  id_of.reserve(file.vocab.size());
  for (const TokenizerEvents::Entry& e : file.vocab) {
    const std::string where = "model.vocab." + utf8::truncate_to_width(e.token, 30);
    if (!e.bad.empty()) {
      throw Error(Err::ConfigField,
                  {name, where, utf8::truncate_to_width(e.bad, 30),
                   Words(Err::ExpectInteger, {"0", std::to_string((1 << 24) - 1)})});
    }
    const auto at = static_cast<size_t>(e.id);
    if (at < in_vocab.size() && in_vocab[at]) {
      r.fail(Err::BpeDuplicateId,
             {std::to_string(e.id), utf8::truncate_to_width(std::string(texts[at]), 40),
              utf8::truncate_to_width(e.token, 40)});
    }
    if (!id_of.emplace(e.token, e.id).second) {
      r.fail(Err::TokenizerTokenTwice, {utf8::quoted(e.token)});
    }
    place(e.id, e.token, where);
    if (in_vocab.size() < texts.size()) in_vocab.resize(texts.size());
    in_vocab[at] = 1;
  }
  const Json& added = doc.contains("added_tokens") ? r.array(doc.at("added_tokens"), "added_tokens")
                                                   : Json::array();
  for (size_t i = 0; i < added.size(); ++i) {
    const std::string where = "added_tokens[" + std::to_string(i) + "]";
    const Json& a = r.object(added[i], where);
    AddedToken t;
    t.id = static_cast<int>(r.integer(a, "id", where, 0, (1 << 24) - 1));
    t.content = r.text(a, "content", where);
    t.special = r.flag(a, "special", where, false);
    t.normalized = r.flag(a, "normalized", where, !t.special);
    t.lstrip = r.flag(a, "lstrip", where, false);
    t.rstrip = r.flag(a, "rstrip", where, false);
    t.single_word = r.flag(a, "single_word", where, false);
    p->added.push_back(std::move(t));
  }
  for (const AddedToken& t : p->added) place(t.id, t.content, "added_tokens");
  for (size_t id = 0; id < texts.size(); ++id) {
    if (texts[id].data() == nullptr) {
      r.fail(Err::TokenizerIdMissing, {std::to_string(id), std::to_string(texts.size() - 1)});
    }
  }
  BpeBuilder b(name);
  if (!b.table(texts)) {  // an added token that is another id's vocabulary entry
    for (const AddedToken& t : p->added) {
      const auto other = id_of.find(t.content);
      if (other != id_of.end() && other->second != t.id) {
        r.fail(Err::TokenizerAddedDuplicate,
               {utf8::quoted(t.content), std::to_string(t.id), std::to_string(other->second)});
      }
    }
  }
  const std::string continuing = r.text(model, "continuing_subword_prefix", "model", "");
  b.continuing_prefix = continuing;
  for (size_t n = 0; n < file.merges.size(); ++n) {
    const TokenizerEvents::Merge& m = file.merges[n];
    if (!m.bad.empty()) {
      b.fail(Err::BpeMergeLine, {std::to_string(n + 1), utf8::truncate_to_width(m.bad, 40)});
    } else if (m.pair) {
      b.merge_pair(m.left, m.right, n + 1);
    } else {
      b.merge(m.left, n + 1);
    }
  }
  BpeTokenizer t = std::move(b.t_);

  BpeModel& m = p->model;
  m.byte_fallback = r.flag(model, "byte_fallback", "model", false);
  m.ignore_merges = r.flag(model, "ignore_merges", "model", false);
  m.fuse_unk = r.flag(model, "fuse_unk", "model", false);
  m.continuing_subword_prefix = continuing;
  m.end_of_word_suffix = r.text(model, "end_of_word_suffix", "model", "");
  if (const std::string unk = r.text(model, "unk_token", "model", ""); !unk.empty()) {
    m.unk = t.tokens_.find(unk);
    if (m.unk < 0) r.fail(Err::TokenizerUnknownToken, {"model.unk_token", utf8::quoted(unk)});
  }
  for (int byte = 0; byte < 256; ++byte) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "<0x%02X>", byte);
    m.fallback[static_cast<size_t>(byte)] = t.tokens_.find(hex);
  }
  r.normalizer(member(doc, "normalizer"), "normalizer", p->normalizer);
  r.pre_tokenizer(member(doc, "pre_tokenizer"), "pre_tokenizer", p->pre_tokenizer);
  r.decoder(member(doc, "decoder"), "decoder", p->decoder);
  r.post_processor(member(doc, "post_processor"), "post_processor", t.tokens_, *p);
  if (config) {
    const Json c = parse_json(*config, config_name);
    apply_config(c, Reader(config_name), t.tokens_, *p);
    if (const auto bos = special_of(c, "bos_token")) t.bos_ = t.tokens_.find(*bos);
  }
  p->index_added();
  t.end_of_text_ = t.tokens_.find("<|endoftext|>");
  t.pipeline_ = std::move(p);
  return t;
}

}  // namespace attnviz
