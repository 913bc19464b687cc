// A character model's vocabulary given beside it (--vocab, --vocab-text, nanoGPT's meta.pkl):
// the token string of each embedding row, by id.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace attnviz {

// A JSON list of token strings (["\n", " ", "!", …]), or nanoGPT's meta.pkl: a pickle of
// {'vocab_size': n, 'itos': {id: token}, 'stoi': {token: id}}, read as data by the pickle machine
// (formats/pickle.hpp), never run. Throws Error naming `name` for anything else, an empty
// vocabulary, a token that is not text, ids that are not 0 … n−1 once each, or a token twice.
std::vector<std::string> read_vocab_file(std::string_view bytes, const std::string& name);

// The vocabulary a character model's training code builds from its text: sorted(set(text)) in
// gpt.py and nanoGPT's shakespeare_char/prepare.py — every code point once, in code-point order,
// after Python's text mode has turned "\r\n" and "\r" into "\n". Throws Error naming `name` for
// an empty text or one that is not UTF-8.
std::vector<std::string> vocab_of_text(std::string_view text, const std::string& name);

}  // namespace attnviz
