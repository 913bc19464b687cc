// Filling placeholders, and choosing the language.
#include "attnviz/i18n/lang.hpp"

#include "attnviz/error.hpp"

namespace attnviz {

std::string format(std::string_view pattern, const std::vector<std::string>& args) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 2] == '}' &&
        pattern[i + 1] >= '0' && pattern[i + 1] <= '9') {
      const auto n = static_cast<size_t>(pattern[i + 1] - '0');
      if (n < args.size()) out += args[n];
      i += 2;
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
