// One option as --help, the man page and the completions show it, read from the CLI11 App that
// main() parses with.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>

namespace attnviz::app {

struct OptionDoc {
  std::vector<std::string> names;    // "-t", "--text"
  std::string value;                 // "TEXT", "FILE", "N", "X", ...; empty for a flag
  std::vector<std::string> choices;  // values to complete ({char,word}), else empty
  bool whole = false;                // takes a whole number (CLI11's INT, UINT)
  std::string low, high;             // a number's range ("1", "65536"), else empty
  std::string description;
  std::string default_value;
  std::vector<std::string> excludes;  // long names of options it cannot be used with
  std::vector<std::string> needs;
  bool takes_file() const { return value.rfind("FILE", 0) == 0; }
  // The value as a person writes it: "light|dark", "FILE", "N"; empty for a flag.
  std::string shown_value() const;
};

OptionDoc describe(const CLI::Option* o);

// The options in --help's order, grouped as --help groups them.
std::vector<std::pair<std::string, std::vector<OptionDoc>>> grouped_options(const CLI::App& app);
std::vector<OptionDoc> all_options(const CLI::App& app);

std::string join(const std::vector<std::string>& words, const std::string& sep);

// A number as a person writes it: "0.250000" → "0.25", "8.000000" → "8"; anything else as it is.
std::string plain_number(const std::string& printed);

}  // namespace attnviz::app
