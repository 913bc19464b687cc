// attnviz_docs: writes attnviz's man pages (English and Azerbaijani) and shell completions at
// build time, from the same option list the program parses with.
// Usage: attnviz_docs MAN_FILE MAN_AZ_FILE BASH_FILE ZSH_FILE
#include <fstream>
#include <iostream>

#include "docs.hpp"
#include "help_az.hpp"
#include "options.hpp"

namespace {

bool write(const char* path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out.flush());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: attnviz_docs MAN_FILE MAN_AZ_FILE BASH_FILE ZSH_FILE\n";
    return 2;
  }
  const attnviz::app::InstallPaths paths{ATTNVIZ_DEFAULT_FONT};
  CLI::App app, app_az;
  attnviz::app::Options options, options_az;
  attnviz::app::configure_app(app, options, attnviz::Lang::En);
  attnviz::app::configure_app(app_az, options_az, attnviz::Lang::Az);
  // Every option is described in Azerbaijani too: a new one without its words does not build.
  CLI::App check;
  attnviz::app::Options checked;
  attnviz::app::configure_app(check, checked, attnviz::Lang::En);
  const std::vector<std::string> missing = attnviz::app::say_options_in_azerbaijani(check);
  if (!missing.empty()) {
    std::cerr << "attnviz_docs: no Azerbaijani description for";
    for (const std::string& name : missing) std::cerr << " " << name;
    std::cerr << " (app/help_az.cpp)\n";
    return 1;
  }
  if (!write(argv[1], attnviz::app::man_page(app, paths, attnviz::Lang::En)) ||
      !write(argv[2], attnviz::app::man_page(app_az, paths, attnviz::Lang::Az)) ||
      !write(argv[3], attnviz::app::bash_completion(app)) ||
      !write(argv[4], attnviz::app::zsh_completion(app))) {
    std::cerr << "attnviz_docs: cannot write the documentation files\n";
    return 1;
  }
  return 0;
}
