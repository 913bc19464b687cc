// The man page and shell completions, generated from the CLI11 App that main() parses with.
#include "docs.hpp"

#include <cstdio>
#include <set>
#include <sstream>

#include "attnviz/text/utf8.hpp"
#include "attnviz/version.hpp"

namespace attnviz::app {
namespace {

// What the documentation needs to know of one option.
struct OptionDoc {
  std::vector<std::string> names;    // "-t", "--text"
  std::string value;                 // "TEXT", "FILE", ...; empty for a flag
  std::vector<std::string> choices;  // a fixed set of values ({char,word}), else empty
  std::string description;
  std::string default_value;
  std::vector<std::string> excludes;  // long names of options it cannot be used with
  std::vector<std::string> needs;
  bool takes_file() const { return value.rfind("FILE", 0) == 0; }
};

std::string longest_name(const CLI::Option* o) {
  if (!o->get_lnames().empty()) return "--" + o->get_lnames().front();
  return "-" + o->get_snames().front();
}

OptionDoc describe(const CLI::Option* o) {
  OptionDoc d;
  for (const std::string& s : o->get_snames()) d.names.push_back("-" + s);
  for (const std::string& l : o->get_lnames()) d.names.push_back("--" + l);
  if (o->get_type_size() != 0) {
    // CLI11 writes the type and each validator's description: "TEXT:{char,word}", "INT:INT in
    // [1 - 9]". A set of choices becomes the completions; the rest is for --help only.
    const std::string type = o->get_type_name();
    d.value = type.substr(0, type.find(':'));
    const size_t open = type.find(":{");
    const size_t close = type.find('}', open);
    if (open != std::string::npos && close != std::string::npos) {
      std::stringstream list(type.substr(open + 2, close - open - 2));
      for (std::string v; std::getline(list, v, ',');) d.choices.push_back(v);
    }
  }
  d.description = o->get_description();
  d.default_value = o->get_default_str();
  for (const CLI::Option* other : o->get_excludes()) d.excludes.push_back(longest_name(other));
  for (const CLI::Option* other : o->get_needs()) d.needs.push_back(longest_name(other));
  return d;
}

// The options in --help's order, grouped as --help groups them.
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

// ---- man page ----

// Text for roff: backslashes and hyphens escaped (so options copy as ASCII), every character
// outside ASCII as \[uXXXX], a line that would start with a control character guarded.
std::string roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (const char32_t c : utf8::code_points(text)) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    line_start = c == '\n';
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\[u%04X]", static_cast<unsigned>(c));
      out += buf;
    }
  }
  return out;
}

std::string man_option(const OptionDoc& d) {
  std::vector<std::string> names;
  for (const std::string& n : d.names) names.push_back("\\fB" + roff(n) + "\\fR");
  std::string out = ".TP\n" + join(names, ", ");
  if (!d.value.empty()) {
    out += " \\fI" + roff(d.choices.empty() ? d.value : join(d.choices, "|")) + "\\fR";
  }
  out += "\n" + roff(d.description);
  if (!d.description.empty() &&
      std::string(".!?").find(d.description.back()) == std::string::npos) {
    out += ".";
  }
  if (!d.default_value.empty()) out += " Default: " + roff(d.default_value) + ".";
  if (!d.excludes.empty()) out += " Not with " + roff(join(d.excludes, ", ")) + ".";
  if (!d.needs.empty()) out += " Needs " + roff(join(d.needs, ", ")) + ".";
  return out + "\n";
}

// The examples of --help's footer: command lines, then a closing remark.
std::string man_examples(const std::string& footer) {
  std::string out = ".SH EXAMPLES\n.nf\n";
  std::stringstream lines(footer);
  std::string line, closing;
  while (std::getline(lines, line)) {
    if (line == "Examples:") continue;
    if (line.rfind("  ", 0) == 0) {
      out += roff(line.substr(2)) + "\n";
    } else if (!line.empty()) {
      closing += line + "\n";
    }
  }
  out += ".fi\n";
  if (!closing.empty()) out += ".PP\n" + roff(closing);
  return out;
}

constexpr const char* kManDescription =
    R"(attnviz runs masked self-attention, exactly the SelfAttention module of the course "50 Gündə Süni-İntellekt" (day 12), on a text and shows the attention weights: as a labeled table on the terminal, a heatmap (PNG or SVG) for a slide, every number as JSON, or each step of the computation explained with its numbers in Azerbaijani or English. The numbers equal PyTorch's to float32 precision, and the random weights are the ones torch.manual_seed gives the lesson's code. Weights of a trained model (the lesson's module, Karpathy's gpt.py, a nanoGPT or GPT-2 checkpoint) load from the files PyTorch saves (torch.save: .pth, .pt, .bin, nanoGPT's ckpt.pt, read without running anything), safetensors or JSON, with the vocabulary found the way the training code finds it.

Row i of the table is the query of token i; column j is how much it takes from token j. Every row sums to 1. Masked cells (a future token) show as · and are exactly 0.)";

constexpr const char* kManExitStatus = R"(.TP
.B 0
Success.
.TP
.B 1
Bad input (text, weights or font file) or a failed read or write. Nothing is lost: every output is complete or not written, an existing file is left as it was.
.TP
.B 2
A usage error: an unknown option, a missing or bad value, conflicting options, two outputs to one file.
.PP
Every error is one line on standard error, "attnviz: error: ...", naming the file, key, position or option, what was expected and what was found.
)";

