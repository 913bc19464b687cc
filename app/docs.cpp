// The man page and shell completions, generated from the CLI11 App that main() parses with.
#include "docs.hpp"

#include <cstdio>
#include <set>
#include <sstream>

#include "attnviz/text/utf8.hpp"
#include "attnviz/version.hpp"
#include "option_doc.hpp"

namespace attnviz::app {
namespace {

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

// The man page's fixed words, in English and Azerbaijani.
struct ManWords {
  const char* name;  // NAME's line, after "attnviz \-"
  const char* synopsis;
  const char* description;
  const char* exit_status;
  const char* environment;
  const char* files;
  const char* copyright;
  const char *name_heading, *synopsis_heading, *description_heading;
  const char *options, *exit, *env, *files_heading, *examples;
  const char *default_word, *not_with, *needs;
};

const ManWords kEnglish = {
    "see how each token attends to the ones before it (masked self\\-attention)",
    "(\\fB\\-\\-text\\fR \\fITEXT\\fR | \\fB\\-\\-file\\fR \\fIFILE\\fR | \\fB\\-\\-tokens\\fR "
    "\\fILIST\\fR) [\\fIOPTIONS\\fR]",
    R"(attnviz runs masked self-attention, exactly the SelfAttention module of the course "50 Gündə Süni-İntellekt" (day 12), on a text and shows the attention weights: as a labeled table on the terminal, a heatmap (PNG or SVG) for a slide, every number as JSON, or each step of the computation explained with its numbers in Azerbaijani or English. The numbers equal PyTorch's to float32 precision, and the random weights are the ones torch.manual_seed gives the lesson's code. Weights of a trained model (the lesson's module, Karpathy's gpt.py, a nanoGPT or GPT-2 checkpoint) load from the files PyTorch saves (torch.save: .pth, .pt, .bin, nanoGPT's ckpt.pt, read without running anything), safetensors or JSON, with the vocabulary found the way the training code finds it.

Row i of the table is the query of token i; column j is how much it takes from token j. Every row sums to 1. Masked cells (a future token) show as · and are exactly 0.)",
    R"(.TP
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
)",
    R"(.TP
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
)",
    "The font of the heatmap labels when \\-\\-font is not given (DejaVu Sans, from the "
    "fonts\\-dejavu\\-core package).\n.TP\n.I share/attnviz/\nSample texts, weights and example "
    "heatmaps, under the installation prefix (/usr for the Debian package, /usr/local by "
    "default for cmake \\-\\-install).\n",
    "attnviz is free software under the MIT license; the third\\-party parts it contains are "
    "listed in /usr/share/doc/attnviz/copyright.\n",
    "NAME",
    "SYNOPSIS",
    "DESCRIPTION",
    "OPTIONS",
    "\"EXIT STATUS\"",
    "ENVIRONMENT",
    "FILES",
    "EXAMPLES",
    "Default: ",
    "Not with ",
    "Needs "};

const ManWords kAzerbaijani = {
    "hər tokenin özündən əvvəlkilərə necə diqqət yetirdiyini gör (maskalanmış öz\\-diqqət)",
    "(\\fB\\-\\-text\\fR \\fIMƏTN\\fR | \\fB\\-\\-file\\fR \\fIFAYL\\fR | \\fB\\-\\-tokens\\fR "
    "\\fISİYAHI\\fR) [\\fISEÇİMLƏR\\fR]",
    R"(attnviz maskalanmış öz-diqqəti — "50 Gündə Süni-İntellekt" kursunun SelfAttention modulunu (12-ci gün) eynilə — bir mətn üzərində işlədir və diqqət çəkilərini göstərir: terminalda etiketli cədvəl, slayd üçün istilik xəritəsi (PNG və ya SVG), hər ədəd JSON kimi, ya da hesablamanın hər addımı öz ədədləri ilə Azərbaycan və ya ingilis dilində izah olunur. Ədədlər float32 dəqiqliyi ilə PyTorch-unkuna bərabərdir, təsadüfi çəkilər isə dərsin koduna torch.manual_seed-in verdikləridir. Öyrədilmiş modelin çəkiləri (dərsin modulu, Karpathy-nin gpt.py-i, nanoGPT və ya GPT-2 yoxlama nöqtəsi) PyTorch-un saxladığı fayllardan (torch.save: .pth, .pt, .bin, nanoGPT-nin ckpt.pt-i, heç nə işə salınmadan oxunur), safetensors və ya JSON-dan yüklənir; lüğət öyrətmə kodunun tapdığı kimi tapılır.

Cədvəlin i-ci sətri i-ci tokenin sorğusudur; j-ci sütun onun j-ci tokendən nə qədər götürdüyüdür. Hər sətrin cəmi 1-dir. Maskalanmış xanalar (gələcək token) · kimi göstərilir və dəqiq 0-dır.)",
    R"(.TP
.B 0
Uğur.
.TP
.B 1
Səhv giriş (mətn, çəki və ya şrift faylı) və ya alınmayan oxuma ya yazma. Heç nə itmir: hər çıxış ya tamdır, ya da yazılmır, mövcud fayl olduğu kimi qalır.
.TP
.B 2
İstifadə səhvi: naməlum seçim, çatışmayan və ya səhv dəyər, bir-birinə zidd seçimlər, bir fayla iki çıxış.
.PP
Hər səhv standart səhv axınında bir sətirdir, "attnviz: xəta: ...": faylı, açarı, mövqeyi və ya seçimi, nəyin gözlənildiyini və nəyin tapıldığını adlandırır.
)",
    R"(.TP
