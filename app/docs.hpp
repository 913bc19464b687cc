// The man page and the shell completions, written from the command line's own option list, so
// they cannot drift from --help.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "attnviz/i18n/lang.hpp"

namespace attnviz::app {

// Where the installed files are, for the man page's FILES section.
struct InstallPaths {
  std::string font;  // the default font for heatmap labels
};

// attnviz(1) in roff (man macros): synopsis, the options grouped as --help groups them, exit
// status, environment, files, examples; in `lang`, whose words `app` was configured with.
std::string man_page(const CLI::App& app, const InstallPaths& paths, Lang lang);

// A bash completion script: option names, the values of options with a fixed set of choices,
// file names after options that take a FILE.
std::string bash_completion(const CLI::App& app);

// The same for zsh (_arguments), installed as _attnviz.
std::string zsh_completion(const CLI::App& app);

}  // namespace attnviz::app
