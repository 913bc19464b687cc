// attnviz: the command line. Parses options into a request, runs core, writes outputs, and is the
// one place where errors become an exit status: 0 success, 1 bad input or I/O, 2 usage error.
#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include "attnviz/error.hpp"
#include "attnviz/heatmap.hpp"
#include "attnviz/io.hpp"
#include "attnviz/render_json.hpp"
#include "attnviz/render_png.hpp"
#include "attnviz/render_svg.hpp"
#include "attnviz/render_table.hpp"
#include "attnviz/run.hpp"
#include "attnviz/version.hpp"

namespace {

constexpr int kExitInput = 1;
constexpr int kExitUsage = 2;
constexpr size_t kMaxTextBytes = 16u << 20;
constexpr size_t kMaxWeightsBytes = 256u << 20;
constexpr size_t kMaxFontBytes = 64u << 20;

constexpr const char* kExamples = R"(Examples:
  attnviz --text "Azərbaycan dili"
  attnviz --text "Mən çayı sevirəm, çünki o, isti və rahatladıcıdır." --tokenizer word
  attnviz --tokens "Az|ər|bay|can| |dili" --n-embd 32 --seed 7
  attnviz --file data/texts/lesson-pronoun.txt --tokenizer word --json attention.json
  attnviz --text "Azərbaycan dili" --save-weights my.json
  attnviz --text "Azərbaycan dili" --weights my.json --json -
  attnviz --text "Mən çayı sevirəm, çünki o, isti və rahatladıcıdır." --tokenizer word \
          --png slide.png --svg slide.svg --annotate --scale 2

Masked cells (a token never sees the ones after it) print as · and are exactly 0 in JSON.)";

// Everything the user asked for, as parsed; no validation beyond CLI11's.
struct Options {
  std::optional<std::string> text, text_file, tokens, weights, save_weights, json, png, svg, font;
  std::string tokenizer = "char";
  std::string color = "auto";
  attnviz::RandomInit random;
  bool no_positions = false, no_mask = false, no_table = false;
  std::optional<int> width;
  int precision = 3;
  attnviz::HeatmapOptions heatmap;
  std::string range = "fixed";
  bool no_captions = false;
};

void add_heatmap_options(CLI::App& app, Options& o) {
  app.add_option("--cmap", o.heatmap.cmap, "Colormap of the heatmap and the table's shading")
      ->check(CLI::IsMember(attnviz::Colormap::names()))
      ->capture_default_str();
  app.add_option("--theme", o.heatmap.theme, "Heatmap colors: light or dark")
      ->check(CLI::IsMember({"light", "dark"}))
      ->capture_default_str();
  app.add_flag("--transparent", o.heatmap.transparent, "Heatmap without a background fill");
  app.add_flag("--annotate", o.heatmap.annotate, "Print each weight in its heatmap cell");
  app.add_option("--range", o.range,
                 "Colorbar from 0 to 1 (fixed) or over the weights shown (auto)")
      ->check(CLI::IsMember({"fixed", "auto"}))
      ->capture_default_str();
  app.add_option("--title", o.heatmap.title,
                 "Heatmap title (default: the text and what was computed; \"\": none)");
  app.add_flag("--no-captions", o.no_captions, "No \"query\" and \"key\" axis captions");
  app.add_option("--cell-size", o.heatmap.cell_size,
                 "Heatmap cell size in pixels (default: from the number of tokens)")
      ->check(CLI::Range(1.0f, 200.0f));
  app.add_option("--scale", o.heatmap.scale, "Multiply every heatmap size, e.g. 2 for slides")
      ->check(CLI::Range(0.25f, 8.0f))
      ->capture_default_str();
  app.add_option("--font", o.font, "TrueType font for heatmap labels (default: DejaVu Sans)")
      ->type_name("FILE");
}

