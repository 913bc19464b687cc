// What the terminal and the environment say: color, width, language.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "attnviz/i18n/messages.hpp"

namespace attnviz::app {

// --color auto: a terminal, NO_COLOR unset or empty, and TERM not "dumb".
bool use_color(const std::string& mode);

// The terminal's columns, else $COLUMNS, else 80.
int terminal_width();

// One line per file written, "path  size  what it holds", the columns aligned: what a run whose
// outputs all went to files prints.
struct WrittenFile {
  std::string path;
  uintmax_t bytes = 0;
  std::string holds;
};
std::string written_lines(const std::vector<WrittenFile>& files);

// From LC_ALL, LC_MESSAGES or LANG, the first one set: Azerbaijani for az_*, else English.
Lang locale_lang();

// The language of the interface, errors included: --lang az|en (or --lang=…) wherever it stands
// on the command line, even when the rest does not parse; else the locale's.
Lang interface_lang(int argc, const char* const* argv);

}  // namespace attnviz::app
