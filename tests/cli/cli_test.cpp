// The real attnviz binary, end to end: help, version, table, JSON, weights round trip, and each
// error path's message and exit status.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "../safetensors_edit.hpp"
#include "cli_fixture.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using attnviz::test::Outcome;
using attnviz::test::slurp;

using Cli = attnviz::test::CliTest;

TEST_F(Cli, HelpShowsOptionsAndExamples) {
  const Outcome o = run({"--help"});
  EXPECT_EQ(o.status, 0);
  for (const char* s :
       {"--text", "--tokens", "--tokenizer", "--weights", "--seed", "--n-embd", "--no-mask",
        "--json", "--save-weights", "--color", "Examples:", "attnviz --text \"Azərbaycan dili\""}) {
    EXPECT_NE(o.out.find(s), std::string::npos) << s;
  }
}

TEST_F(Cli, VersionPrintsNameAndVersion) {
  const Outcome o = run({"--version"});
  EXPECT_EQ(o.status, 0);
  EXPECT_EQ(o.out.rfind("attnviz 0.", 0), 0u) << o.out;
}

TEST_F(Cli, LessonExamplePrintsLabeledTable) {
  const Outcome o = run({"--text", "Azərbaycan dili", "--width", "0"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.err, "");
  EXPECT_NE(o.out.find("\"Azərbaycan dili\": masked self-attention, 15 tokens"), std::string::npos);
  EXPECT_NE(o.out.find(" 2 ə"), std::string::npos);
  EXPECT_NE(o.out.find("10 ␣"), std::string::npos);
  EXPECT_NE(o.out.find(" 0 A  1.000      ·"), std::string::npos);
  EXPECT_EQ(o.out.find('\x1b'), std::string::npos);  // not a terminal: no color
}

TEST_F(Cli, ColorFollowsFlagAndNoColor) {
  EXPECT_NE(run({"--text", "ab", "--color", "always"}).out.find("\x1b[48;2;"), std::string::npos);
  EXPECT_NE(run({"--text", "ab", "--color", "always"}, {"NO_COLOR=1"}).out.find("\x1b["),
            std::string::npos);  // an explicit flag wins over the environment
  EXPECT_EQ(run({"--text", "ab", "--color", "never"}).out.find('\x1b'), std::string::npos);
}

TEST_F(Cli, NarrowWidthPrintsColumnBlocks) {
  const Outcome o = run({"--text", "Azərbaycan dili", "--width", "50"});
  ASSERT_EQ(o.status, 0);
  EXPECT_NE(o.out.find("keys 0–5 of 15"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("keys 12–14 of 15"), std::string::npos) << o.out;
}

TEST_F(Cli, JsonToStdoutReplacesTheTable) {
  const Outcome o = run({"--text", "Azərbaycan dili", "--json", "-"});
  ASSERT_EQ(o.status, 0) << o.err;
  const json doc = json::parse(o.out);
  EXPECT_EQ(doc["tokens"].size(), 15u);
  EXPECT_EQ(doc["heads"][0]["weights"][0][0], 1.0);
  EXPECT_EQ(doc["output"][0].size(), 16u);
}

TEST_F(Cli, JsonFileAndTableTogether) {
  const Outcome o = run({"--tokens", "Az|ər|bay|can", "--json", path("a.json"), "--table"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("4 tokens (list)"), std::string::npos);
  const json doc = json::parse(slurp(path("a.json")));
  EXPECT_EQ(doc["tokens"], json({"Az", "ər", "bay", "can"}));
  EXPECT_EQ(doc["config"]["input"], "tokens");
}

TEST_F(Cli, SaveWeightsThenLoadReproducesTheRun) {
  const Outcome first =
      run({"--text", "Mən çayı sevirəm, çünki o, isti və rahatladıcıdır.", "--tokenizer", "word",
           "--seed", "7", "--n-embd", "12", "--save-weights", path("w.json"), "--json",
           path("a.json"), "--table"});
  ASSERT_EQ(first.status, 0) << first.err;
  const Outcome second =
      run({"--text", "Mən çayı sevirəm, çünki o, isti və rahatladıcıdır.", "--tokenizer", "word",
           "--weights", path("w.json"), "--json", path("b.json"), "--table"});
  ASSERT_EQ(second.status, 0) << second.err;
  const json a = json::parse(slurp(path("a.json")));
  const json b = json::parse(slurp(path("b.json")));
  EXPECT_EQ(a["heads"], b["heads"]);  // same text → same numbers, bit for bit
  EXPECT_EQ(a["output"], b["output"]);
  EXPECT_EQ(b["config"]["weights"], path("w.json"));
  // The same weights print the same table, apart from the header naming the weights.
  EXPECT_EQ(first.out.substr(first.out.find('\n')), second.out.substr(second.out.find('\n')));
}

TEST_F(Cli, FixtureWeightsLoad) {
  const Outcome o = run({"--text", "Azərbaycan dili", "--weights",
                         std::string(ATTNVIZ_FIXTURES) + "/az_char.weights.json", "--json", "-"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(json::parse(o.out)["config"]["n_embd"], 16);
}

TEST_F(Cli, DataExamplesRun) {
  const std::string data = ATTNVIZ_DATA;
  Outcome o = run({"--text", "Azərbaycan dili", "--weights",
                   data + "/weights/azerbaycan-dili-torch.json", "--json", "-"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.err, "");  // the state_dict's "tril" buffer is expected, not warned about
  // export_lesson_weights.py prints PyTorch's row 2 of this run: 0.324 0.354 0.323.
  const json row = json::parse(o.out)["heads"][0]["weights"][2];
  EXPECT_NEAR(row[0].get<double>(), 0.324, 5e-4);
  EXPECT_NEAR(row[1].get<double>(), 0.354, 5e-4);
  EXPECT_NEAR(row[2].get<double>(), 0.323, 5e-4);
  o = run({"--file", data + "/texts/lesson-pronoun.txt", "--tokenizer", "word", "--weights",
           data + "/weights/lesson-pronoun-word.json"});
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("11 tokens (word)"), std::string::npos);
  for (const char* text :
       {"azerbaycan-dili.txt", "azerbaycan-dili-cyrillic.txt", "lesson-definition.txt"}) {
    EXPECT_EQ(run({"--file", data + "/texts/" + text}).status, 0) << text;
  }
}

TEST_F(Cli, TextFromFileAndStdin) {
  std::ofstream(path("t.txt")) << "Salam dünya\n";
  const Outcome o = run({"--file", path("t.txt"), "--tokenizer", "word", "--json", "-"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(json::parse(o.out)["tokens"], json({"Salam", "dünya"}));  // final newline dropped
  const Outcome piped = run({"--file", "-", "--json", "-"}, {}, "", path("t.txt"));
  ASSERT_EQ(piped.status, 0) << piped.err;
  EXPECT_EQ(json::parse(piped.out)["tokens"].size(), 11u);  // char tokens, newline dropped
  EXPECT_EQ(json::parse(piped.out)["config"]["text"], "Salam dünya");
}

TEST_F(Cli, SameSeedSameOutputDifferentSeedDifferentOutput) {
  const auto weights = [&](const char* seed) {
    return json::parse(run({"--text", "dili", "--seed", seed, "--json", "-"}).out)["heads"];
  };
  EXPECT_EQ(weights("3"), weights("3"));
  EXPECT_NE(weights("3"), weights("4"));
}

TEST_F(Cli, UsageErrorsExitTwo) {
  expect_error({}, 2, "give the input with --text, --file or --tokens");
  expect_error({"--text", "a", "--bogus"}, 2, "--bogus");
  expect_error({"--text"}, 2, "--text");
  expect_error({"--text", "a", "--seed", "abc"}, 2, "abc");
  expect_error({"--text", "a", "--tokenizer", "bpe"}, 2, "bpe");
  expect_error({"--text", "a", "--n-embd", "0"}, 2, "n-embd");
  expect_error({"--text", "a", "--n-embd", "-3"}, 2, "n-embd");
  expect_error({"--text", "a", "--tokens", "a|b"}, 2, "--text cannot be used with --tokens");
  expect_error({"--text", "a", "--weights", "w.json", "--seed", "3"}, 2,
               "--seed draws random weights, but the model's are given");
  expect_error({"--text", "a", "--weights", "w.json", "--init", "torch-generic"}, 2,
               "--init draws random weights, but the model's are given");
  expect_error({"--text", "a", "--color", "sometimes"}, 2, "sometimes");
}

TEST_F(Cli, BadInputExitsOne) {
  expect_error({"--text", ""}, 1, "--text: text is empty");
  expect_error({"--text", "Az\xC9"}, 1, "--text: invalid UTF-8 at byte 2");
  expect_error({"--text", " ", "--tokenizer", "word"}, 1, "no words");
  expect_error({"--tokens", "a||b"}, 1, "--tokens: token 2 is empty");
  expect_error({"--text", std::string(300, 'a')}, 1,
               "--text: text has 300 tokens, more than block_size 256");
  expect_error({"--file", path("missing.txt")}, 1, "missing.txt: cannot open");
  expect_error({"--text", "a", "--weights", path("missing.json")}, 1, "missing.json: cannot open");
  expect_error({"--text", "a", "--weights", dir_.string()}, 1,
               "no model.safetensors or pytorch_model.bin in the folder");
  std::ofstream(path("bad.json")) << "{\"vocab\": [\"a\"],";
  expect_error({"--text", "a", "--weights", path("bad.json")}, 1, "not valid JSON");
}

TEST_F(Cli, TokenMissingFromVocabNamesTokenAndPosition) {
  const std::string weights = std::string(ATTNVIZ_FIXTURES) + "/az_char.weights.json";
  expect_error({"--text", "Azərbaycan dilix", "--weights", weights}, 1,
               "az_char.weights.json: token \"x\" (position 15) is not in \"vocab\"");
  expect_error({"--text", "Azərbaycan dili Azərbaycan dili Azərbaycan", "--weights", weights}, 1,
               "more than block_size 32");
}

TEST_F(Cli, FailedRunLeavesExistingOutputUntouched) {
  std::ofstream(path("out.json")) << "yesterday";
  expect_error({"--text", "", "--json", path("out.json")}, 1, "text is empty");
  expect_error(
      {"--text", "a", "--json", path("out.json"), "--save-weights", path("no/such/w.json")}, 1,
      "does not exist");
  EXPECT_EQ(slurp(path("out.json")), "yesterday");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), {}), 1);  // out.json and nothing else
}

TEST_F(Cli, OutputErrorsExitOne) {
  expect_error({"--text", "a", "--json", path("none/a.json")}, 1, "does not exist");
  expect_error({"--text", "a", "--json", dir_.string()}, 1, "is a directory");
  expect_error({"--text", "a", "--json", path("x.json"), "--save-weights", path("x.json")}, 2,
               "--json and --save-weights both write " + path("x.json"));
  expect_error({"--text", "a", "--json", "-", "--save-weights", "-"}, 2,
               "--json and --save-weights both write -");
  const Outcome full = run({"--text", "a"}, {}, "/dev/full");
  EXPECT_EQ(full.status, 1);
  EXPECT_NE(full.err.find("standard output: cannot write: No space left on device"),
            std::string::npos);
}

TEST_F(Cli, HeatmapFilesWithTableAndJsonFromOneRun) {
  const Outcome o = run({"--text", "Mən çayı sevirəm, çünki o, isti və rahatladıcıdır.",
                         "--tokenizer", "word", "--png", path("a.png"), "--svg", path("a.svg"),
                         "--json", path("a.json"), "--annotate", "--cmap", "magma", "--table"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("11 tokens (word)"), std::string::npos);  // --table: printed as well
  EXPECT_EQ(slurp(path("a.png")).substr(0, 8), "\x89PNG\r\n\x1a\n");
  const std::string svg = slurp(path("a.svg"));
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find(">rahatladıcıdır</text>"), std::string::npos);
  EXPECT_EQ(json::parse(slurp(path("a.json")))["tokens"].size(), 11u);
}

TEST_F(Cli, PngToStdoutReplacesTheTable) {
  const Outcome o = run({"--text", "ab", "--png", "-", "--theme", "dark", "--scale", "2"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out.substr(0, 4), "\x89PNG");
}

TEST_F(Cli, HeatmapFlagErrors) {
  expect_error({"--text", "a", "--png", path("a.png"), "--cmap", "jet"}, 2, "jet");
  expect_error({"--text", "a", "--png", path("a.png"), "--theme", "sepia"}, 2, "sepia");
  expect_error({"--text", "a", "--png", path("a.png"), "--scale", "0"}, 2, "--scale");
  expect_error({"--text", "a", "--png", path("a.png"), "--range", "wide"}, 2, "wide");
  expect_error({"--text", "a", "--png", path("x"), "--svg", path("x")}, 2,
               "--png and --svg both write");
  expect_error({"--text", "a", "--png", "-", "--json", "-"}, 2, "--json and --png both write -");
  expect_error({"--text", "a", "--png", path("none/a.png")}, 1, "does not exist");
}

TEST_F(Cli, BadFontFailsWithoutTouchingOutputs) {
  std::ofstream(path("old.png")) << "yesterday's slide";
  expect_error({"--text", "a", "--png", path("old.png"), "--font", path("missing.ttf")}, 1,
               "missing.ttf: cannot open");
  std::ofstream(path("fake.ttf")) << "not a font at all";
  expect_error({"--text", "a", "--png", path("old.png"), "--svg", path("new.svg"), "--font",
                path("fake.ttf")},
               1, "fake.ttf: not a TrueType or OpenType font");
  EXPECT_EQ(slurp(path("old.png")), "yesterday's slide");
  EXPECT_FALSE(fs::exists(path("new.svg")));
}

TEST_F(Cli, ExplainInBothLanguagesAndFromTheLocale) {
  const Outcome en = run({"--text", "Azərbaycan dili", "--explain", "--lang", "en"});
  ASSERT_EQ(en.status, 0) << en.err;
  EXPECT_NE(en.out.find("Step 7 · Softmax over each row"), std::string::npos);
  EXPECT_EQ(en.out.find("rows: queries"), std::string::npos);  // the explanation replaces the table
  const Outcome az = run({"--text", "Azərbaycan dili", "--explain", "--lang", "az"});
  EXPECT_NE(az.out.find("Addım 6 · Maska"), std::string::npos);
  const Outcome locale = run({"--text", "Azərbaycan dili", "--explain"}, {"LANG=az_AZ.UTF-8"});
  EXPECT_EQ(locale.out, az.out);
  const Outcome lc_all = run({"--text", "ab"}, {"LANG=az_AZ.UTF-8", "LC_ALL=en_US.UTF-8"});
  EXPECT_NE(lc_all.out.find("rows: queries"), std::string::npos);
  expect_error({"--text", "a", "--lang", "tr"}, 2, "tr");
}

TEST_F(Cli, ExplainWithJsonWritesTheTrace) {
  const Outcome o = run(
      {"--text", "Bakı", "--explain", "--json", path("t.json"), "--n-embd", "8", "--heads", "2"});
  ASSERT_EQ(o.status, 0) << o.err;
  const json doc = json::parse(slurp(path("t.json")));
  EXPECT_TRUE(doc.contains("x"));
  EXPECT_TRUE(doc.contains("concat"));
  EXPECT_TRUE(doc["heads"][1].contains("masked_scores"));
  EXPECT_NE(o.out.find("Step 9"), std::string::npos);
  const json plain = json::parse(run({"--text", "Bakı", "--json", "-"}).out);
  EXPECT_FALSE(plain.contains("x"));
  EXPECT_TRUE(json::parse(run({"--text", "Bakı", "--json", "-", "--trace"}).out).contains("x"));
}

TEST_F(Cli, MultiHeadFlagsAndTheirErrors) {
  Outcome o = run({"--text", "Azərbaycan dili", "--heads", "4", "--n-embd", "32", "--head", "2",
                   "--width", "0"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("masked multi-head attention (4 heads)"), std::string::npos);
  EXPECT_NE(o.out.find("\nhead 2\n"), std::string::npos);
  EXPECT_EQ(o.out.find("\nhead 0\n"), std::string::npos);
  o = run({"--text", "ab", "--heads", "2", "--head", "mean"});
  EXPECT_NE(o.out.find("mean of 2 heads"), std::string::npos);
  expect_error({"--text", "a", "--heads", "3"}, 2,
               "--heads 3 does not divide --n-embd 16; head_size = n_embd / heads must be whole");
  expect_error({"--text", "a", "--heads", "0"}, 2, "--heads");
  expect_error({"--text", "a", "--heads", "2", "--head", "5"}, 1,
               "--head 5: the model has 2 heads (0–1)");
  expect_error({"--text", "a", "--head", "first"}, 2,
               "expected all, mean, a head or a list such as 1,3");
  // With --weights, --heads gives nanoGPT's n_head and must agree with any file that says.
  const std::string mh4 = std::string(ATTNVIZ_FIXTURES) + "/mh4_tiny.weights.json";
  expect_error({"--text", "Bakı", "--weights", mh4, "--heads", "2"}, 1,
               "--heads 2, but the file has 4 heads");
}

// --save-weights then --weights reproduces the run, in either format the file name asks for.
TEST_F(Cli, MultiHeadSaveAndLoadReproduce) {
  for (const std::string weights : {"w.json", "w.safetensors"}) {
    const Outcome first = run({"--text", "Bakı küləkli", "--heads", "2", "--n-embd", "8",
                               "--save-weights", path(weights), "--json", path("a.json")});
    ASSERT_EQ(first.status, 0) << first.err;
    const Outcome second =
        run({"--text", "Bakı küləkli", "--weights", path(weights), "--json", path("b.json")});
    ASSERT_EQ(second.status, 0) << second.err;
    const json a = json::parse(slurp(path("a.json")));
    const json b = json::parse(slurp(path("b.json")));
    EXPECT_EQ(a["heads"], b["heads"]) << weights;
    EXPECT_EQ(a["output"], b["output"]) << weights;
  }
  EXPECT_EQ(json::parse(slurp(path("w.json")))["n_head"], 2);
  EXPECT_EQ(slurp(path("w.safetensors")).substr(8, 1), "{");  // safetensors, not JSON
}

TEST_F(Cli, NoScaleSaturates) {
  const auto top = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"--text", "Azərbaycan dili", "--n-embd", "64", "--json", "-"};
    args.insert(args.end(), extra.begin(), extra.end());
    const json doc = json::parse(run(args).out);
    double sum = 0;
    for (const auto& row : doc["heads"][0]["row_summaries"]) sum += row["top_weight"].get<double>();
    return sum;
  };
  EXPECT_GT(top({"--no-scale"}), top({}));  // without the scale the largest weights grow
}

TEST_F(Cli, HeatmapOfEveryHeadAndInAzerbaijani) {
  const Outcome o = run(
      {"--text", "Bakı", "--heads", "4", "--n-embd", "16", "--svg", path("h.svg"), "--lang", "az"});
  ASSERT_EQ(o.status, 0) << o.err;
  const std::string svg = slurp(path("h.svg"));
  for (const char* head : {">baş 0<", ">baş 3<", ">sorğu<", ">açar<", ">maskalanıb<"}) {
    EXPECT_NE(svg.find(head), std::string::npos) << head;
  }
  const Outcome mean = run({"--text", "Bakı", "--heads", "4", "--head", "mean", "--svg", "-"});
  EXPECT_NE(mean.out.find(">mean of 4 heads<"), std::string::npos);
}

// SIGKILL at points spread over a run that writes a 12 MB JSON file: the target is always either
// the old file or the complete new one.
TEST_F(Cli, KilledMidWriteLeavesTheOldOrTheCompleteFile) {
  std::string text;
  const std::vector<std::string> letters = {"a", "b", "c", "ç", "d", "e", "ə", "f", "g", "ğ", " "};
  for (size_t i = 0; i < 1200; ++i) text += letters[(i * 7919) % letters.size()];
  const std::vector<std::string> args = {"--text",     text,     "--block-size",     "1200",
                                         "--no-table", "--json", path("target.json")};
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(run(args).status, 0);
  const auto full = std::chrono::steady_clock::now() - started;
  const std::string complete = slurp(path("target.json"));
  ASSERT_GT(complete.size(), 10u << 20);

  attnviz::test::RunOptions options;
  options.capture_dir = capture_dir_.string();
  int old_seen = 0, new_seen = 0;
  for (int k = 1; k <= 10; ++k) {
    std::ofstream(path("target.json")) << "old";
    const pid_t pid = attnviz::test::spawn_attnviz(args, options, "/dev/null", "/dev/null");
    std::this_thread::sleep_for(full * k / 11);
    ::kill(pid, SIGKILL);
    attnviz::test::wait_status(pid);
    const std::string now = slurp(path("target.json"));
    EXPECT_TRUE(now == "old" || now == complete) << "kill " << k << ": " << now.size() << " bytes";
    old_seen += now == "old";
    new_seen += now == complete;
  }
  std::printf("  killed 10 runs: %d left the old file, %d the complete new one\n", old_seen,
              new_seen);
  // Staged files have no name until the rename, so nothing else is left in the directory.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), {}), 1);
}

TEST_F(Cli, UnknownWeightsKeyWarns) {
  std::ofstream(path("w.json"))
      << R"({"vocab": ["a"], "token_embedding.weight": [[1, 0]], "query.weight": [[1, 0], [0, 1]],
            "key.weight": [[1, 0], [0, 1]], "value.weight": [[1, 0], [0, 1]], "extra": 1})";
  const Outcome o = run({"--text", "aa", "--weights", path("w.json")});
  EXPECT_EQ(o.status, 0);
  EXPECT_EQ(o.err, "attnviz: warning: " + path("w.json") + ": ignoring unknown key \"extra\"\n");
}

// The lesson's run in PyTorch (make_fixtures.py, case az_char: torch.manual_seed(1337), then
// the embeddings and SelfAttention) and attnviz with the same seed draw the same weights, bit for
// bit: the file attnviz saves equals the one PyTorch wrote.
TEST_F(Cli, SeedGivesPyTorchsWeightsBitForBit) {
  const Outcome o = run({"--text", "Azərbaycan dili", "--seed", "1337", "--block-size", "32",
                         "--init", "torch", "--save-weights", path("w.json"), "--no-table"});
  ASSERT_EQ(o.status, 0) << o.err;
  const json saved = json::parse(slurp(path("w.json")));
  const json torch = json::parse(slurp(std::string(ATTNVIZ_FIXTURES) + "/az_char.weights.json"));
  for (const char* key : {"token_embedding.weight", "position_embedding.weight", "query.weight",
                          "key.weight", "value.weight"}) {
    EXPECT_EQ(saved[key], torch[key]) << key;  // the same shortest decimals: the same floats
  }
  EXPECT_EQ(saved["vocab"], torch["vocab"]);
}

TEST_F(Cli, RandnInputAndTheGenericKernels) {
  const json avx2 = json::parse(run({"--tokens", "a|b|c|d|e|f|g|h", "--input", "randn", "--n-embd",
                                     "32", "--json", "-", "--trace"})
                                    .out);
  EXPECT_EQ(avx2["config"]["x"], "randn");
  EXPECT_EQ(avx2["config"]["init"], "torch");
  EXPECT_TRUE(avx2["token_ids"].empty());
  const json expected =
      json::parse(slurp(std::string(ATTNVIZ_FIXTURES) + "/randn_exercise.expected.json"));
  EXPECT_EQ(avx2["x"], expected["x"]);  // x = torch.randn(1, 8, 32), bit for bit
  const json generic =
      json::parse(run({"--tokens", "a|b|c|d|e|f|g|h", "--input", "randn", "--n-embd", "32",
                       "--json", "-", "--trace", "--init", "torch-generic"})
                      .out);
  EXPECT_EQ(generic["config"]["init"], "torch-generic");
  EXPECT_NE(generic["x"], avx2["x"]);  // PyTorch's other kernels: other last bits
  expect_error({"--text", "a", "--init", "numpy"}, 2, "numpy");
  expect_error({"--text", "a", "--input", "zeros"}, 2, "zeros");
}

TEST_F(Cli, WholeModelFilesLoadByPrefix) {
  const std::string dir = ATTNVIZ_REFERENCE "/state_dicts/";
  const Outcome o = run({"--text", "Azərbaycan dili", "--weights", dir + "nanogpt.safetensors",
                         "--prefix", "transformer.h.0.attn.", "--json", "-"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.err, "");
  const json out = json::parse(o.out);
  EXPECT_EQ(out["config"]["n_head"], 4);
  const json expected = json::parse(slurp(dir + "nanogpt_safetensors.expected.json"));
  const json& want = expected["heads"][3]["weights"];
  const json& got = out["heads"][3]["weights"];
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    for (size_t j = 0; j < got[i].size(); ++j) {
      EXPECT_NEAR(got[i][j].get<float>(), want[i][j].get<float>(), 2e-5f);
    }
  }
  // Without --prefix, the whole model runs (tests/cli: WholeModels...).
  expect_error(
      {"--text", "ab", "--weights", dir + "gpt2_conv1d_f16.safetensors", "--prefix", "h.0.attn."},
      1, "pass --heads H");
  expect_error({"--text", "ab", "--prefix", "h.0.attn."}, 2, "--prefix needs --weights");
}

// Warnings come last, after every output is written, in the interface's language; JSON keeps
// them in English.
TEST_F(Cli, WarningsFollowTheOutputsInTheInterfacesLanguage) {
  attnviz::test::RunOptions options;
  options.capture_dir = capture_dir_.string();
  options.merge_stderr = true;
  const std::vector<std::string> args = {"--text",  "AzÉ™rbaycan", "--json",       path("a.json"),
                                         "--color", "never",       "--no-summary", "--table"};
  const Outcome en = attnviz::test::run_attnviz(args, options);
  ASSERT_EQ(en.status, 0) << en.out;
  const std::string warning = "attnviz: warning: --text: the text looks like UTF-8 read as";
  ASSERT_NE(en.out.find(warning), std::string::npos) << en.out;
  EXPECT_GT(en.out.find(warning), en.out.find("\n10 n")) << "the warning came before the table";
  EXPECT_EQ(en.out.substr(en.out.rfind('\n', en.out.size() - 2) + 1).rfind(warning, 0), 0u);
  const json doc = json::parse(slurp(path("a.json")));
  EXPECT_NE(doc["warnings"][0].get<std::string>().find("did you mean \"Azərbaycan\"?"),
            std::string::npos);

  std::vector<std::string> az_args = args;
  az_args.insert(az_args.end(), {"--lang", "az"});
  const Outcome az = attnviz::test::run_attnviz(az_args, options);
  EXPECT_NE(az.out.find("attnviz: xəbərdarlıq: --text: mətn Windows-1254/1252 kimi oxunmuş UTF-8-ə "
                        "oxşayır (mojibake); \"Azərbaycan\" nəzərdə tutulurdu?"),
            std::string::npos)
      << az.out;
}

// Errors follow --lang, else the locale (LC_ALL, LC_MESSAGES, LANG); English otherwise.
TEST_F(Cli, ErrorsFollowTheInterfacesLanguage) {
  const std::vector<std::string> bad = {"--text", "Az\xC9"};
  EXPECT_EQ(run(bad).err,
            "attnviz: error: --text: invalid UTF-8 at byte 2: truncated sequence "
            "at end of input\n");
  const std::string az =
      "attnviz: xəta: --text: yanlış UTF-8, bayt 2: ardıcıllıq girişin sonunda yarımçıq qalıb\n";
  std::vector<std::string> with_lang = bad;
  with_lang.insert(with_lang.end(), {"--lang", "az"});
  EXPECT_EQ(run(with_lang).err, az);
  EXPECT_EQ(run(bad, {"LANG=az_AZ.UTF-8"}).err, az);
  EXPECT_EQ(run(bad, {"LC_ALL=az_AZ.UTF-8", "LANG=C.UTF-8"}).err, az);
  with_lang.back() = "en";
  EXPECT_EQ(run(with_lang, {"LANG=az_AZ.UTF-8"}).err.rfind("attnviz: error: ", 0), 0u);
  // Usage errors too, even when the rest of the line does not parse.
  const Outcome usage = run({"--cmap", "jet", "--lang=az", "--text", "a"});
  EXPECT_EQ(usage.status, 2);
  EXPECT_EQ(usage.err,
            "attnviz: xəta: --cmap: jet bunlardan biri deyil: "
            "viridis,magma,inferno,plasma,cividis,gray,greys,blues (bax: attnviz --help)\n");
  EXPECT_EQ(run({"--bogus", "--lang", "az"}).err,
            "attnviz: xəta: --bogus: naməlum seçim (bax: attnviz --help)\n");
}

// Past 1000 cells the table shows its corners, and --full prints everything.
TEST_F(Cli, FullPrintsEveryRowOfALargeTable) {
  const std::string text = "Diqqət mexanizmi mənanı fokuslayır";  // 34 tokens
  const Outcome summarised = run({"--text", text, "--color", "never", "--no-summary"});
  EXPECT_NE(summarised.out.find("--full prints them all"), std::string::npos);
  EXPECT_EQ(summarised.out.find("\n16 "), std::string::npos);
  const Outcome full =
      run({"--text", text, "--color", "never", "--no-summary", "--full", "--width", "0"});
  EXPECT_NE(full.out.find("\n16 "), std::string::npos);
  EXPECT_EQ(full.out.find("--full"), std::string::npos);
}

// A whole model by its file: every layer's attention as PyTorch computed it, and its guesses.
TEST_F(Cli, WholeModelsRunEveryLayerAndGuessTheNextToken) {
  const std::string dir = ATTNVIZ_REFERENCE "/models/";
  const json expected = json::parse(slurp(dir + "gptpy.expected.json"));
  const Outcome o =
      run({"--text", expected["text"], "--weights", dir + "gptpy.safetensors", "--json", "-"});
  ASSERT_EQ(o.status, 0) << o.err;
  const json out = json::parse(o.out);
  EXPECT_EQ(out["config"]["n_layer"], 2);
  EXPECT_EQ(out["config"]["family"], "gpt.py");
  EXPECT_FALSE(out.contains("heads"));  // a whole model's heads are under "layers"
  ASSERT_EQ(out["layers"].size(), 2u);
  for (size_t l = 0; l < 2; ++l) {
    EXPECT_EQ(out["layers"][l]["layer"], l);
    for (size_t h = 0; h < 4; ++h) {
      const json& got = out["layers"][l]["heads"][h]["weights"];
      const json& want = expected["layers"][l]["heads"][h];
      for (size_t i = 0; i < got.size(); ++i) {
        for (size_t j = 0; j < got[i].size(); ++j) {
          EXPECT_NEAR(got[i][j].get<float>(), want[i][j].get<float>(), 2e-5f);
        }
      }
    }
  }
  ASSERT_EQ(out["predictions"].size(), expected["predictions"].size());
  for (size_t t = 0; t < out["predictions"].size(); ++t) {
    for (size_t r = 0; r < 5; ++r) {
      EXPECT_EQ(out["predictions"][t][r]["id"], expected["predictions"][t][r]["id"]);
      EXPECT_NEAR(out["predictions"][t][r]["p"].get<float>(),
                  expected["predictions"][t][r]["p"].get<float>(), 2e-5f);
    }
  }
  // --trace: each layer's block, every intermediate as PyTorch's fixture has it.
  const json traced = json::parse(run({"--text", expected["text"], "--weights",
                                       dir + "gptpy.safetensors", "--json", "-", "--trace"})
                                      .out);
  for (const char* part : {"x_mid", "mlp_out", "x_out"}) {
    const json& got = traced["layers"][1][part];
    const json& want = expected["layers"][1][part];
    ASSERT_EQ(got.size(), want.size()) << part;
    for (size_t i = 0; i < got.size(); ++i) {
      for (size_t j = 0; j < got[i].size(); ++j) {
        EXPECT_NEAR(got[i][j].get<float>(), want[i][j].get<float>(),
                    1e-4f * std::max(1.0f, std::abs(want[i][j].get<float>())))
            << part;
      }
    }
  }
  // --rollout: attention through both layers, as PyTorch's fixture computed it.
  const Outcome rollout = run({"--text", expected["text"], "--weights", dir + "gptpy.safetensors",
                               "--rollout", "--layer", "0", "--json", "-"});
  ASSERT_EQ(rollout.status, 0) << rollout.err;
  const json with_rollout = json::parse(rollout.out);
  EXPECT_EQ(with_rollout["layers"].size(), 1u);  // shown: layer 0; rolled out: every layer
  const json& got = with_rollout["rollout"];
  ASSERT_EQ(got.size(), expected["rollout"].size());
  for (size_t i = 0; i < got.size(); ++i) {
    for (size_t j = 0; j < got[i].size(); ++j) {
      EXPECT_NEAR(got[i][j].get<float>(), expected["rollout"][i][j].get<float>(), 2e-5f);
    }
  }
  expect_error({"--text", "salam", "--rollout"}, 1,
               "--rollout follows attention through the layers");
  expect_error({"--text", "salam", "--weights", dir + "gptpy.safetensors", "--head", "9"}, 1,
               "--head 9: the model has 4 heads (0–3)");
  // --head mean: each layer's average over its heads.
  const json mean = json::parse(run({"--text", "salam", "--weights", dir + "gptpy.safetensors",
                                     "--head", "mean", "--json", "-"})
                                    .out);
  const Outcome mean_table =
      run({"--text", "salam", "--weights", dir + "gptpy.safetensors", "--head", "mean", "--color",
           "never", "--png", path("m.png"), "--table"});
  ASSERT_EQ(mean_table.status, 0) << mean_table.err;
  EXPECT_NE(mean_table.out.find("layer 1 · mean of 4 heads"), std::string::npos);
  EXPECT_EQ(mean["layers"].size(), 2u);
  expect_error({"--text", "salam", "--weights", dir + "gptpy.safetensors", "--save-weights",
                path("saved.json")},
               1, "--save-weights writes a whole model as safetensors");
  EXPECT_FALSE(fs::exists(path("saved.json")));
  // --layer picks layers; the table says which; a layer the model lacks is an error.
  const Outcome one = run({"--text", "salam", "--weights", dir + "gptpy.safetensors", "--layer",
                           "1", "--head", "2", "--color", "never"});
  ASSERT_EQ(one.status, 0) << one.err;
  EXPECT_NE(one.out.find("gpt.py, 2 layers × 4 heads"), std::string::npos);
  EXPECT_NE(one.out.find("\nlayer 1 · head 2\n"), std::string::npos);
  EXPECT_EQ(one.out.find("layer 0"), std::string::npos);
  EXPECT_NE(one.out.find("the model's next token"), std::string::npos);
  expect_error({"--text", "salam", "--weights", dir + "gptpy.safetensors", "--layer", "2"}, 1,
               "--layer 2: the model has 2 layers (0–1)");
  expect_error({"--text", "salam", "--weights", dir + "gptpy.safetensors", "--layer", "0,,1"}, 2,
               "--layer: expected all, a layer or a list such as 0,5,11, found \"0,,1\"");
  expect_error({"--text", "salam", "--weights", dir + "gptpy.safetensors", "--bos"}, 1,
               "--bos needs the model's BPE tokenizer");
  // --explain of a later layer: its x is the residual stream; the last step is the guesses, the
  // very numbers of the JSON.
  const Outcome explain = run({"--text", "çay isti", "--weights", dir + "gptpy.safetensors",
                               "--layer", "1", "--head", "0", "--explain", "--precision", "4"});
  ASSERT_EQ(explain.status, 0) << explain.err;
  EXPECT_NE(explain.out.find("x: the residual stream entering layer 1"), std::string::npos);
  EXPECT_EQ(explain.out.find("Embeddings: x ="), std::string::npos);
  const json guesses =
      json::parse(run({"--text", "çay isti", "--weights", dir + "gptpy.safetensors", "--json", "-"})
                      .out)["predictions"];
  char first[64];
  std::snprintf(first, sizeof first, "  0 ç  %s %.4f",
                guesses[0][0]["token"].get<std::string>().c_str(),
                guesses[0][0]["p"].get<double>());
  const std::string step = explain.out.substr(explain.out.find("The model's next-token guesses"));
  EXPECT_NE(step.find(first), std::string::npos) << step;
}

// A Hugging Face folder as save_pretrained writes it, with GPT-2's real BPE vocabulary: the
// model's own tokens (ə as two byte tokens), every layer as PyTorch computed it, --bos.
// A heatmap of layer 0 alone runs block 0 alone: the same picture as a run that goes through
// every block for its JSON, and a NaN in block 1 is never read. Whatever shows guesses (the
// table here) runs every block, finds the NaN and writes nothing.
TEST_F(Cli, AHeatmapRunsTheModelOnlyAsFarAsItsLayer) {
  // One path for both files, as the heatmap's subtitle names it.
  const std::string clean = slurp(ATTNVIZ_REFERENCE "/models/gpt2_hf.safetensors");
  const std::string model = path("m.safetensors");
  const std::vector<std::string> args = {"--tokens", "a|b|c",     "--layer", "0",         "--head",
                                         "1",        "--weights", model,     "--no-table"};
  const auto with = [&](std::vector<std::string> more) {
    more.insert(more.begin(), args.begin(), args.end());
    return more;
  };
  std::ofstream(model, std::ios::binary) << clean;
  ASSERT_EQ(run(with({"--png", path("whole.png"), "--json", path("a.json")})).status, 0);
  std::ofstream(model, std::ios::binary)
      << attnviz::test::with_nan(clean, "h.1.mlp.c_fc.weight", 3, 7);
  const Outcome cut = run(with({"--png", path("cut.png")}));
  ASSERT_EQ(cut.status, 0) << cut.err;
  EXPECT_TRUE(slurp(path("cut.png")) == slurp(path("whole.png")));
  const Outcome table = run({"--tokens", "a|b|c", "--layer", "0", "--weights", model, "--png",
                             path("table.png"), "--table"});
  EXPECT_EQ(table.status, 1);
  EXPECT_NE(table.err.find("\"h.1.mlp.c_fc.weight\"[3][7] is NaN"), std::string::npos) << table.err;
  EXPECT_FALSE(std::filesystem::exists(path("table.png")));
}

TEST_F(Cli, AHuggingFaceFolderWithItsBpeTokenizer) {
  const std::string models = ATTNVIZ_REFERENCE "/models/";
  fs::copy_file(models + "gpt2_bpe.safetensors", dir_ / "model.safetensors");
  fs::copy_file(models + "gpt2_bpe.config.json", dir_ / "config.json");
  fs::copy_file(ATTNVIZ_DATA "/gpt2/encoder.json", dir_ / "vocab.json");
  fs::copy_file(ATTNVIZ_DATA "/gpt2/vocab.bpe", dir_ / "merges.txt");
  const json expected = json::parse(slurp(models + "gpt2_bpe.expected.json"));
  const Outcome o = run({"--text", expected["text"], "--weights", dir_.string(), "--json", "-"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.err, "");
  const json out = json::parse(o.out);
  EXPECT_EQ(out["token_ids"], expected["ids"]);
  EXPECT_EQ(out["tokens"][1], "⟨C9⟩");  // "Mən": M, then ə's two bytes, then n
  EXPECT_EQ(out["tokens"][2], "⟨99⟩");
  EXPECT_EQ(out["config"]["tokenizer"], "bpe");
  EXPECT_EQ(out["config"]["family"], "gpt2");
  EXPECT_EQ(out["config"]["vocab_size"], 50257);
  float worst = 0;
  for (size_t l = 0; l < 2; ++l) {
    for (size_t h = 0; h < 2; ++h) {
      const json& got = out["layers"][l]["heads"][h]["weights"];
      const json& want = expected["layers"][l]["heads"][h];
      for (size_t i = 0; i < got.size(); ++i) {
        for (size_t j = 0; j < got[i].size(); ++j) {
          worst = std::max(worst, std::abs(got[i][j].get<float>() - want[i][j].get<float>()));
        }
      }
    }
  }
  EXPECT_LE(worst, 2e-5f);
  for (size_t t = 0; t < out["predictions"].size(); ++t) {
    EXPECT_EQ(out["predictions"][t][0]["id"], expected["predictions"][t][0]["id"]);
  }
  expect_error({"--tokens", "Az|x", "--weights", dir_.string()}, 1,
               "--tokens: this model splits text with its own BPE tokenizer");
  // --bos: <|endoftext|> first, the rest as before.
  const Outcome bos = run({"--text", "salam", "--weights", dir_.string(), "--bos", "--json", "-"});
  ASSERT_EQ(bos.status, 0) << bos.err;
  const json with_bos = json::parse(bos.out);
  EXPECT_EQ(with_bos["tokens"][0], "<|endoftext|>");
  EXPECT_EQ(with_bos["token_ids"][0], 50256);
  // --tokenizer with random weights shows how BPE splits a text.
  const Outcome random = run({"--text", "Azərbaycan dili", "--tokenizer", dir_.string(), "--color",
                              "never", "--no-summary"});
  ASSERT_EQ(random.status, 0) << random.err;
  EXPECT_NE(random.out.find("8 tokens (bpe)"), std::string::npos) << random.out;
  EXPECT_NE(random.out.find("␣d"), std::string::npos);
}

}  // namespace

// The same bytes whatever --threads says; the kernels ATTNVIZ_KERNELS chooses are the ones used
// (AVX2 and AVX-512 sum in the same order, so they agree to the bit), an unknown name is refused.
TEST_F(Cli, ThreadsAndKernelsLeaveTheNumbersAsTheyAre) {
  const std::vector<std::string> args = {
      "--model", "az", "--text", "Mən çayı sevirəm, çünki o, isti və rahatladıcıdır.",
      "--json",  "-"};
  const auto threads = [&](const char* n) {
    std::vector<std::string> a = args;
    a.insert(a.end(), {"--threads", n});
    return run(a);
  };
  const Outcome one = threads("1");
  ASSERT_EQ(one.status, 0) << one.err;
  for (const char* n : {"2", "3"}) {
    EXPECT_EQ(threads(n).out, one.out) << n << " threads";
  }
  // The last target --version lists is the portable fallback (SCALAR, or EMU128 under clang).
  const std::string listed = run({"--version"}).out;
  const size_t end = listed.find(')', listed.find("this CPU: "));
  const size_t start = listed.rfind(' ', end) + 1;
  const std::string fallback = listed.substr(start, end - start);
  const Outcome version = run({"--version"}, {"ATTNVIZ_KERNELS=" + fallback});
  EXPECT_NE(version.out.find("kernels: " + fallback + " ("), std::string::npos) << version.out;
  if (run({"--version"}).out.find(" AVX2 ") != std::string::npos &&
      run({"--version"}).out.find(" AVX3 ") != std::string::npos) {
    EXPECT_EQ(run(args, {"ATTNVIZ_KERNELS=AVX2"}).out, run(args, {"ATTNVIZ_KERNELS=AVX3"}).out);
  }
  const Outcome bad = run({"--text", "ab"}, {"ATTNVIZ_KERNELS=AVX9"});
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("ATTNVIZ_KERNELS=AVX9: no such kernels for this CPU; it has: "),
            std::string::npos)
      << bad.err;
}

TEST_F(Cli, TheShippedModelRunsFromTheBinaryAndSaysWhatEachHeadDoes) {
  const Outcome list = run({"--model", "list"});
  EXPECT_EQ(list.status, 0) << list.err;
  EXPECT_EQ(list.out.rfind("az       Azerbaijani characters: a 2-layer", 0), 0u) << list.out;
  EXPECT_NE(list.out.find("\naz-long  Azerbaijani characters, a context of 256"), std::string::npos)
      << list.out;
  EXPECT_NE(run({"--model", "list", "--lang", "az"}).out.find("az       Azərbaycan hərfləri"),
            std::string::npos);

  // The lesson's sentence: the JSON's head scores are PyTorch's (make_shipped_model.py).
  const json expected = json::parse(slurp(ATTNVIZ_REFERENCE "/shipped_az.expected.json"));
  const json& lesson = expected["cases"][3];
  const Outcome o = run({"--model", "az", "--text", lesson["text"], "--json", "-", "--png",
                         path("az.png"), "--induction-test", "24", "--seed", "7"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.err, "");
  const json out = json::parse(o.out);
  EXPECT_EQ(out["token_ids"], lesson["ids"]);
  EXPECT_EQ(out["induction_test_ids"], expected["induction_test"]["ids"]);
  ASSERT_EQ(out["head_scores"].size(), 8u);
  const char* keys[] = {"previous_token", "current_token", "first_token", "duplicate_token",
                        "induction",      "last_vowel",    "last_space"};
  for (const json& h : out["head_scores"]) {
    const size_t l = h["layer"], head = h["head"];
    for (size_t p = 0; p < 7; ++p) {
      EXPECT_NEAR(h["scores"][keys[p]].get<float>(), lesson["head_scores"][l][head][p].get<float>(),
                  1e-5f)
          << keys[p];
    }
    EXPECT_NEAR(h["repeated_induction"].get<float>(),
                expected["induction_test"]["scores"][l][head].get<float>(), 1e-5f);
    EXPECT_TRUE(h["label"].is_null() || h["label"].is_string());
  }
  EXPECT_EQ(slurp(path("az.png")).substr(1, 3), "PNG");

  // The report, in both languages, names the previous-token head; --explain ends with it.
  const Outcome report = run({"--model", "az", "--text", lesson["text"], "--heads-report"});
  ASSERT_EQ(report.status, 0) << report.err;
  EXPECT_NE(report.out.find("What each head does"), std::string::npos);
  EXPECT_NE(report.out.find("previous-token head"), std::string::npos) << report.out;
  const Outcome az =
      run({"--model", "az", "--text", lesson["text"], "--heads-report", "--lang", "az"});
  EXPECT_NE(az.out.find("əvvəlki token başı"), std::string::npos) << az.out;
  const Outcome explain = run({"--model", "az", "--text", "evlər", "--explain"});
  EXPECT_NE(explain.out.find("Step 14 · What each head does"), std::string::npos);

  // A character outside the vocabulary runs as the stand-in, with one warning after the table.
  const Outcome snow = run({"--model", "az", "--text", "Qış 🌨"});
  EXPECT_EQ(snow.status, 0) << snow.err;
  EXPECT_NE(snow.out.find("Q"), std::string::npos);
  EXPECT_EQ(snow.err,
            "attnviz: warning: --model az: not in the model's vocabulary: \"🌨\"; each runs as "
            "the stand-in token \xEF\xBF\xBD, so what the model does there means little\n");
}

TEST_F(Cli, HtmlIsOneSelfContainedPageWhateverTheText) {
  const std::string text = "</script><!-- \"x\" & 'y' \u200f😀";
  const Outcome o = run({"--text", text, "--html", "-", "--scale", "2"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out.rfind("<!doctype html>", 0), 0u);
  // Nothing to fetch: no address but SVG's namespace name (an identifier, never loaded), no src
  // or href, and a policy that forbids every request.
  std::string html = o.out;
  const std::string svg_namespace = "http://www.w3.org/2000/svg";
  for (size_t at; (at = html.find(svg_namespace)) != std::string::npos;) {
    html.erase(at, svg_namespace.size());
  }
  for (const char* outside : {"http://", "https://", "src=", "href=", "@import", "url("}) {
    EXPECT_EQ(html.find(outside), std::string::npos) << outside;
  }
  EXPECT_NE(o.out.find("default-src 'none'"), std::string::npos);
  // The text is data: its <, > and & are escaped inside the one JSON block.
  const size_t data = o.out.find("id=\"attnviz-data\">");
  ASSERT_NE(data, std::string::npos);
  const size_t end = o.out.find("</script>", data);
  EXPECT_EQ(o.out.find('<', data + 18), end);
  EXPECT_NE(o.out.find("\\u003c/script\\u003e\\u003c!-- \\\"x\\\" \\u0026 'y'"), std::string::npos);
  EXPECT_NE(o.out.find("\"scale\":2.0"), std::string::npos);

  // A file output is written whole, or not at all when the run fails.
  const std::string page = path("page.html");
  EXPECT_EQ(run({"--text", "ab", "--html", page, "--no-table"}).status, 0);
  const std::string before = slurp(page);
  EXPECT_NE(before.find("</html>"), std::string::npos);
  EXPECT_NE(run({"--text", "ab", "--html", page, "--weights", path("none.json")}).status, 0);
  EXPECT_EQ(slurp(page), before);
}
