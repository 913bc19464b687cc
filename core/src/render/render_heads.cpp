// The heads report: a plain table of scores (two decimals: they are shares, not weights), a label
// per head, and a legend of the patterns.
#include "attnviz/render/render_heads.hpp"

#include <cstdio>

#include "attnviz/text/utf8.hpp"

namespace attnviz {
namespace {

Msg offset(Msg first, HeadPattern p) {
  return static_cast<Msg>(static_cast<int>(first) + static_cast<int>(p));
}

// `text` padded with spaces to `width` terminal columns, on the right or the left.
std::string pad(const std::string& text, int width, bool right_align) {
  const int fill = std::max(0, width - utf8::display_width(text));
  return right_align ? std::string(static_cast<size_t>(fill), ' ') + text
                     : text + std::string(static_cast<size_t>(fill), ' ');
}

std::string share(float v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(v));
  return buf;
}

}  // namespace

std::string pattern_name(HeadPattern p, Lang lang) {
  return std::string(text(lang, offset(Msg::PatternPreviousToken, p)));
}

std::string head_label_text(const HeadScore& score, Lang lang) {
  const auto label = head_label(score);
  if (label) return std::string(text(lang, offset(Msg::LabelPreviousToken, *label)));
  return std::string(text(lang, score.withheld ? Msg::LabelWithheld : Msg::LabelNone));
}

std::string heads_intro(const Result& result, Lang lang) {
  std::string out =
      say(lang, Msg::HeadsText, {std::to_string(result.tokens.size()), share(kLabelThreshold)});
  if (!result.induction_test_ids.empty()) {
    out += "\n" +
           say(lang, Msg::HeadsRepeatedText, {std::to_string(result.induction_test_ids.size())});
  }
  if (result.labels_withheld) out += "\n" + result.labels_withheld->in(lang) + ".";
  return out;
}

std::string heads_table(const Result& result, Lang lang) {
  const bool repeated = !result.induction_test_ids.empty();
  std::vector<std::string> header = {say(lang, Msg::HeadsLayer), say(lang, Msg::HeadsHead)};
  for (int p = 0; p < kHeadPatterns; ++p) {
    header.push_back(pattern_name(static_cast<HeadPattern>(p), lang));
  }
  if (repeated) header.push_back(say(lang, Msg::HeadsRepeated));
  std::vector<int> widths;
  for (const std::string& h : header) widths.push_back(std::max(4, utf8::display_width(h)));

  std::string out;
  for (size_t c = 0; c < header.size(); ++c) out += pad(header[c], widths[c], true) + "  ";
  out += say(lang, Msg::HeadsLabel) + "\n";
  for (const HeadScore& s : result.head_scores) {
    std::vector<std::string> cells = {std::to_string(s.layer), std::to_string(s.head)};
    for (const float v : s.score) cells.push_back(share(v));
    if (repeated) cells.push_back(s.repeated_induction ? share(*s.repeated_induction) : "");
    for (size_t c = 0; c < cells.size(); ++c) out += pad(cells[c], widths[c], true) + "  ";
    out += head_label_text(s, lang) + "\n";
  }
  out += "\n";
  int name_width = 0;
  for (int p = 0; p < kHeadPatterns; ++p) {
    name_width = std::max(name_width, utf8::display_width(pattern_name(HeadPattern(p), lang)));
  }
  for (int p = 0; p < kHeadPatterns; ++p) {
    const auto pattern = static_cast<HeadPattern>(p);
    out += "  " + pad(pattern_name(pattern, lang), name_width, false) + "  " +
           std::string(text(lang, offset(Msg::LegendPreviousToken, pattern))) + "\n";
  }
  return out;
}

std::string render_heads_report(const Result& result, Lang lang) {
  if (!result.model) throw Error(Err::NeedsModel, {"--heads-report"});
  return say(lang, Msg::HeadsTitle) + "\n" + heads_intro(result, lang) + "\n\n" +
         heads_table(result, lang);
}

}  // namespace attnviz
