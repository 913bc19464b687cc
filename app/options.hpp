// The command line's options: what the user asked for, as CLI11 parsed it.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "attnviz/error.hpp"
#include "attnviz/model/weights.hpp"
#include "attnviz/render/heatmap.hpp"

namespace attnviz::app {

struct Options {
  std::optional<std::string> text, text_file, tokens, weights, save_weights, json, png, svg, font;
  std::optional<std::string> vocab, vocab_text;  // a character model's vocabulary, or its text
  std::optional<std::string> model;              // --model: a shipped model's name, or list
  std::optional<std::string> html;               // --html: the interactive page
  std::optional<std::string> animate;            // --animate FILE.gif: the model writing
  std::string tokenizer = "char";                // char, word, or a BPE tokenizer's file or folder
  bool tokenizer_given = false;
  std::string layer = "all";         // --layer: all, L, or L1,L2,…
  std::string long_text = "window";  // --long-text: window or last
  bool bos = false, rollout = false;
  std::string input = "embeddings";  // or randn: x = torch.randn(1, T, n_embd)
  std::string init = "torch";        // or torch-generic
  std::string prefix;                // --prefix: the attention module inside a whole model
  bool check_digest = false;         // --check-digest: an Ollama blob's SHA-256 checked
  bool seed_given = false, init_given = false;
  std::string color = "auto";
  RandomInit random;
  bool no_positions = false, no_mask = false, no_scale = false, no_table = false, table = false;
  bool no_summary = false, explain = false, trace = false, full = false;
  bool heads_report = false;
  int induction_test = 0;           // --induction-test S
  int generate = 0;                 // --generate N
  std::optional<int> explain_step;  // --explain-step S
  std::optional<double> temperature, top_p;
  std::optional<int> top_k;
  std::optional<int> width;
  int precision = 3;
  // Checked by CLI11; the language itself is read before parsing (interface_lang), so that usage
  // errors are said in it too.
  std::optional<std::string> lang;
  std::string head = "all";  // all, mean, or a head's index
  HeatmapOptions heatmap;
  std::string range = "fixed";
  std::string layout = "auto";            // --layout: auto, row, column, grid
  std::optional<std::string> highlight;   // --highlight ROW or ROW,COL
  std::optional<std::string> rows, cols;  // --rows A:B, --cols C:D
  bool no_captions = false;
  Limits limits;
  size_t max_file_mb = Limits{}.max_file_bytes >> 20;
  int threads = 0;      // --threads; 0: the cores available
  std::string kernels;  // ATTNVIZ_KERNELS; "": the fastest this CPU has
};

// Names and describes `app` (version flag, examples footer) and declares every option on it,
// writing into `o`. The man page and shell completions are generated from the same App.
// The descriptions, groups and help in `lang`.
void configure_app(CLI::App& app, Options& o, Lang lang = Lang::En);

// Whether the table (or --explain, --heads-report) goes to standard output: no output was sent
// there with "-", and it was asked for (--explain, --heads-report, --table) or no output goes to a
// file (then one line per file written is printed instead, unless --no-table).
bool shows_terminal_text(const Options& o);
// Whether any output goes to a file (or standard output, "-").
bool writes_files(const Options& o);

// A usage error CLI11 cannot see (missing input, outputs sharing a path, --heads not dividing
// --n-embd, --n-embd above --max-embd), or nullopt.
std::optional<Words> usage_problem(const Options& o);

}  // namespace attnviz::app