.B NO_COLOR
Verilib və boş deyilsə, cədvəl rənglənmir (\-\-color auto ilə).
.TP
.BR LC_ALL ", " LC_MESSAGES ", " LANG
\-\-lang verilməyəndə dili bunlardan verilmiş ilki seçir: "az" ilə başlayan lokal (az_AZ.UTF\-8) Azərbaycan dilini, hər hansı digəri ingilis dilini verir.
.TP
.B COLUMNS
Standart çıxış terminal olmayanda və \-\-width verilməyəndə cədvəlin eni (standart 80).
.TP
.B TERM
"dumb" cədvəlin rənglənməsini söndürür (\-\-color auto ilə).
)",
    "\\-\\-font verilməyəndə istilik xəritəsi etiketlərinin şrifti (DejaVu Sans, "
    "fonts\\-dejavu\\-core paketindən).\n.TP\n.I share/attnviz/\nQuraşdırma prefiksi altında "
    "nümunə mətnlər, çəkilər və istilik xəritələri (Debian paketi üçün /usr, cmake "
    "\\-\\-install üçün standart olaraq /usr/local).\n",
    "attnviz MIT lisenziyası ilə azad proqramdır; içindəki üçüncü tərəf hissələri "
    "/usr/share/doc/attnviz/copyright faylında sadalanır.\n",
    "AD",
    "XÜLASƏ",
    "TƏSVİR",
    "SEÇİMLƏR",
    "\"ÇIXIŞ KODU\"",
    "MÜHİT",
    "FAYLLAR",
    "NÜMUNƏLƏR",
    "Standart: ",
    "Bununla olmaz: ",
    "Lazımdır: "};

std::string man_option(const OptionDoc& d, const ManWords& w) {
  std::vector<std::string> names;
  for (const std::string& n : d.names) names.push_back("\\fB" + roff(n) + "\\fR");
  std::string out = ".TP\n" + join(names, ", ");
  if (!d.value.empty()) out += " \\fI" + roff(d.shown_value()) + "\\fR";
  out += "\n" + roff(d.description);
  if (!d.description.empty() &&
      std::string(".!?").find(d.description.back()) == std::string::npos) {
    out += ".";
  }
  if (!d.low.empty()) out += " " + roff(d.low) + "\\(en" + roff(d.high) + ".";
  if (!d.default_value.empty())
    out += " " + std::string(w.default_word) + roff(d.default_value) + ".";
  if (!d.excludes.empty())
    out += " " + std::string(w.not_with) + roff(join(d.excludes, ", ")) + ".";
  if (!d.needs.empty()) out += " " + std::string(w.needs) + roff(join(d.needs, ", ")) + ".";
  return out + "\n";
}

// The examples of --help's footer: command lines, then a closing remark.
std::string man_examples(const std::string& footer, const ManWords& w) {
  std::string out = ".SH " + std::string(w.examples) + "\n.nf\n";
  std::stringstream lines(footer);
  std::string line, closing;
  while (std::getline(lines, line)) {
    if (line == "Examples:" || line == "Nümunələr:") continue;
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

}  // namespace

std::string man_page(const CLI::App& app, const InstallPaths& paths, Lang lang) {
  const ManWords& w = lang == Lang::Az ? kAzerbaijani : kEnglish;
  std::string out = ".\\\" Generated from attnviz's option list at build time; do not edit.\n";
  out += ".TH ATTNVIZ 1 \"\" \"attnviz " + std::string(kVersion) + "\" \"User Commands\"\n";
  out += ".nh\n.ad l\n";  // option names are neither hyphenated nor stretched
  out += ".SH " + std::string(w.name_heading) + "\nattnviz \\- " + w.name + "\n";
  out += ".SH " + std::string(w.synopsis_heading) + "\n.B attnviz\n" + w.synopsis + "\n";
  out += ".SH " + std::string(w.description_heading) + "\n";
  std::stringstream paragraphs(w.description);
  for (std::string p; std::getline(paragraphs, p);) {
    if (!p.empty()) out += ".PP\n" + roff(p) + "\n";
  }
  out += ".SH " + std::string(w.options) + "\n";
  for (const auto& [group, options] : grouped_options(app)) {
    out += ".SS " + roff(group) + "\n";
    for (const OptionDoc& d : options) out += man_option(d, w);
  }
  out += ".SH " + std::string(w.exit) + "\n" + w.exit_status;
  out += ".SH " + std::string(w.env) + "\n" + w.environment;
  out += ".SH " + std::string(w.files_heading) + "\n.TP\n.I " + roff(paths.font) + "\n" + w.files;
  out += man_examples(app.get_footer(), w);
  out += ".SH COPYRIGHT\n" + std::string(w.copyright);
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
    const std::string value = zsh_text(d.value);  // a message: its colons escaped (A\:B)
    if (d.takes_file()) {
      action = ":file:_files";
    } else if (!d.choices.empty()) {
      action = ":" + value + ":(" + join(d.choices, " ") + ")";
    } else if (!d.value.empty()) {
      action = ":" + value + ": ";
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
