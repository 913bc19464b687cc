// What the tokenizer fuzz targets ask of a tokenizer that loaded: each text encoded into ids it
// has, with its special tokens, each id labelled, the ids decoded; nothing may throw.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "attnviz/text/bpe.hpp"

inline void use_tokenizer(const attnviz::BpeTokenizer& t,
                          std::initializer_list<std::string> texts) {
  for (const std::string& text : texts) {
    const std::vector<int> ids = t.with_specials(t.encode(text));
    for (const int id : ids) {
      if (id < 0 || id >= t.size()) __builtin_trap();
      (void)t.label(id);
    }
    (void)t.decode(ids);
  }
}
