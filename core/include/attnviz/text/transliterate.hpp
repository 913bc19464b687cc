// Azerbaijani written in its Cyrillic alphabet (1958–1991) read in the Latin one (1991–), letter
// for letter, for models that learned only the Latin letters.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace attnviz {

// `token` with each letter of the Azerbaijani Cyrillic alphabet replaced by its Latin letter
// (Ә→Ə, Ҹ→C, Ј→Y, Ы→I, Ҝ→G, Һ→H, …; case kept), anything else as it is; nullopt when it has none.
std::optional<std::string> latin_azerbaijani(std::string_view token);

}  // namespace attnviz
