// CLI11's help layout, with the option text written from OptionDoc (option_doc.hpp).
#include "help.hpp"

#include <algorithm>
#include <sstream>

#include "attnviz/i18n/messages.hpp"
#include "attnviz/text/utf8.hpp"
#include "option_doc.hpp"

namespace attnviz::app {

namespace {

constexpr size_t kColumn = 32;  // where the descriptions start

// `text` broken into lines of at most `width` terminal columns, at spaces.
std::string wrapped(const std::string& text, int width) {
  std::string out, line;
  std::istringstream words(text);
  for (std::string word; words >> word;) {
    if (!line.empty() && utf8::display_width(line + " " + word) > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  return out + line;
}

}  // namespace

HelpFormatter::HelpFormatter(Lang lang, int width) : lang_(lang), width_(width) {
  column_width(kColumn);
}

std::string HelpFormatter::make_usage(const CLI::App*, std::string) const {
  return say(lang_, Msg::HelpUsage) + "\n";
}

std::string HelpFormatter::make_option_opts(const CLI::Option* option) const {
  const std::string value = describe(option).shown_value();
  return value.empty() ? "" : " " + value;
}

std::string HelpFormatter::make_option_desc(const CLI::Option* option) const {
  const OptionDoc d = describe(option);
  std::string out = d.description;
  std::vector<std::string> notes;
  if (!d.low.empty()) notes.push_back(d.low + " … " + d.high);
  if (!d.default_value.empty()) notes.push_back(say(lang_, Msg::HelpDefault, {d.default_value}));
  if (!d.excludes.empty()) notes.push_back(say(lang_, Msg::HelpNotWith, {join(d.excludes, ", ")}));
  if (!d.needs.empty()) notes.push_back(say(lang_, Msg::HelpNeeds, {join(d.needs, ", ")}));
  if (!notes.empty()) out += " (" + join(notes, "; ") + ")";
  return wrapped(out, std::max(40, width_ - static_cast<int>(kColumn)));
}

}  // namespace attnviz::app
