// Filling placeholders, and choosing the language.
#include "attnviz/i18n/lang.hpp"

#include <cctype>

#include "attnviz/error.hpp"

namespace attnviz {

namespace {

// The length of the English plural noun that follows a count at `rest` (" tokens …"), or 0.
size_t counted_noun(std::string_view rest) {
  static constexpr std::string_view kNouns[] = {" tokens", " layers",     " heads", " keys",
                                                " rows",   " characters", " panels"};
  for (const std::string_view noun : kNouns) {
    if (rest.substr(0, noun.size()) != noun) continue;
    if (rest.size() == noun.size() || !std::isalpha(static_cast<unsigned char>(rest[noun.size()])))
      return noun.size();
  }
  return 0;
}

}  // namespace

std::string format(std::string_view pattern, const std::vector<std::string>& args) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 2] == '}' &&
        pattern[i + 1] >= '0' && pattern[i + 1] <= '9') {
      const auto n = static_cast<size_t>(pattern[i + 1] - '0');
      if (n < args.size()) out += args[n];
      i += 2;
      // "1 tokens" → "1 token": a count of one takes the singular (Azerbaijani has no plural
      // after a number, so only English texts have these nouns after a count).
      if (const size_t noun = counted_noun(pattern.substr(i + 1));
          noun > 0 && n < args.size() && args[n] == "1") {
        out += pattern.substr(i + 1, noun - 1);
        i += noun;
      }
    } else {
      out += pattern[i];
    }
  }
  return out;
}

Lang lang_from_name(std::string_view name) {
  if (name == "en") return Lang::En;
  if (name == "az") return Lang::Az;
  throw Error(Err::UnknownLanguage, {std::string(name)});
}

Lang lang_from_locale(std::string_view locale) {
  return locale.substr(0, 2) == "az" ? Lang::Az : Lang::En;
}

}  // namespace attnviz
