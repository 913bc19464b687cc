// Usage errors in words attnviz can say in English or Azerbaijani: the arguments as typed, checked
// before CLI11 reads them, and CLI11's own parse errors read back.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>

#include "attnviz/error.hpp"

namespace attnviz::app {

// What CLI11 would misread or name badly in `argv`: a long option written with one dash
// (`-text salam`, which CLI11 reads as -t ext), an unknown option (with the nearest one it may
// have meant), or a word that belongs to no option (`attnviz salam`). nullopt when none.
std::optional<Words> argument_problem(const CLI::App& app, int argc, const char* const* argv);

// The kinds of parse error attnviz's options can raise (a missing value, excluded or required
// options, a value outside its choices or range, a value that is not a number of the option's
// kind) as catalog messages, numbers as a person writes them; anything else as CLI11 wrote it.
Words usage_words(const CLI::ParseError& error, const CLI::App& app);

}  // namespace attnviz::app
