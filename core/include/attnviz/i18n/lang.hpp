// The two languages attnviz speaks, English and Azerbaijani (the course's), and how a message's
// {0}, {1}, … placeholders are filled. Used by every stage that says something to a person.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz {

enum class Lang { En, Az };

// `pattern` with {0}, {1}, … replaced by `args`.
std::string format(std::string_view pattern, const std::vector<std::string>& args);
inline std::string format(std::string_view pattern, std::initializer_list<std::string> args) {
  return format(pattern, std::vector<std::string>(args));
}

// "az" / "en"; throws Error for any other name.
Lang lang_from_name(std::string_view name);
// The language of a POSIX locale such as "az_AZ.UTF-8": Azerbaijani for "az…", else English.
Lang lang_from_locale(std::string_view locale);

}  // namespace attnviz
