// --help as a person reads it: the options grouped as the man page groups them, each value as it
// is written (char|word|FILE|DIR, N, light|dark), its range and default in words, in the
// interface's language.
#pragma once

#include <CLI/CLI.hpp>

#include "attnviz/i18n/lang.hpp"

namespace attnviz::app {

class HelpFormatter : public CLI::Formatter {
 public:
  // Descriptions are wrapped to `width` terminal columns.
  HelpFormatter(Lang lang, int width);
  std::string make_usage(const CLI::App* app, std::string name) const override;
  std::string make_option_opts(const CLI::Option* option) const override;
  std::string make_option_desc(const CLI::Option* option) const override;

 private:
  Lang lang_;
  int width_;
};

}  // namespace attnviz::app
