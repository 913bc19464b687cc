// CLI11 (2.1) writes its parse errors in English from fixed patterns; each is read back into a
// catalog message with the same names and values.
#include "cli_errors.hpp"

#include <regex>

namespace attnviz::app {
namespace {

struct Pattern {
  std::regex regex;
  Err id;
};

// The match's groups 1… as the message's arguments.
Words from_match(Err id, const std::smatch& m) {
  std::vector<Words> args;
  for (size_t g = 1; g < m.size(); ++g) args.emplace_back(m[g].str());
  return Words(id, std::move(args));
}

}  // namespace

Words usage_words(const CLI::ParseError& error) {
  static const std::vector<Pattern> patterns = {
      {std::regex("The following arguments? (?:was|were) not expected: (.*)"),
       Err::UnexpectedArgument},
      {std::regex("(\\S+): \\d+ required \\S+ missing"), Err::MissingValue},
      {std::regex("(\\S+) excludes (\\S+)"), Err::Excludes},
      {std::regex("(\\S+) requires (\\S+)"), Err::Requires},
      {std::regex("(\\S+): (.*) not in \\{(.*)\\}"), Err::NotAChoice},
      {std::regex("(\\S+): Value (\\S+) not in range (\\S+) to (\\S+)"), Err::NotInRange},
      {std::regex("--head: expected all, mean or a head index, found \"(.*)\""), Err::HeadChoice},
      {std::regex("--layer: expected all, a layer or a list such as 0,5,11, found \"(.*)\""),
       Err::LayerChoice},
      {std::regex(
           "--tokenizer: expected char, word, or a tokenizer file or folder, found \"(.*)\""),
       Err::TokenizerChoice},
      {std::regex("Could not convert: (\\S+) = (.*)"), Err::NotANumberArgument},
  };
  const std::string what = error.what();
  std::smatch m;
  for (const Pattern& p : patterns) {
    if (std::regex_match(what, m, p.regex)) return from_match(p.id, m);
  }
  return what;
}

}  // namespace attnviz::app
