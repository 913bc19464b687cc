// CLI11's usage errors in words attnviz can say in English or Azerbaijani.
#pragma once

#include <CLI/CLI.hpp>

#include "attnviz/error.hpp"

namespace attnviz::app {

// The kinds of parse error attnviz's options can raise (an unknown option, a missing value,
// excluded or required options, a value outside its choices or range, a value that is not a
// number) as catalog messages; anything else as CLI11 wrote it.
Words usage_words(const CLI::ParseError& error);

}  // namespace attnviz::app
