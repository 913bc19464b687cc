// Helpers shared by the unit tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "attnviz/error.hpp"
#include "attnviz/render/font.hpp"

namespace attnviz::test {

// The message of the attnviz::Error that `f` throws, or "" when it throws none.
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// The warnings of a run or a load, in English.
inline std::vector<std::string> english(const std::vector<Words>& words) {
  std::vector<std::string> out;
  for (const Words& w : words) out.push_back(w.english());
  return out;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// What `command` (run by the shell) writes on its standard output: a reference program's answer.
// An exit status other than 0 is a test failure.
inline std::string output_of(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[1 << 16];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  EXPECT_EQ(pclose(pipe), 0) << command;
  return out;
}

// The default font (DejaVu Sans, installed by scripts/setup.sh), loaded once.
inline const Font& default_font() {
  static const Font font(slurp(default_font_path()), default_font_path());
  return font;
}

}  // namespace attnviz::test
