// CLI11's description of each option, read back into what a person reads.
#include "option_doc.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <regex>
#include <sstream>

namespace attnviz::app {
namespace {

std::string longest_name(const CLI::Option* o) {
  if (!o->get_lnames().empty()) return "--" + o->get_lnames().front();
  return "-" + o->get_snames().front();
}

}  // namespace

std::string plain_number(const std::string& printed) {
  char* end = nullptr;
  const double v = std::strtod(printed.c_str(), &end);
  if (printed.empty() || end != printed.c_str() + printed.size()) return printed;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string OptionDoc::shown_value() const {
  if (choices.empty() || value.find('|') != std::string::npos) return value;
  return join(choices, "|");
}

OptionDoc describe(const CLI::Option* o) {
  OptionDoc d;
  for (const std::string& s : o->get_snames()) d.names.push_back("-" + s);
  for (const std::string& l : o->get_lnames()) d.names.push_back("--" + l);
  if (o->get_type_size() != 0) {
    // CLI11 writes the type and each validator's description: "TEXT:{char,word}", "INT:INT in
    // [1 - 9]": the choices, the range, and the type as a letter a person reads (N, X).
    const std::string type = o->get_type_name();
    d.value = type.substr(0, type.find(':'));
    d.whole = d.value == "INT" || d.value == "UINT";
    if (d.whole) d.value = "N";
    if (d.value == "FLOAT") d.value = "X";
    const size_t open = type.find(":{");
    const size_t close = type.find('}', open);
    if (open != std::string::npos && close != std::string::npos) {
      std::stringstream list(type.substr(open + 2, close - open - 2));
      for (std::string v; std::getline(list, v, ',');) d.choices.push_back(v);
    }
    // A type name written as the value reads ("char|word|FILE|DIR"): its lower-case words are
    // the choices to complete.
    if (d.choices.empty() && d.value.find('|') != std::string::npos) {
      std::stringstream list(d.value);
      for (std::string v; std::getline(list, v, '|');) {
        if (!v.empty() &&
            std::all_of(v.begin(), v.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
          d.choices.push_back(v);
      }
    }
    static const std::regex range("in \\[(\\S+) - (\\S+)\\]");
    std::smatch m;
    if (std::regex_search(type, m, range)) {
      d.low = plain_number(m[1].str());
      d.high = plain_number(m[2].str());
    } else if (type.rfind("UINT", 0) == 0) {  // an unsigned option without a range of its own
      d.low = "0";
      d.high = std::to_string(std::numeric_limits<uint64_t>::max());
    }
  }
  // A value whose written form would read as CLI11's "TYPE:validator" ("A:B") is given as is.
  if (!o->get_option_text().empty()) d.value = o->get_option_text();
  d.description = o->get_description();
  d.default_value = o->get_default_str();
  for (const CLI::Option* other : o->get_excludes()) d.excludes.push_back(longest_name(other));
  for (const CLI::Option* other : o->get_needs()) d.needs.push_back(longest_name(other));
  return d;
}

std::vector<std::pair<std::string, std::vector<OptionDoc>>> grouped_options(const CLI::App& app) {
  std::vector<std::pair<std::string, std::vector<OptionDoc>>> groups;
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_group().empty()) continue;  // hidden
    if (groups.empty() || groups.back().first != o->get_group()) {
      groups.emplace_back(o->get_group(), std::vector<OptionDoc>{});
    }
    groups.back().second.push_back(describe(o));
  }
  return groups;
}

std::vector<OptionDoc> all_options(const CLI::App& app) {
  std::vector<OptionDoc> all;
  for (auto& [group, options] : grouped_options(app)) {
    all.insert(all.end(), options.begin(), options.end());
  }
  return all;
}

std::string join(const std::vector<std::string>& words, const std::string& sep) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : sep) + w;
  return out;
}

}  // namespace attnviz::app
