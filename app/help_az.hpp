// The command line's words in Azerbaijani, for --help, the man page and the completions.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace attnviz::app {

// Gives each option of `app` its Azerbaijani description and group name; returns the options
// that have none (the man page's generator refuses to build with any).
std::vector<std::string> say_options_in_azerbaijani(CLI::App& app);

}  // namespace attnviz::app
