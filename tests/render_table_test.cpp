// The terminal table: labels, masked cells, alignment by display width, column blocks, color.
#include "attnviz/render/render_table.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "attnviz/run/run.hpp"
#include "attnviz/text/utf8.hpp"

namespace attnviz {
namespace {

Request text_request(const std::string& text, bool causal = true) {
  Request r;
  r.text = text;
  r.text_origin = "--text";
  r.causal = causal;
  return r;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// The whole table in one block, no color, no row summaries.
std::string table_for(const Request& request) {
  return render_table(run(request), {0, nullptr, 3, Lang::En, false});
}

TEST(RenderTable, HeaderSaysWhatWasComputed) {
  const std::string table = table_for(text_request("Azərbaycan dili"));
  const auto lines = lines_of(table);
  EXPECT_EQ(lines[0],
            "\"Azərbaycan dili\": masked self-attention, 15 tokens (char), n_embd 16, head_size "
            "16, random weights (seed 1337)");
  EXPECT_NE(lines[1].find("· = masked"), std::string::npos);
}

TEST(RenderTable, MaskedCellsAreDotsNeverZeros) {
  const Request request = text_request("Azərbaycan dili");
  const Result result = run(request);
  const std::string body = render_table(result, {0, nullptr, 3});
  const std::string rows = body.substr(body.find("\n 0 A"));
  EXPECT_EQ(count(rows, "·"), 15u * 14u / 2u);
  // Every computed cell prints its value, including the first row's weight 1.
  EXPECT_NE(rows.find(" 0 A  1.000"), std::string::npos);
}

TEST(RenderTable, LabelsShowSpacesAndAlignByDisplayWidth) {
  const std::string table = table_for(text_request("ə 中😀i\u0307"));
  EXPECT_NE(table.find("␣"), std::string::npos);
  const auto lines = lines_of(table);
  // Lines 3.. are the index row, the label row and T rows: all the same width on screen.
  const int width = utf8::display_width(lines[3]);
  for (size_t i = 3; i < lines.size(); ++i) {
    EXPECT_EQ(utf8::display_width(lines[i]), width) << lines[i];
  }
}

TEST(RenderTable, WideMatricesPrintInBlocksThatFit) {
  const Request request = text_request("Diqqət mexanizmi mənanı fokuslayır");
  const std::string table = render_table(run(request), {60, nullptr, 3, Lang::En, false, true});
  EXPECT_NE(table.find("keys 0–"), std::string::npos);
  for (const std::string& line : lines_of(table)) {
    if (line.rfind("\"", 0) == 0 || line.rfind("rows:", 0) == 0) continue;  // header lines
    EXPECT_LE(utf8::display_width(line), 60) << line;
  }
  // Every cell appears once across the blocks: 34 rows × 34 columns, the upper triangle masked.
  const auto T = static_cast<size_t>(34);
  EXPECT_EQ(count(table.substr(table.find("keys 0–")), "·"), T * (T - 1) / 2);
}

// More than numpy's 1000 cells: the first and last 3 rows and columns, their numbers the
// matrix's own, and a line saying how to see everything.
TEST(RenderTable, LargeTablesAreSummarisedAsNumpyPrintsArrays) {
  const Request request = text_request("Diqqət mexanizmi mənanı fokuslayır");  // 34 tokens
  const Result result = run(request);
  const std::string table = render_table(result, {0, nullptr, 3, Lang::En, true});
  const auto lines = lines_of(table);
  EXPECT_EQ(lines[3], "          0      1      2  …     31     32     33");
  EXPECT_EQ(lines[8], " ⋮        ⋮      ⋮      ⋮  ⋮      ⋮      ⋮      ⋮");
  const std::string last = lines[11];
  char expected[128];
  std::snprintf(expected, sizeof expected, "33 r  %.3f  %.3f  %.3f  …  %.3f  %.3f  %.3f",
                static_cast<double>(result.trace().heads[0].weights(33, 0)),
                static_cast<double>(result.trace().heads[0].weights(33, 1)),
                static_cast<double>(result.trace().heads[0].weights(33, 2)),
                static_cast<double>(result.trace().heads[0].weights(33, 31)),
                static_cast<double>(result.trace().heads[0].weights(33, 32)),
                static_cast<double>(result.trace().heads[0].weights(33, 33)));
  EXPECT_EQ(last, expected);
  EXPECT_NE(table.find("34 × 34 weights: the first and last 3 rows and columns are shown"),
            std::string::npos);
  // The row summaries follow the same rows.
  const std::string summaries = table.substr(table.find("Row summaries"));
  EXPECT_NE(summaries.find("\n 2 q "), std::string::npos);
  EXPECT_NE(summaries.find("\n ⋮\n31 "), std::string::npos);
  EXPECT_EQ(summaries.find("\n 3 "), std::string::npos);
  // 31 tokens (961 cells) print whole, as does --full.
  const Request shorter = text_request("Diqqət mexanizmi mənanı fokusla");
  EXPECT_EQ(table_for(shorter).find("⋮"), std::string::npos);
  const std::string full = render_table(result, {0, nullptr, 3, Lang::En, false, true});
  EXPECT_EQ(full.find("⋮"), std::string::npos);
  EXPECT_EQ(count(full.substr(full.find("\n 0 ")), "·"), 34u * 33u / 2u);
}

// --rows/--cols: the block's own rows and columns, the threshold counted on the block.
TEST(RenderTable, ABlockKeepsItsPositionsAndIsSummarisedByItsOwnSize) {
  const Result result = run(text_request("Diqqət mexanizmi mənanı fokuslayır"));  // 34 tokens
  TableOptions options{0, nullptr, 3, Lang::En, false};
  options.view.rows = Slice{-4, std::nullopt};
  options.view.cols = Slice{std::nullopt, 5};
  const auto lines = lines_of(render_table(result, options));
  EXPECT_EQ(lines[2], "Rows 30–33 and columns 0–4 of the 34 tokens are shown (--rows, --cols).");
  EXPECT_EQ(lines[4], "          0      1      2      3      4");
  ASSERT_GE(lines.size(), 10u);
  EXPECT_EQ(lines[6].substr(0, 4), "30 a");
  EXPECT_EQ(lines[9].substr(0, 4), "33 r");
  EXPECT_EQ(lines.size(), 10u);  // nothing after row 33, nothing summarised
  // 30 × 34 = 1 020 cells pass numpy's threshold; 29 × 34 do not.
  options.view.rows = Slice{4, std::nullopt};
  options.view.cols = std::nullopt;
  const std::string many = render_table(result, options);
  EXPECT_NE(many.find("30 × 34 weights: the first and last"), std::string::npos) << many;
  EXPECT_NE(many.find("\n 4 "), std::string::npos);
  EXPECT_EQ(many.find("\n 3 "), std::string::npos);
  options.view.rows = Slice{5, std::nullopt};
  EXPECT_EQ(render_table(result, options).find("⋮"), std::string::npos);
}

TEST(RenderTable, NoMaskHasNoDots) {
  const std::string table = table_for(text_request("salam", false));
  EXPECT_NE(table.find("self-attention without mask"), std::string::npos);
  EXPECT_EQ(count(table, "·"), 0u);
}

TEST(RenderTable, ColorOnlyWhenAsked) {
  const Request request = text_request("abc");
  const Result result = run(request);
  EXPECT_EQ(render_table(result, {0, nullptr, 3}).find('\x1b'), std::string::npos);
  const std::string colored = render_table(result, {0, &Colormap::named("viridis"), 3});
  EXPECT_EQ(count(colored, "\x1b[48;2;"), 6u);  // one shaded cell per unmasked weight
  // Weight 1 takes viridis' last entry, with black text on it.
  EXPECT_NE(colored.find("\x1b[48;2;253;231;36m\x1b[38;2;0;0;0m1.000"), std::string::npos);
}

TEST(RenderTable, PrecisionSetsDigits) {
  const Request request = text_request("ab");
  const std::string table = render_table(run(request), {0, nullptr, 5});
  EXPECT_NE(table.find("1.00000"), std::string::npos);
}

TEST(RenderTable, RowSummariesNameTheTopKeyAndEntropy) {
  const Request request = text_request("abc");
  const Result result = run(request);
  const std::string table = render_table(result, {0, nullptr, 3, Lang::En, true});
  EXPECT_NE(table.find("Row summaries"), std::string::npos);
  // Row 0 sees only itself: weight 1, entropy 0 of at most log2(1) = 0.
  const std::string row0 = table.substr(table.find("\n0 a    0 a"));
  EXPECT_EQ(row0.substr(0, row0.find('\n', 1)),
            "\n0 a    0 a               1.000  0.00 bits (max 0.00)");
  EXPECT_NE(table.find("(max 1.58)"), std::string::npos);  // row 2 sees 3 keys: log2 3
}

TEST(RenderTable, EveryHeadOrTheChosenOne) {
  Request request = text_request("Bakı");
  request.random.n_embd = 8;
  request.random.n_head = 2;
  const std::string all = render_table(run(request), {0, nullptr, 3, Lang::En, false});
  EXPECT_NE(all.find("\nhead 0\n"), std::string::npos);
  EXPECT_NE(all.find("\nhead 1\n"), std::string::npos);
  EXPECT_NE(all.find("masked multi-head attention (2 heads)"), std::string::npos);
  TableOptions options{0, nullptr, 3, Lang::En, false};
  options.view.head = {HeadChoice::Kind::Some, {1}};
  const std::string one = render_table(run(request), options);
  EXPECT_EQ(one.find("\nhead 0\n"), std::string::npos);
  EXPECT_NE(one.find("\nhead 1\n"), std::string::npos);
  request.means = true;
  const Result mean = run(request);
  EXPECT_TRUE(mean.mean_weights.at(0).isApprox(
      (mean.trace().heads[0].weights + mean.trace().heads[1].weights) / 2.0f));
  options.view.head = {HeadChoice::Kind::Mean, {}};
  EXPECT_NE(render_table(mean, options).find("mean of 2 heads"), std::string::npos);
}

TEST(RenderTable, AzerbaijaniHeaders) {
  const Request request = text_request("Azərbaycan dili");
  const std::string table = render_table(run(request), {0, nullptr, 3, Lang::Az, true});
  EXPECT_NE(table.find("maskalanmış öz-diqqət, 15 token (char)"), std::string::npos);
  EXPECT_NE(table.find("sətirlər: sorğular, sütunlar: açarlar"), std::string::npos);
  EXPECT_NE(table.find("Sətir xülasəsi"), std::string::npos);
  EXPECT_EQ(table.find("queries"), std::string::npos);
}

}  // namespace
}  // namespace attnviz
