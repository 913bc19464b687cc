// One catalog mechanism for everything attnviz says: a table with each text in English and
// Azerbaijani, entry i for enum value i (errors: Err; messages: Msg).
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "attnviz/i18n/lang.hpp"

namespace attnviz::i18n {

template <typename Id>
struct Entry {
  Id id;
  const char* en;
  const char* az;
};

// True when entry i is value i: checked with static_assert, so a table out of the enum's order
// does not compile.
template <typename Id, size_t N>
constexpr bool in_order(const std::array<Entry<Id>, N>& table) {
  for (size_t i = 0; i < N; ++i) {
    if (static_cast<size_t>(table[i].id) != i) return false;
  }
  return true;
}

template <typename Id, size_t N>
std::string_view look_up(const std::array<Entry<Id>, N>& table, Lang lang, Id id) {
  const Entry<Id>& e = table[static_cast<size_t>(id)];
  return lang == Lang::Az ? e.az : e.en;
}

}  // namespace attnviz::i18n
