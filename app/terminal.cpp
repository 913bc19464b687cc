// Terminal and locale queries.
#include "terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "attnviz/text/utf8.hpp"

namespace attnviz::app {

bool use_color(const std::string& mode) {
  if (mode != "auto") return mode == "always";
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return ::isatty(STDOUT_FILENO) && (no_color == nullptr || *no_color == '\0') &&
         !(term != nullptr && std::string(term) == "dumb");
}

int terminal_width() {
  winsize ws{};
  if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return ws.ws_col;
  }
  if (const char* columns = std::getenv("COLUMNS")) {
    const int n = std::atoi(columns);
    if (n > 0) return n;
  }
  return 80;
}

namespace {

// A file's size as a person reads it: 812 B, 112 KB, 3.4 MB (powers of 1 024).
std::string size_text(uintmax_t bytes) {
  char buf[32];
  if (bytes < 1024) {
    std::snprintf(buf, sizeof buf, "%ju B", bytes);
  } else if (bytes < 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.0f KB", static_cast<double>(bytes) / 1024);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / (1024 * 1024));
  }
  return buf;
}

}  // namespace

std::string written_lines(const std::vector<WrittenFile>& files) {
  std::vector<std::string> sizes;
  int path_width = 0, size_width = 0;
  for (const WrittenFile& file : files) {
    sizes.push_back(size_text(file.bytes));
    path_width = std::max(path_width, utf8::display_width(file.path));
    size_width = std::max(size_width, utf8::display_width(sizes.back()));
  }
  std::string out;
  for (size_t f = 0; f < files.size(); ++f) {
    out += utf8::pad_right(files[f].path, path_width) + "  " +
           utf8::pad_left(sizes[f], size_width) + "  " + files[f].holds + "\n";
  }
  return out;
}

Lang interface_lang(int argc, const char* const* argv) {
  Lang lang = locale_lang();
  for (int i = 1; i < argc; ++i) {  // the last --lang wins, as when CLI11 parses it
    const std::string arg = argv[i];
    std::string value;
    if (arg == "--lang" && i + 1 < argc) value = argv[i + 1];
    if (arg.rfind("--lang=", 0) == 0) value = arg.substr(7);
    if (value == "az") lang = Lang::Az;
    if (value == "en") lang = Lang::En;
  }
  return lang;
}

Lang locale_lang() {
  for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return lang_from_locale(value);
  }
  return Lang::En;
}

}  // namespace attnviz::app
