// CLI11 (2.1) writes its parse errors in English from fixed patterns; each is read back into a
// catalog message with the same names and values. The arguments are looked at first for what
// CLI11 accepts but misreads.
#include "cli_errors.hpp"

#include <algorithm>
#include <cstdlib>
#include <regex>

#include "option_doc.hpp"

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

// The option named `name` ("--text", "-t"), or nullptr.
const CLI::Option* option_named(const CLI::App& app, const std::string& name) {
  for (const CLI::Option* o : app.get_options()) {
    if (o->check_name(name)) return o;
  }
  return nullptr;
}

// Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// The long option nearest to `typed` ("--txt" → "--text"), if one is near enough to have been
// meant: a few edits away, or the only option that starts with it.
std::optional<std::string> nearest_option(const CLI::App& app, const std::string& typed) {
  std::optional<std::string> best, only_prefix;
  size_t best_distance = typed.size() <= 7 ? 2 : 3;  // at most 1 edit in "--" + 5 letters, else 2
  int prefixed = 0;
  for (const CLI::Option* o : app.get_options()) {
    for (const std::string& name : o->get_lnames()) {
      const std::string full = "--" + name;
      const size_t distance = edit_distance(typed, full);
      if (distance < best_distance) {
        best = full;
        best_distance = distance;
      }
      if (typed.size() > 3 && full.rfind(typed, 0) == 0) {
        only_prefix = full;
        ++prefixed;
      }
    }
  }
  if (prefixed == 1 && (!best || best_distance > 1)) return only_prefix;
  return best;
}

// Whether `arg` is a number ("-1", "-0.5"), which may follow an option as its value.
bool is_number(const std::string& arg) {
  char* end = nullptr;
  std::strtod(arg.c_str(), &end);
  return !arg.empty() && end == arg.c_str() + arg.size();
}

// A value that is not of its option's kind: not a whole number, or not a number; with its range.
Words not_a_number(const CLI::App& app, const std::string& name, const std::string& typed) {
  const CLI::Option* option = option_named(app, name);
  const OptionDoc d = option ? describe(option) : OptionDoc{};
  if (d.whole && !d.low.empty()) return Words(Err::NotAWholeNumberFrom, {typed, d.low, d.high});
  if (d.whole) return Words(Err::NotAWholeNumber, {typed});
  return Words(Err::NotANumberArgument, {typed});
}

}  // namespace

std::optional<Words> argument_problem(const CLI::App& app, int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") return std::nullopt;
    const bool long_form = arg.rfind("--", 0) == 0;
    const bool short_form = !long_form && arg.size() > 1 && arg[0] == '-' && !is_number(arg);
    if (!long_form && !short_form) return Words(Err::UnexpectedArgument, {arg});
    const std::string name = arg.substr(0, arg.find('='));
    if (short_form && name.size() > 2) {  // -text: meant --text, read by CLI11 as -t ext
      const std::string meant = "-" + name;
      if (option_named(app, meant)) return Words(Err::SingleDashLong, {name, meant});
      if (const auto near = nearest_option(app, meant))
        return Words(Err::SingleDashLong, {name, *near});
      continue;  // short flags run together (-Vh): CLI11's to read
    }
    const CLI::Option* option = option_named(app, name);
    if (!option) {
      if (const auto near = nearest_option(app, name))
        return Words(Err::UnknownOptionGuess, {name, *near});
      return Words(Err::UnknownOption, {name});
    }
    if (option->get_expected_min() > 0 && name.size() == arg.size()) ++i;  // its value
  }
  return std::nullopt;
}

Words usage_words(const CLI::ParseError& error, const CLI::App& app) {
  static const std::vector<Pattern> patterns = {
      {std::regex("(\\S+): \\d+ required \\S+ missing"), Err::MissingValue},
      {std::regex("(\\S+) excludes (\\S+)"), Err::Excludes},
      {std::regex("(\\S+) requires (\\S+)"), Err::Requires},
      {std::regex("(\\S+): (.*) not in \\{(.*)\\}"), Err::NotAChoice},
      {std::regex("--head: expected all, mean, a head or a list such as 1,3, found \"(.*)\""),
       Err::HeadChoice},
      {std::regex("(--rows|--cols): expected a slice such as 10:20, :5 or -10:, found \"(.*)\""),
       Err::SliceChoice},
      {std::regex("--highlight: expected a row or a row and a column such as 3,1, found \"(.*)\""),
       Err::HighlightChoice},
      {std::regex("--layer: expected all, a layer or a list such as 0,5,11, found \"(.*)\""),
       Err::LayerChoice},
      {std::regex(
           "--tokenizer: expected char, word, or a tokenizer file or folder, found \"(.*)\""),
       Err::TokenizerChoice},
  };
  const std::string what = error.what();
  std::smatch m;
  static const std::regex range("(\\S+): Value (\\S+) not in range (\\S+) to (\\S+)");
  if (std::regex_match(what, m, range)) {
    const std::string name = m[1].str(), value = m[2].str(), typed = name + " " + value;
    const CLI::Option* option = option_named(app, name);
    const bool whole_option = option && describe(option).whole;
    const bool whole = value.find_first_not_of("+-0123456789") == std::string::npos;
    if (!is_number(value) || (whole_option && !whole)) return not_a_number(app, name, typed);
    return Words(Err::NotInRange, {typed, plain_number(m[3].str()), plain_number(m[4].str())});
  }
  static const std::regex convert("Could not convert: (\\S+) = (.*)");
  if (std::regex_match(what, m, convert)) {
    return not_a_number(app, m[1].str(), m[1].str() + " " + m[2].str());
  }
  for (const Pattern& p : patterns) {
    if (std::regex_match(what, m, p.regex)) return from_match(p.id, m);
  }
  return what;
}

}  // namespace attnviz::app
