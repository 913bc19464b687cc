// A teacher's and a student's first commands, end to end: what the model cannot read is said and
// never labelled, a single-dash long option or a typo is named with what was meant, values are
// explained as a person writes them, and long texts run as the model reads them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_fixture.hpp"

namespace {

using attnviz::test::Outcome;
using nlohmann::json;
using Workflow = attnviz::test::CliTest;
namespace fs = std::filesystem;

// The labels of every head in a run's JSON.
std::vector<json> labels_of(const json& out) {
  std::vector<json> labels;
  for (const json& h : out["head_scores"]) labels.push_back(h["label"]);
  return labels;
}

TEST_F(Workflow, StandInsNeverMatchAPatternAndUnreadTextsLabelNothing) {
  // Letters the model lacks (Russian's ъ and щ) all run as the stand-in; they used to score as
  // duplicates and inductions of each other and label every head.
  const Outcome o = run({"--model", "az", "--text", "ъщъщъщъщ ъщъщ", "--json", "-"});
  ASSERT_EQ(o.status, 0) << o.err;
  const json out = json::parse(o.out);
  for (const json& h : out["head_scores"]) {
    EXPECT_EQ(h["scores"]["duplicate_token"].get<float>(), 0.0f);
    EXPECT_EQ(h["scores"]["induction"].get<float>(), 0.0f);
    EXPECT_TRUE(h["label"].is_null()) << h;
  }
  EXPECT_NE(out["labels_withheld"].get<std::string>().find("12 of the text's 13 tokens"),
            std::string::npos)
      << out["labels_withheld"];
  EXPECT_NE(o.err.find("heads are not labelled: 12 of the text's 13 tokens"), std::string::npos)
      << o.err;

  // The report says why, and its label column says so too; the heatmap captions carry no label.
  const Outcome report = run({"--model", "az", "--text", "ъщъщъщъщ ъщъщ", "--heads-report"});
  ASSERT_EQ(report.status, 0) << report.err;
  EXPECT_NE(report.out.find("heads are not labelled: 12 of"), std::string::npos) << report.out;
  EXPECT_EQ(report.out.find("duplicate-token head"), std::string::npos) << report.out;
  EXPECT_EQ(report.out.find("induction head"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("not labelled from this text"), std::string::npos);
  const Outcome svg = run({"--model", "az", "--text", "ъщъщъщъщ ъщъщ", "--svg", "-"});
  ASSERT_EQ(svg.status, 0) << svg.err;
  EXPECT_EQ(svg.out.find(" · "), std::string::npos);

  // One token shows no pattern.
  const Outcome one = run({"--model", "az", "--text", "a", "--json", "-"});
  ASSERT_EQ(one.status, 0) << one.err;
  for (const json& label : labels_of(json::parse(one.out))) EXPECT_TRUE(label.is_null());
  EXPECT_EQ(json::parse(one.out)["labels_withheld"],
            "heads are not labelled: a text of one token shows no pattern");
}

TEST_F(Workflow, AzerbaijaniCyrillicIsReadInTheLatinAlphabetWithItsOwnLabels) {
  const Outcome cyrillic = run({"--model", "az", "--text", "Азәрбајҹан дили", "--json", "-"});
  const Outcome latin = run({"--model", "az", "--text", "Azərbaycan dili", "--json", "-"});
  ASSERT_EQ(cyrillic.status, 0) << cyrillic.err;
  ASSERT_EQ(latin.status, 0) << latin.err;
  const json c = json::parse(cyrillic.out), l = json::parse(latin.out);
  EXPECT_EQ(c["token_ids"], l["token_ids"]);
  EXPECT_EQ(c["tokens"][2], "ә");
  EXPECT_EQ(c["tokens"][7], "ҹ");
  EXPECT_EQ(c["layers"], l["layers"]);
  EXPECT_EQ(labels_of(c), labels_of(l));
  EXPECT_FALSE(c.contains("labels_withheld"));
  EXPECT_EQ(cyrillic.err,
            "attnviz: warning: --model az: read in the Latin alphabet the model knows, letter for "
            "letter: А→A, з→z, ә→ə, р→r, б→b, а→a, ј→y, ҹ→c, н→n, д→d, и→i, л→l; the labels keep "
            "the letters as written\n");
  // Letters outside the Azerbaijani alphabet stay stand-ins, named once, a CR as a visible symbol.
  const Outcome russian = run({"--model", "az", "--text", "щи\r\nщдом"});
  ASSERT_EQ(russian.status, 0) << russian.err;
  EXPECT_NE(russian.err.find("not in the model's vocabulary: \"щ\", \"␍\";"), std::string::npos)
      << russian.err;
}

TEST_F(Workflow, MistypedOptionsAreNamedWithWhatWasMeant) {
  // CLI11 alone reads -text as -t ext; --txt as a stray argument.
  expect_error({"-text", "salam"}, 2,
               "attnviz: error: -text: a long option takes two dashes; did you mean --text? "
               "(see attnviz --help)\n");
  expect_error({"-txt", "salam"}, 2, "-txt: a long option takes two dashes; did you mean --text?");
  expect_error({"--txt", "salam"}, 2, "--txt: unknown option; did you mean --text?");
  expect_error({"--text", "a", "--explian"}, 2,
               "--explian: unknown option; did you mean --explain?");
  expect_error({"--text", "a", "--heads-repo"}, 2, "did you mean --heads-report?");
  expect_error({"--text", "a", "--frobnicate"}, 2, "--frobnicate: unknown option (see");
  expect_error({"salam"}, 2,
               "salam: unexpected argument; a text goes after --text, as in --text \"salam\"");
  // What follows an option that takes a value is its value, whatever it looks like.
  const Outcome dash = run({"--text", "-text", "--n-embd=8"});
  EXPECT_EQ(dash.status, 0) << dash.err;
  EXPECT_NE(dash.out.find("\"-text\": masked self-attention, 5 tokens"), std::string::npos)
      << dash.out;
  EXPECT_EQ(run({"-t", "ab", "-V"}).status, 0);
  // In Azerbaijani too.
  EXPECT_EQ(run({"-text", "salam", "--lang", "az"}).err,
            "attnviz: xəta: -text: uzun seçim iki tire ilə yazılır; bəlkə --text nəzərdə "
            "tutulub? (bax: attnviz --help)\n");
}

TEST_F(Workflow, ValuesAreExplainedAsAPersonWritesThem) {
  expect_error({"--text", "a", "--heads", "four"}, 2,
               "--heads four: not a whole number from 1 to 65536");
  expect_error({"--text", "a", "--threads", "1.5"}, 2,
               "--threads 1.5: not a whole number from 1 to 1024");
  expect_error({"--text", "a", "--scale", "0.1"}, 2, "--scale 0.1: not in 0.25 … 8 (see");
  expect_error({"--text", "a", "--scale", "big"}, 2, "--scale big: not a number");
  expect_error({"--text", "a", "--width", "-3"}, 2, "--width -3: not in 0 … 1048576");
  expect_error({"--text", "a", "--seed", "-1"}, 2,
               "--seed -1: not a whole number from 0 to 18446744073709551615");
  expect_error({"--text", "a", "--seed", "18446744073709551616"}, 2,
               "not a whole number from 0 to 18446744073709551615");
}

TEST_F(Workflow, TheLessonsOwnSentenceRunsPastTheShippedModelsContext) {
  const std::string lesson = std::string(ATTNVIZ_DATA) + "/texts/lesson-definition.txt";
  const Outcome o = run({"--model", "az", "--file", lesson, "--json", "-"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.err, "attnviz: warning: " + lesson +
                       ": 145 tokens, more than the model's block_size 64: each token sees the 64 "
                       "tokens ending at it, as when the model writes (--long-text last: only "
                       "the last 64 tokens)\n");
  const json out = json::parse(o.out);
  EXPECT_EQ(out["config"]["window"], 64);
  ASSERT_EQ(out["tokens"].size(), 145u);
  ASSERT_EQ(out["predictions"].size(), 145u);
  size_t outside_band = 0, rows_off = 0;  // nonzero weights outside the band; rows not summing to 1
  for (const json& layer : out["layers"]) {
    for (const json& head : layer["heads"]) {
      const json& w = head["weights"];
      for (size_t i = 0; i < 145; ++i) {
        double sum = 0;
        for (size_t j = 0; j < 145; ++j) {
          const double v = w[i][j].get<double>();
          outside_band += (j > i || i - j >= 64) && v != 0.0;
          sum += v;
        }
        rows_off += std::abs(sum - 1.0) > 1e-5;
      }
    }
  }
  EXPECT_EQ(outside_band, 0u);
  EXPECT_EQ(rows_off, 0u);
  // The table says so; the picture masks the band's two sides; the page knows the window.
  const Outcome table = run({"--model", "az", "--file", lesson, "--width", "0"});
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("145 tokens (codepoint), n_embd 128, head_size 32, each token sees the "
                           "last 64"),
            std::string::npos);
  EXPECT_NE(table.out.find("each row sees only the 64 tokens ending at it"), std::string::npos);
  EXPECT_NE(table.out.find("(max 6.00)"), std::string::npos);  // log2 64, not log2 145
  EXPECT_EQ(table.out.find("(max 7.18)"), std::string::npos);
  const Outcome svg = run({"--model", "az", "--file", lesson, "--layer", "1", "--head", "0",
                           "--svg", "-", "--no-table"});
  ASSERT_EQ(svg.status, 0) << svg.err;
  // One rectangle per row's run of masked cells: the future in rows 0–143, the keys before the
  // window in rows 64–144.
  const size_t path = svg.out.find("<path class=\"masked\"");
  ASSERT_NE(path, std::string::npos);
  EXPECT_EQ(std::count(svg.out.begin() + path, svg.out.begin() + svg.out.find("/>", path), 'Z'),
            144 + 81);
  const Outcome page = run({"--model", "az", "--file", lesson, "--html", "-"});
  ASSERT_EQ(page.status, 0) << page.err;
  EXPECT_NE(page.out.find("\"window\":64"), std::string::npos);

  // The last 64 only, by choice; one pass's steps are refused past the context, as is no mask.
  const Outcome last =
      run({"--model", "az", "--file", lesson, "--long-text", "last", "--json", "-"});
  ASSERT_EQ(last.status, 0) << last.err;
  EXPECT_EQ(json::parse(last.out)["tokens"].size(), 64u);
  EXPECT_EQ(json::parse(last.out)["config"]["window"], 0);
  EXPECT_NE(last.err.find("145 tokens, more than the model's block_size 64: only the last 64 run"),
            std::string::npos);
  expect_error({"--model", "az", "--file", lesson, "--explain"}, 1,
               "add --long-text last (the last 64 tokens) or shorten the text");
  expect_error({"--model", "az", "--file", lesson, "--no-mask"}, 1, "--no-mask cannot run it");
  EXPECT_EQ(run({"--model", "az", "--file", lesson, "--explain", "--long-text", "last"}).status, 0);
}

TEST_F(Workflow, OneTokenIsSingularAndExplainWithTheHeadsReportShowsBoth) {
  const Outcome one = run({"--model", "az", "--text", "a", "--heads-report"});
  ASSERT_EQ(one.status, 0) << one.err;
  EXPECT_NE(one.out.find("on this text's 1 token, S"), std::string::npos) << one.out;
  const Outcome table = run({"--text", "a"});
  EXPECT_NE(table.out.find("1 token (char)"), std::string::npos) << table.out;
  EXPECT_NE(run({"--text", "ab"}).out.find("2 tokens (char)"), std::string::npos);

  // --explain's last step is the heads report: both, where --heads-report used to win alone.
  const Outcome both = run({"--model", "az", "--text", "evlər", "--explain", "--heads-report"});
  ASSERT_EQ(both.status, 0) << both.err;
  EXPECT_NE(both.out.find("Step 1 "), std::string::npos);
  EXPECT_NE(both.out.find("Step 14 · What each head does"), std::string::npos);
  EXPECT_NE(both.out.find("previous-token head"), std::string::npos);
  EXPECT_NE(both.out.find("Step 13 · The model's next-token guesses"), std::string::npos);
  EXPECT_NE(both.out.find("  4 r  i 0.6"), std::string::npos);  // with the guesses' numbers
}

TEST_F(Workflow, WhenEveryOutputGoesToAFileEachFileGetsOneLine) {
  const std::string text = "Mən çayı sevirəm, çünki o, isti və rahatladıcıdır.";
  const Outcome o = run({"--model", "az", "--text", text, "--png", path("a.png"), "--json",
                         path("a.json"), "--html", path("a.html")});
  ASSERT_EQ(o.status, 0) << o.err;
  // No table (it was ≈ 480 lines): one line per file, its size as the file has it, and what it
  // holds.
  EXPECT_EQ(std::count(o.out.begin(), o.out.end(), '\n'), 3) << o.out;
  const auto kb = [&](const std::string& name) {
    return std::to_string((fs::file_size(path(name)) + 512) / 1024) + " KB";
  };
  const auto line = [&](const std::string& name) {
    const size_t at = o.out.find(path(name));
    return at == std::string::npos ? "" : o.out.substr(at, o.out.find('\n', at) - at);
  };
  EXPECT_NE(line("a.json").find(kb("a.json") + "  every number as JSON: 2 layers × 4 heads over 50 "
                                               "tokens"),
            std::string::npos)
      << o.out;
  EXPECT_NE(
      line("a.html").find(kb("a.html") + "  page to explore 2 layers × 4 heads over 50 tokens"),
      std::string::npos)
      << o.out;
  EXPECT_NE(line("a.png").find("  heatmap, 8 panels, "), std::string::npos) << o.out;
  // In Azerbaijani; --table prints the table as well; --no-table prints nothing.
  const Outcome az =
      run({"--model", "az", "--text", "salam", "--png", path("b.png"), "--lang", "az"});
  EXPECT_NE(az.out.find("istilik xəritəsi, 8 panel, "), std::string::npos) << az.out;
  const Outcome both = run({"--model", "az", "--text", "salam", "--png", path("b.png"), "--table"});
  EXPECT_NE(both.out.find("layer 1 · head 3"), std::string::npos);
  EXPECT_EQ(both.out.find("heatmap, 8 panels"), std::string::npos);
  EXPECT_EQ(run({"--model", "az", "--text", "salam", "--png", path("b.png"), "--no-table"}).out,
            "");
  expect_error({"--text", "a", "--table", "--no-table"}, 2,
               "--no-table cannot be used with --table");
  // A run with no file output prints the table as before.
  EXPECT_NE(run({"--text", "ab"}).out.find("rows: queries, columns: keys"), std::string::npos);
}

// The width and height a PNG's IHDR names.
std::pair<uint32_t, uint32_t> png_size(const std::string& png) {
  const auto be32 = [&](size_t at) {
    return uint32_t(uint8_t(png[at])) << 24 | uint32_t(uint8_t(png[at + 1])) << 16 |
           uint32_t(uint8_t(png[at + 2])) << 8 | uint32_t(uint8_t(png[at + 3]));
  };
  return {be32(16), be32(20)};
}

TEST_F(Workflow, ASlideOfChosenHeadsIsLaidOutForSixteenByNine) {
  const std::string text = "Mən çayı sevirəm, çünki o, isti və rahatladıcıdır.";
  // --head takes a list, as --layer does, in the order given.
  const Outcome table = run({"--model", "az", "--text", "salam", "--head", "3,1", "--width", "0"});
  ASSERT_EQ(table.status, 0) << table.err;
  const size_t h3 = table.out.find("layer 0 · head 3"), h1 = table.out.find("layer 0 · head 1");
  EXPECT_LT(h3, h1);
  EXPECT_EQ(table.out.find("layer 0 · head 0"), std::string::npos);
  EXPECT_NE(table.out.find("layer 1 · head 1"), std::string::npos);
  expect_error({"--model", "az", "--text", "salam", "--head", "1,4"}, 1,
               "--head 4: the model has 4 heads (0–3)");
  expect_error({"--model", "az", "--text", "salam", "--head", "1,,3"}, 2,
               "--head: expected all, mean, a head or a list such as 1,3, found \"1,,3\"");

  // Two layers' head 3 and the rollout: a row, not the portrait strip of one column.
  const std::vector<std::string> three = {"--model", "az",     "--text", text,       "--layer",
                                          "0,1",     "--head", "3",      "--rollout"};
  const auto png = [&](std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    args.insert(args.end(), {"--png", path("s.png")});
    const Outcome o = run(args);
    EXPECT_EQ(o.status, 0) << o.err;
    return png_size(attnviz::test::slurp(path("s.png")));
  };
  const auto [w, h] = png(three, {});
  EXPECT_GT(double(w) / h, 16.0 / 9.0) << w << " × " << h;  // 3 panels in a row
  const auto [cw, ch] = png(three, {"--layout", "column"});
  EXPECT_LT(cw, ch);
  const auto [rw, rh] = png(three, {"--layout", "row"});
  EXPECT_EQ(rw, w);
  EXPECT_EQ(rh, h);
  // Every head of both layers stays the model's grid: 2 rows of 4.
  const auto [gw, gh] = png({"--model", "az", "--text", text}, {});
  EXPECT_NEAR(double(gw) / gh, 1.85, 0.15) << gw << " × " << gh;
  // Labels of their own size, independent of --scale.
  const auto [lw, lh] =
      png({"--model", "az", "--text", text, "--head", "0", "--layer", "0"}, {"--label-size", "24"});
  const auto [dw, dh] = png({"--model", "az", "--text", text, "--head", "0", "--layer", "0"}, {});
  EXPECT_GT(lw, dw);
  EXPECT_GT(lh, dh);
  // --highlight: an outline (four bars) around a row or a cell of every panel, in PNG and SVG.
  const auto bars = [&](const std::vector<std::string>& more) {
    std::vector<std::string> args = {"--model", "az", "--text", "salam", "--svg", "-"};
    args.insert(args.end(), more.begin(), more.end());
    const Outcome o = run(args);
    EXPECT_EQ(o.status, 0) << o.err;
    size_t n = 0;
    for (size_t at = 0; (at = o.out.find("class=\"highlight\"", at)) != std::string::npos; ++at)
      ++n;
    return n;
  };
  EXPECT_EQ(bars({}), 0u);
  EXPECT_EQ(bars({"--highlight", "3"}), 4u * 8);
  EXPECT_EQ(bars({"--highlight", "3,1", "--head", "1", "--layer", "0"}), 4u);
  EXPECT_EQ(png({"--model", "az", "--text", text}, {"--highlight", "20,3"}),
            std::make_pair(gw, gh));
  expect_error({"--model", "az", "--text", "salam", "--highlight", "5", "--svg", path("h.svg")}, 1,
               "--highlight 5: the text has 5 tokens (0–4)");
  expect_error({"--text", "salam", "--highlight", "1,2,3"}, 2,
               "--highlight: expected a row or a row and a column such as 3,1, found \"1,2,3\"");
  // --rows and --cols: a block of the matrix, the labels with their positions.
  const std::vector<std::string> zoom = {"--model", "az",     "--text", text,    "--layer",
                                         "1",       "--head", "2",      "--svg", "-"};
  const auto svg_of = [&](std::vector<std::string> more) {
    more.insert(more.begin(), zoom.begin(), zoom.end());
    const Outcome o = run(more);
    EXPECT_EQ(o.status, 0) << o.err;
    return o.out;
  };
  const auto count = [](const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t at = 0; (at = s.find(what, at)) != std::string::npos; ++at) ++n;
    return n;
  };
  const std::string block = svg_of({"--rows", "25:33", "--cols", "16:33"});
  EXPECT_EQ(count(block, "<rect class=\"cell"), 8u * 17);
  EXPECT_NE(block.find(">18 ç</text>"), std::string::npos) << block.substr(0, 3000);
  EXPECT_NE(block.find("<title>25 , → 16 ,: "), std::string::npos);  // a cell names both
  EXPECT_EQ(count(svg_of({"--rows", "-3:"}), "<rect class=\"cell"), 3u * 50);
  EXPECT_EQ(count(svg_of({"--cols", ":4"}), "<rect class=\"cell"), 50u * 4);
  EXPECT_EQ(count(svg_of({"--rows", "0:10", "--highlight", "30"}), "class=\"highlight\""), 0u);
  EXPECT_EQ(count(svg_of({"--rows", "25:33", "--highlight", "30"}), "class=\"highlight\""), 4u);
  expect_error({"--model", "az", "--text", "salam", "--rows", "4:2", "--png", path("z.png")}, 1,
               "--rows 4:2: no tokens there; the text has 5 (0–4)");
  expect_error({"--text", "salam", "--cols", "1:2:3"}, 2,
               "--cols: expected a slice such as 10:20, :5 or -10:, found \"1:2:3\"");
  // The table prints the same block, its positions kept; the summaries are its rows'.
  const Outcome crop = run({"--text", "salam dünya", "--rows", "2:5", "--cols", "-4:"});
  EXPECT_EQ(crop.status, 0) << crop.err;
  EXPECT_NE(crop.out.find("Rows 2–4 and columns 7–10 of the 11 tokens are shown"),
            std::string::npos)
      << crop.out;
  EXPECT_NE(crop.out.find("\n          7      8      9     10\n          ü      n      y      a\n"
                          " 2 l      ·      ·      ·      ·\n"),
            std::string::npos)
      << crop.out;
  EXPECT_EQ(crop.out.find("\n 1 a"), std::string::npos) << crop.out;  // row 1 is not shown
  EXPECT_EQ(crop.out.find("\n 5 "), std::string::npos) << crop.out;
  EXPECT_NE(crop.out.find("\n 4 m    "), std::string::npos) << crop.out;  // 4's summary
  expect_error({"--text", "salam", "--rows", "1:3", "--json", path("crop.json")}, 2,
               "--rows crops the table, the heatmap and the page, but none of them is shown; add "
               "one of --table, --png, --svg, --html");
  expect_error({"--text", "salam", "--highlight", "1"}, 2,
               "--highlight marks the heatmap, but no picture is written; add one of --png, "
               "--svg, --html");
  expect_error({"--text", "a", "--layout", "diagonal"}, 2, "--layout: diagonal is not one of");
  expect_error({"--text", "a", "--label-size", "2"}, 2, "--label-size 2: not in 4 … 96");
}

TEST_F(Workflow, HelpIsReadableAndFollowsTheLanguage) {
  const Outcome en = run({"--help"}, {"COLUMNS=100"});
  ASSERT_EQ(en.status, 0);
  // Values as a person writes them, ranges and defaults in words; none of CLI11's raw syntax.
  for (const char* raw : {"TEXT:{", "INT:INT", "Excludes:", "Needs:", "=char", "[1 - 65536]"}) {
    EXPECT_EQ(en.out.find(raw), std::string::npos) << raw << "\n" << en.out;
  }
  for (const char* shown :
       {"--tokenizer char|word|FILE|DIR", "--head all|mean|H|H1,H2", "--n-embd N",
        "(1 … 65536; default 16;", "--layout auto|row|column|grid", "--highlight ROW[,COL]",
        "--rows A:B", "--cols A:B", "Heatmap (PNG, SVG):"}) {
    EXPECT_NE(en.out.find(shown), std::string::npos) << shown << "\n" << en.out;
  }
  // Every line fits the terminal.
  std::istringstream lines(en.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  attnviz ", 0) == 0 || line.rfind("          --", 0) == 0)
      continue;  // examples
    const auto columns = std::count_if(line.begin(), line.end(), [](char c) {
      return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    });
    EXPECT_LE(columns, 100) << line;
  }
  // In Azerbaijani with --lang az or an az_AZ locale, the groups as the man page has them.
  const Outcome az = run({"--help", "--lang", "az"});
  const Outcome locale = run({"--help"}, {"LANG=az_AZ.UTF-8"});
  EXPECT_EQ(az.out, locale.out);
  for (const char* said : {"İstifadə: attnviz", "Giriş:", "İstilik xəritəsi (PNG, SVG):",
                           "Tokenlərə bölünəcək", "standart: 16", "Nümunələr:"}) {
    EXPECT_NE(az.out.find(said), std::string::npos) << said << "\n" << az.out;
  }
  EXPECT_EQ(az.out.find("Text to tokenize"), std::string::npos);
}

}  // namespace