void add_options(CLI::App& app, Options& o) {
  auto* text = app.add_option("-t,--text", o.text, "Text to tokenize and attend over");
  auto* file = app.add_option("-f,--file", o.text_file, "Read the text from a file ('-': stdin)")
                   ->type_name("FILE");
  auto* tokens = app.add_option("--tokens", o.tokens,
                                "Explicit tokens separated by '|', e.g. \"Az|ər|bay|can\"; "
                                "\\| is a literal '|', \\\\ a literal '\\'")
                     ->type_name("LIST");
  text->excludes(file, tokens);
  file->excludes(tokens);
  auto* tokenizer = app.add_option("--tokenizer", o.tokenizer,
                                   "char: one token per character (grapheme); word: words and "
                                   "punctuation")
                        ->check(CLI::IsMember({"char", "word"}))
                        ->capture_default_str();
  tokenizer->excludes(tokens);

  auto* weights = app.add_option("-w,--weights", o.weights,
                                 "Weights JSON (see README) instead of random weights")
                      ->type_name("FILE");
  auto* seed =
      app.add_option("--seed", o.random.seed, "Seed for random weights")->capture_default_str();
  auto* n_embd = app.add_option("--n-embd", o.random.n_embd, "Embedding width C of random weights")
                     ->check(CLI::Range(1, attnviz::kMaxEmbd))
                     ->capture_default_str();
  auto* block = app.add_option("--block-size", o.random.block_size,
                               "Longest text random weights accept (rows of the position table)")
                    ->check(CLI::Range(1, attnviz::kMaxBlockSize))
                    ->capture_default_str();
  auto* no_pos = app.add_flag("--no-positions", o.no_positions,
                              "Random weights without position embeddings: x = token embedding");
  weights->excludes(seed, n_embd, block, no_pos);
  app.add_flag("--no-mask", o.no_mask,
               "Let every token see every other (bidirectional), to compare with the mask");

  app.add_option("--save-weights", o.save_weights,
                 "Write the weights this run used, for --weights to reproduce it")
      ->type_name("FILE");
  app.add_option("--json", o.json, "Write tokens, config, weights and output as JSON ('-': stdout)")
      ->type_name("FILE");
  app.add_option("--png", o.png, "Write the heatmap as PNG ('-': stdout)")->type_name("FILE");
  app.add_option("--svg", o.svg, "Write the heatmap as SVG ('-': stdout)")->type_name("FILE");
  app.add_flag("--no-table", o.no_table, "Do not print the table");
  add_heatmap_options(app, o);
  app.add_option("--color", o.color,
                 "Shade table cells: auto (a terminal, unless NO_COLOR is set), "
                 "always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  app.add_option("--width", o.width,
                 "Table width in columns (default: the terminal's; 0: no limit)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--precision", o.precision, "Digits after the decimal point in the table")
      ->check(CLI::Range(1, 9))
      ->capture_default_str();
}

bool use_color(const std::string& mode) {
  if (mode != "auto") return mode == "always";
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return ::isatty(STDOUT_FILENO) && (no_color == nullptr || *no_color == '\0') &&
         !(term != nullptr && std::string(term) == "dumb");
}

int terminal_width() {
  winsize ws{};
  if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return ws.ws_col;
  }
  if (const char* columns = std::getenv("COLUMNS")) {
    const int n = std::atoi(columns);
    if (n > 0) return n;
  }
  return 80;
}

