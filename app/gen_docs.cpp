// attnviz_docs: writes attnviz's man page and shell completions at build time, from the same
// option list the program parses with. Usage: attnviz_docs MAN_FILE BASH_FILE ZSH_FILE
#include <fstream>
#include <iostream>

#include "docs.hpp"
#include "options.hpp"

namespace {

bool write(const char* path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out.flush());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: attnviz_docs MAN_FILE BASH_FILE ZSH_FILE\n";
    return 2;
  }
  CLI::App app;
  attnviz::app::Options options;
  attnviz::app::configure_app(app, options);
  const attnviz::app::InstallPaths paths{ATTNVIZ_DEFAULT_FONT};
  if (!write(argv[1], attnviz::app::man_page(app, paths)) ||
      !write(argv[2], attnviz::app::bash_completion(app)) ||
      !write(argv[3], attnviz::app::zsh_completion(app))) {
    std::cerr << "attnviz_docs: cannot write the documentation files\n";
    return 1;
  }
  return 0;
}
