// tokenizer.json's two large members read as events, the rest handed to nlohmann's own
// document builder.
#include "text/tokenizer_events.hpp"

#include <cstdint>

namespace attnviz {
namespace {

using Json = nlohmann::json;

class Events : public nlohmann::json_sax<Json> {
 public:
  explicit Events(TokenizerEvents& out) : out_(out), dom_(out.doc, true) {}

  bool null() override { return value(Json(nullptr)) || dom_.null(); }
  bool boolean(bool v) override { return value(Json(v)) || dom_.boolean(v); }
  bool number_integer(number_integer_t v) override {
    return value(Json(v), v) || dom_.number_integer(v);
  }
  bool number_unsigned(number_unsigned_t v) override {
    return value(Json(v), v <= static_cast<number_unsigned_t>(INT64_MAX) ? int64_t(v) : -1) ||
           dom_.number_unsigned(v);
  }
  bool number_float(number_float_t v, const string_t& s) override {
    return value(Json(v)) || dom_.number_float(v, s);
  }
  bool string(string_t& v) override {
    if (bulk_ == Bulk::Merges && depth_ == 3) {
      merge_line(v);
      return true;
    }
    if (bulk_ == Bulk::Merges && depth_ == 4 && !nested_bad_) {
      pair_.push_back(v);
      return true;
    }
    return value(Json(v)) || dom_.string(v);
  }
  bool binary(binary_t& v) override { return value(Json(v)) || dom_.binary(v); }

  bool start_object(std::size_t n) override {
    if (enter(Bulk::Vocab)) return true;
    if (bulk_ != Bulk::None) return nest();
    flush_key();
    ++depth_;
    return dom_.start_object(n);
  }
  bool end_object() override {
    if (bulk_ != Bulk::None) return unnest();
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t n) override {
    if (enter(Bulk::Merges)) return true;
    if (bulk_ == Bulk::Merges && depth_ == 3) {  // a ["a", "b"] merge
      ++depth_;
      pair_.clear();
      nested_bad_ = false;
      return true;
    }
    if (bulk_ != Bulk::None) return nest();
    flush_key();
    ++depth_;
    return dom_.start_array(n);
  }
  bool end_array() override {
    if (bulk_ == Bulk::Merges && depth_ == 4 && !nested_bad_) {
      --depth_;
      TokenizerEvents::Merge m;
      if (pair_.size() == 2) {
        m.left = pair_[0], m.right = pair_[1], m.pair = true;
      } else {
        m.bad = Json(pair_).dump();
      }
      out_.merges.push_back(std::move(m));
      return true;
    }
    if (bulk_ != Bulk::None) return unnest();
    --depth_;
    return dom_.end_array();
  }
  bool key(string_t& k) override {
    if (bulk_ == Bulk::Vocab && depth_ == 3) {
      key_ = k;
      return true;
    }
    if (bulk_ != Bulk::None) return true;
    if (depth_ == 1) top_ = k;
    if (depth_ == 2 && top_ == "model" && (k == "vocab" || k == "merges") && !seen(k)) {
      pending_ = k;  // handed to the document only if its value is not what is read here
      return true;
    }
    return dom_.key(k);
  }
  bool parse_error(std::size_t at, const std::string& token,
                   const nlohmann::detail::exception& e) override {
    return dom_.parse_error(at, token, e);
  }

 private:
  enum class Bulk { None, Vocab, Merges };

  bool seen(const std::string& k) const {
    return k == "vocab" ? out_.vocab_read : out_.merges_read;
  }
  // The container opening the pending member, if it is the kind read here.
  bool enter(Bulk kind) {
    const std::string want = kind == Bulk::Vocab ? "vocab" : "merges";
    if (bulk_ != Bulk::None || pending_ != want) return false;
    pending_.clear();
    bulk_ = kind;
    (kind == Bulk::Vocab ? out_.vocab_read : out_.merges_read) = true;
    ++depth_;
    return true;
  }
  // A member whose value is something else: the document gets it, to name what is wrong.
  void flush_key() {
    if (pending_.empty()) return;
    dom_.key(pending_);
    pending_.clear();
  }
  // A scalar inside vocab or merges (recorded; true), or elsewhere (false: the document's).
  bool value(const Json& v, int64_t id = -1) {
    if (bulk_ == Bulk::None) {
      flush_key();
      return false;
    }
    if (bulk_ == Bulk::Vocab && depth_ == 3) {
      TokenizerEvents::Entry e{key_, id, ""};
      if (!v.is_number_integer() || id < 0) e.bad = v.dump();
      out_.vocab.push_back(std::move(e));
    } else if (bulk_ == Bulk::Merges && depth_ == 3) {
      out_.merges.push_back({"", "", false, v.dump()});
    } else if (bulk_ == Bulk::Merges && depth_ == 4) {
      nested_bad_ = true;
    }
    return true;
  }
  // A container nested where only scalars (or merge pairs) belong: recorded as bad, skipped.
  bool nest() {
    if (depth_ == 3) {
      if (bulk_ == Bulk::Vocab) out_.vocab.push_back({key_, 0, "{…}"});
      if (bulk_ == Bulk::Merges) out_.merges.push_back({"", "", false, "{…}"});
    }
    if (bulk_ == Bulk::Merges && depth_ == 4) nested_bad_ = true;
    ++depth_;
    return true;
  }
  bool unnest() {
    --depth_;
    if (depth_ == 2) bulk_ = Bulk::None;                        // the end of vocab or merges
    if (bulk_ == Bulk::Merges && depth_ == 3 && nested_bad_) {  // a merge pair with a container
      out_.merges.push_back({"", "", false, "[…]"});
      nested_bad_ = false;
    }
    return true;
  }
  void merge_line(const std::string& line) {
    TokenizerEvents::Merge m;
    m.left = line;  // "a b", split by the builder, which names a line that is not two tokens
    out_.merges.push_back(std::move(m));
  }
  TokenizerEvents& out_;
  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  int depth_ = 0;  // containers open
  std::string top_, pending_, key_;
  Bulk bulk_ = Bulk::None;
  std::vector<std::string> pair_;
  bool nested_bad_ = false;
};

}  // namespace

TokenizerEvents read_tokenizer_events(std::string_view text) {
  TokenizerEvents out;
  Events events(out);
  Json::sax_parse(text.begin(), text.end(), &events);
  return out;
}

}  // namespace attnviz