// A text file usually ends with a newline that is not part of the text.
std::string strip_final_newline(std::string text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

attnviz::Font load_font(const std::optional<std::string>& requested) {
  const std::string path = requested.value_or(attnviz::default_font_path());
  if (path.empty()) {
    throw attnviz::Error(
        "no font for the heatmap labels: install fonts-dejavu-core or pass --font FILE");
  }
  return attnviz::Font(attnviz::io::read_file(path, kMaxFontBytes), path);
}

attnviz::Request make_request(const Options& o) {
  attnviz::Request r;
  if (o.tokens) {
    r.input = attnviz::InputKind::TokenList;
    r.text = *o.tokens;
    r.text_origin = "--tokens";
  } else if (o.text_file) {
    r.text = strip_final_newline(attnviz::io::read_file(*o.text_file, kMaxTextBytes));
    r.text_origin = *o.text_file == "-" ? "standard input" : *o.text_file;
  } else {
    r.text = *o.text;
    r.text_origin = "--text";
  }
  r.tokenizer = attnviz::tokenizer_from_name(o.tokenizer);
  if (o.weights) {
    r.weights_path = *o.weights;
    r.weights_json = attnviz::io::read_file(*o.weights, kMaxWeightsBytes);
  }
  r.random = o.random;
  r.random.positions = !o.no_positions;
  r.causal = !o.no_mask;
  return r;
}

int run(const Options& o) {
  const attnviz::Request request = make_request(o);
  const attnviz::Result result = attnviz::run(request);
  for (const std::string& warning : result.warnings) {
    std::cerr << "attnviz: warning: " << warning << '\n';
  }

  // Everything is rendered before anything is written, and files are staged before stdout, so a
  // failure leaves every existing file as it was.
  std::string to_stdout;
  attnviz::io::OutputFiles files;
  const auto emit = [&](const std::optional<std::string>& path, const char* what, auto render) {
    if (!path) return;
    if (*path == "-") {
      to_stdout += render();
    } else {
      files.stage(*path, render(), what);
    }
  };
  emit(o.json, "--json", [&] { return attnviz::render_json(request, result); });
  emit(o.save_weights, "--save-weights", [&] { return attnviz::weights_to_json(result.weights); });
  if (o.png || o.svg) {
    const attnviz::Font font = load_font(o.font);
    attnviz::HeatmapOptions heatmap = o.heatmap;
    heatmap.auto_range = o.range == "auto";
    heatmap.captions = !o.no_captions;
    const attnviz::Scene scene = attnviz::heatmap_scene(request, result, heatmap, font);
    emit(o.png, "--png", [&] { return attnviz::render_png(scene, font); });
    emit(o.svg, "--svg", [&] { return attnviz::render_svg(scene); });
  }
  if (!o.no_table && to_stdout.empty()) {
    attnviz::TableOptions table;
    table.width = o.width.value_or(terminal_width());
    table.cmap = use_color(o.color) ? &attnviz::Colormap::named(o.heatmap.cmap) : nullptr;
    table.precision = o.precision;
    to_stdout = attnviz::render_table(request, result, table);
  }
  attnviz::io::write_stdout(to_stdout);
  files.commit();
  return 0;
}

// A usage error when two outputs name the same file (or both standard output).
std::optional<std::string> output_conflict(const Options& o) {
  const std::vector<std::pair<const char*, const std::optional<std::string>*>> outputs = {
      {"--json", &o.json},
      {"--save-weights", &o.save_weights},
      {"--png", &o.png},
      {"--svg", &o.svg}};
  for (size_t a = 0; a < outputs.size(); ++a) {
    for (size_t b = a + 1; b < outputs.size(); ++b) {
      const auto& pa = *outputs[a].second;
      const auto& pb = *outputs[b].second;
      if (pa && pb && *pa == *pb) {
        return std::string(outputs[a].first) + " and " + outputs[b].first + " both write " + *pa +
               "; give them different files";
      }
    }
  }
  return std::nullopt;
}

int usage_error(const std::string& message) {
  std::cerr << "attnviz: error: " << message << " (see attnviz --help)\n";
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"attnviz " + std::string(attnviz::kVersion) +
                   ": see how each token attends to the ones before it (masked self-attention)",
               "attnviz"};
  app.set_version_flag("-V,--version", std::string("attnviz ") + attnviz::kVersion);
  app.footer(kExamples);
  Options options;
  add_options(app, options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  }
  if (!options.text && !options.text_file && !options.tokens) {
    return usage_error("give the input with --text, --file or --tokens");
  }
  if (const auto conflict = output_conflict(options)) return usage_error(*conflict);
  try {
    return run(options);
  } catch (const attnviz::Error& e) {
    std::cerr << "attnviz: error: " << e.what() << '\n';
  } catch (const std::bad_alloc&) {
    std::cerr << "attnviz: error: out of memory\n";
  } catch (const std::exception& e) {
    std::cerr << "attnviz: error: internal error: " << e.what() << '\n';
  }
  return kExitInput;
}
