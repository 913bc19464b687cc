// Vocabularies given beside a model: a JSON list, nanoGPT's meta.pkl, or the training text.
#include "attnviz/formats/vocab_file.hpp"

#include <algorithm>
#include <unordered_map>

#include "attnviz/error.hpp"
#include "attnviz/formats/pickle.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/text/utf8.hpp"
#include "io/json.hpp"

namespace attnviz {
namespace {

[[noreturn]] void fail(const std::string& name, Err id, std::vector<Words> args) {
  throw Error(Err::InFile, {name, Words(id, std::move(args))});
}

// Each token once, not empty, valid UTF-8.
void check_tokens(const std::vector<std::string>& vocab, const std::string& name) {
  if (vocab.empty()) fail(name, Err::VocabFileEmpty, {});
  std::unordered_map<std::string_view, size_t> seen;
  for (size_t id = 0; id < vocab.size(); ++id) {
    const std::string& token = vocab[id];
    if (token.empty()) fail(name, Err::VocabFileToken, {std::to_string(id)});
    try {
      utf8::validate(token, "");
    } catch (const Error&) {
      fail(name, Err::VocabFileToken, {std::to_string(id)});
    }
    const auto [it, inserted] = seen.emplace(token, id);
    if (!inserted) {
      fail(name, Err::VocabFileRepeats,
           {utf8::quoted(token), std::to_string(it->second), std::to_string(id)});
    }
  }
}

std::vector<std::string> from_json(std::string_view bytes, const std::string& name) {
  Json list;
  try {
    list = Json::parse(bytes);
  } catch (const Json::exception&) {
    fail(name, Err::VocabFileKind, {});
  }
  if (!list.is_array()) fail(name, Err::VocabFileKind, {});
  std::vector<std::string> vocab;
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string()) fail(name, Err::VocabFileToken, {std::to_string(i)});
    vocab.push_back(list[i].get<std::string>());
  }
  return vocab;
}

// meta.pkl's 'itos' ({id: token}), else its 'stoi' ({token: id}): tokens placed by id.
std::vector<std::string> from_meta_pkl(std::string_view bytes, const std::string& name) {
  const pickle::Document doc = pickle::parse(bytes, name);
  const pickle::Value& root = doc.at(doc.root);
  if (root.kind != pickle::Kind::Dict) fail(name, Err::VocabFileKind, {});
  const auto find = [&](const char* key) -> const pickle::Value* {
    for (size_t i = 0; i + 1 < root.items.size(); i += 2) {
      const pickle::Value& k = doc.at(root.items[i]);
      if (k.kind == pickle::Kind::Text && k.text == key) return &doc.at(root.items[i + 1]);
    }
    return nullptr;
  };
  const pickle::Value* itos = find("itos");
  const pickle::Value* stoi = find("stoi");
  const pickle::Value* map = itos ? itos : stoi;
  if (map == nullptr || map->kind != pickle::Kind::Dict) fail(name, Err::VocabFileKind, {});
  const size_t n = map->items.size() / 2;
  std::vector<std::string> vocab(n);
  std::vector<char> placed(n);
  for (size_t i = 0; i + 1 < map->items.size(); i += 2) {
    const pickle::Value& a = doc.at(map->items[i]);
    const pickle::Value& b = doc.at(map->items[i + 1]);
    const pickle::Value& id = itos ? a : b;
    const pickle::Value& token = itos ? b : a;
    if (token.kind != pickle::Kind::Text) fail(name, Err::VocabFileToken, {std::to_string(i / 2)});
    if (id.kind != pickle::Kind::Int || id.integer < 0 || static_cast<uint64_t>(id.integer) >= n ||
        placed[static_cast<size_t>(id.integer)]) {
      fail(name, Err::VocabFileIds,
           {std::to_string(n - 1),
            id.kind == pickle::Kind::Int ? std::to_string(id.integer) : std::string("?")});
    }
    placed[static_cast<size_t>(id.integer)] = 1;
    vocab[static_cast<size_t>(id.integer)] = token.text;
  }
  return vocab;
}

}  // namespace

std::vector<std::string> read_vocab_file(std::string_view bytes, const std::string& name) {
  std::vector<std::string> vocab =
      looks_like_pickle(bytes) ? from_meta_pkl(bytes, name) : from_json(bytes, name);
  check_tokens(vocab, name);
  return vocab;
}

std::vector<std::string> vocab_of_text(std::string_view text, const std::string& name) {
  utf8::validate(text, name);
  const std::vector<char32_t> code_points = utf8::code_points(text);
  char32_t top = U'\n';
  for (const char32_t c : code_points) top = std::max(top, c);
  std::vector<bool> seen(top + 1);  // one bit per code point up to the text's largest
  for (const char32_t c : code_points) seen[c == U'\r' ? U'\n' : c] = true;
  std::vector<std::string> vocab;
  for (char32_t c = 0; c < seen.size(); ++c) {
    if (seen[c]) vocab.push_back(utf8::encode(c));
  }
  if (vocab.empty()) throw Error(Err::TextEmpty, {name});
  return vocab;
}

}  // namespace attnviz