constexpr const char* kManEnvironment = R"(.TP
.B NO_COLOR
When set and not empty, the table is not shaded (with \-\-color auto).
.TP
.BR LC_ALL ", " LC_MESSAGES ", " LANG
The first one set chooses the language when \-\-lang is not given: a locale starting with "az" (az_AZ.UTF\-8) gives Azerbaijani, any other English.
.TP
.B COLUMNS
The table's width when standard output is not a terminal and \-\-width is not given (default 80).
.TP
.B TERM
"dumb" turns the table's shading off (with \-\-color auto).
)";

}  // namespace

std::string man_page(const CLI::App& app, const InstallPaths& paths) {
  std::string out = ".\\\" Generated from attnviz's option list at build time; do not edit.\n";
  out += ".TH ATTNVIZ 1 \"\" \"attnviz " + std::string(kVersion) + "\" \"User Commands\"\n";
  out += ".nh\n.ad l\n";  // option names are neither hyphenated nor stretched
  out +=
      ".SH NAME\nattnviz \\- see how each token attends to the ones before it (masked "
      "self\\-attention)\n";
  out +=
      ".SH SYNOPSIS\n.B attnviz\n(\\fB\\-\\-text\\fR \\fITEXT\\fR | \\fB\\-\\-file\\fR "
      "\\fIFILE\\fR | \\fB\\-\\-tokens\\fR \\fILIST\\fR) [\\fIOPTIONS\\fR]\n";
  out += ".SH DESCRIPTION\n";
  std::stringstream paragraphs(kManDescription);
  for (std::string p; std::getline(paragraphs, p);) {
    if (!p.empty()) out += ".PP\n" + roff(p) + "\n";
  }
  out += ".SH OPTIONS\n";
  for (const auto& [group, options] : grouped_options(app)) {
    out += ".SS " + roff(group) + "\n";
    for (const OptionDoc& d : options) out += man_option(d);
  }
  out += ".SH \"EXIT STATUS\"\n" + std::string(kManExitStatus);
  out += ".SH ENVIRONMENT\n" + std::string(kManEnvironment);
  out += ".SH FILES\n.TP\n.I " + roff(paths.font) +
         "\nThe font of the heatmap labels when \\-\\-font is not given (DejaVu Sans, from the "
         "fonts\\-dejavu\\-core package).\n"
         ".TP\n.I share/attnviz/\nSample texts, weights and example heatmaps, under the "
         "installation prefix (/usr for the Debian package, /usr/local by default for cmake "
         "\\-\\-install).\n";
  out += man_examples(app.get_footer());
  out +=
      ".SH COPYRIGHT\nattnviz is free software under the MIT license; the third\\-party parts "
      "it contains are listed in /usr/share/doc/attnviz/copyright.\n";
  return out;
}

// ---- bash ----

std::string bash_completion(const CLI::App& app) {
  std::string names, cases, files, values;
  for (const OptionDoc& d : all_options(app)) {
    const std::string pattern = join(d.names, "|");
    names += (names.empty() ? "" : " ") + join(d.names, " ");
    if (d.takes_file()) {
      files += (files.empty() ? "" : "|") + pattern;
    } else if (!d.choices.empty()) {
      cases += "    " + pattern + ") words=\"" + join(d.choices, " ") + "\" ;;\n";
    } else if (!d.value.empty()) {
      values += (values.empty() ? "" : "|") + pattern;
    }
  }
  if (!files.empty()) {
    cases += "    " + files +
             ")\n"
             "      compopt -o filenames 2>/dev/null\n"
             "      mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
             "      return ;;\n";
  }
  if (!values.empty()) cases += "    " + values + ") COMPREPLY=(); return ;;  # the user's own\n";
  return "# bash completion for attnviz " + std::string(kVersion) +
         "; generated from its option list at build time.\n"
         "_attnviz() {\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
         "  local words=\"" +
         names +
         "\"\n"
         "  # --option=value: bash splits at '=', so the option is one or two words back.\n"
         "  if [[ $cur == = ]]; then cur=; elif [[ $prev == = ]]; then "
         "prev=${COMP_WORDS[COMP_CWORD-2]}; fi\n"
         "  case $prev in\n" +
         cases +
         "  esac\n"
         "  mapfile -t COMPREPLY < <(compgen -W \"$words\" -- \"$cur\")\n"
         "}\n"
         "complete -F _attnviz attnviz\n";
}

// ---- zsh ----

// A description for _arguments: one line, brackets and quotes that would end it escaped.
std::string zsh_text(const std::string& text) {
  std::string out;
  for (const char c : text.substr(0, text.find(". "))) {
    if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
    if (c == '\'') {
      out += "'\\''";
      continue;
    }
    out += c;
  }
  return out;
}

std::string zsh_completion(const CLI::App& app) {
  std::string out = "#compdef attnviz\n# zsh completion for attnviz " + std::string(kVersion) +
                    "; generated from its option list at build time.\n_arguments -s \\\n";
  for (const OptionDoc& d : all_options(app)) {
    std::string action;
    if (d.takes_file()) {
      action = ":file:_files";
    } else if (!d.choices.empty()) {
      action = ":" + d.value + ":(" + join(d.choices, " ") + ")";
    } else if (!d.value.empty()) {
      action = ":" + d.value + ": ";
    }
    const std::string excl = d.excludes.empty() && d.names.size() < 2
                                 ? ""
                                 : "(" + join(d.names, " ") + " " + join(d.excludes, " ") + ")";
    for (const std::string& name : d.names) {
      // "--opt=" takes the value joined or as the next word; "-t+" likewise for short names.
      const std::string spec = d.value.empty() ? name : name + (name.size() == 2 ? "+" : "=");
      out += "  '" + excl + spec + "[" + zsh_text(d.description) + "]" + action + "' \\\n";
    }
  }
  out += "  && return 0\n";
  return out;
}

}  // namespace attnviz::app
