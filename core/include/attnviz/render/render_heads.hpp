// --heads-report (and the last section of --explain): every head of a whole model, its score for
// each pattern on the run's text, and a label where one is clear.
#pragma once

#include <string>

#include "attnviz/i18n/messages.hpp"
#include "attnviz/model/head_scores.hpp"
#include "attnviz/run/result.hpp"

namespace attnviz {

// A pattern's short name ("previous") and a head's label ("previous-token head"), in `lang`.
std::string pattern_name(HeadPattern p, Lang lang);
std::string head_label_text(const HeadScore& score, Lang lang);

// What the scores are (a paragraph), and the table of scores — one row per layer and head, then
// what each pattern P is.
std::string heads_intro(const Result& result, Lang lang);
std::string heads_table(const Result& result, Lang lang);

// The title, intro and table. Throws Error when the result is not a whole model's.
std::string render_heads_report(const Result& result, Lang lang);

}  // namespace attnviz
