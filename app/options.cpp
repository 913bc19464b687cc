// Option definitions, help text and the usage checks CLI11 cannot express.
#include "options.hpp"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <tuple>

#include "attnviz/compute/compute.hpp"
#include "attnviz/compute/kernels.hpp"
#include "attnviz/render/colormap.hpp"
#include "attnviz/strings.hpp"
#include "attnviz/version.hpp"
#include "help.hpp"
#include "help_az.hpp"
#include "terminal.hpp"

namespace attnviz::app {
namespace {

// "3" or "0,5,11": numbers of at most 5 digits, separated by single commas.
bool is_index_list(const std::string& v) {
  if (v.empty() || v.size() >= 64 || v.front() == ',' || v.back() == ',' ||
      v.find(",,") != std::string::npos || v.find_first_not_of("0123456789,") != std::string::npos)
    return false;
  size_t digits = 0;
  for (const char c : v) digits = c == ',' ? 0 : digits + 1;
  return digits <= 5;
}

void add_heatmap_options(CLI::App& app, Options& o) {
  app.option_defaults()->group("Heatmap (PNG, SVG)");
  app.add_option("--cmap", o.heatmap.cmap, "Colormap of the heatmap and the table's shading")
      ->check(CLI::IsMember(Colormap::names()))
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
  app.add_option("--highlight", o.highlight,
                 "Outline a query's row (ROW) or one cell (ROW,COL) in the heatmap and the page")
      ->type_name("ROW[,COL]")
      ->check([](const std::string& v) {
        const size_t commas = static_cast<size_t>(std::count(v.begin(), v.end(), ','));
        if (commas <= 1 && is_index_list(v)) return std::string();
        return "expected a row or a row and a column such as 3,1, found \"" + v + "\"";
      });
  for (auto [name, slice, axis] :
       {std::tuple{"--rows", &o.rows, "queries"}, std::tuple{"--cols", &o.cols, "keys"}}) {
    app.add_option(name, *slice,
                   std::string("Show only these ") + axis +
                       " in the table, the heatmap and the page, as a Python slice of the text's "
                       "positions: 10:20, :5, -10: (the labels keep their positions)")
        ->option_text("A:B")
        ->check([](const std::string& v) {
          static const std::regex pattern("-?[0-9]{0,6}:-?[0-9]{0,6}");
          if (std::regex_match(v, pattern)) return std::string();
          return "expected a slice such as 10:20, :5 or -10:, found \"" + v + "\"";
        });
  }
  app.add_option("--label-size", o.heatmap.label_size,
                 "Size of the token labels in pixels, before --scale (default: from the cell "
                 "size, at least 11)")
      ->check(CLI::Range(4.0f, 96.0f));
  app.add_option("--layout", o.layout,
                 "Panels in a row, a column, or a grid (a whole model's layers × heads); default: "
                 "a model's grid when every head is shown, else closest to a 16:9 slide")
      ->check(CLI::IsMember({"auto", "row", "column", "grid"}))
      ->capture_default_str();
  app.add_option("--font", o.font, "TrueType font for heatmap labels (default: DejaVu Sans)")
      ->type_name("FILE");
}

void add_teaching_options(CLI::App& app, Options& o) {
  app.option_defaults()->group("Teaching");
  app.add_flag("--explain", o.explain,
               "Print every step with its numbers: tokens, x, q, k, v, scores, scale, mask, "
               "softmax, output");
  app.add_flag("--trace", o.trace,
               "With --json, also write every intermediate (on with --explain)");
  app.add_flag("--heads-report", o.heads_report,
               "Print what each head of a whole model does: its scores for the previous-token, "
               "current-token, first-token, duplicate-token, induction, last-vowel and last-space "
               "patterns on this text, and a label where one is clear");
  app.add_option("--induction-test", o.induction_test,
                 "Also run the model on S random tokens repeated twice (from --seed) and score "
                 "each head's induction stripe there, as TransformerLens's demos do")
      ->type_name("S")
      ->check(CLI::Range(2, 1 << 16));
  app.add_option("--lang", o.lang,
                 "Language of the explanations, headers and captions "
                 "(default: from LANG/LC_ALL, else en)")
      ->check(CLI::IsMember({"az", "en"}));
  app.add_flag("--no-mask", o.no_mask,
               "Let every token see every other (bidirectional), to compare with the mask");
  app.add_flag("--no-scale", o.no_scale,
               "Skip the · head_size^-0.5 scale, to see softmax saturate");
  app.add_flag("--no-summary", o.no_summary,
               "Leave out the row summaries (most attended key, entropy) under the table");
  app.add_option("--head", o.head,
                 "Heads to show in the table, heatmap and explanation: all, mean, one (3) or "
                 "several (1,3)")
      ->type_name("all|mean|H|H1,H2")
      ->check([](const std::string& v) {
        if (v == "all" || v == "mean" || is_index_list(v)) return std::string();
        return "expected all, mean, a head or a list such as 1,3, found \"" + v + "\"";
      })
      ->capture_default_str();
}

void add_limit_options(CLI::App& app, Options& o) {
  app.option_defaults()->group("Limits");
  app.add_option("--max-tokens", o.limits.max_tokens, "Refuse texts with more tokens than this")
      ->check(CLI::Range(size_t{1}, size_t{1} << 24))
      ->capture_default_str();
  app.add_option("--max-embd", o.limits.max_embd, "Refuse n_embd above this (random or loaded)")
      ->check(CLI::Range(1, kMaxEmbdCeiling))
      ->capture_default_str();
  app.add_option("--max-file-size", o.max_file_mb,
                 "Refuse text, weights and font files larger than this many MiB")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20))
      ->capture_default_str();
  app.add_option("--threads", o.threads,
                 "Threads for the matrix products and heads (default: the cores this process may "
                 "use); the numbers are the same for any count")
      ->check(CLI::Range(1, 1024));
}

// The text and how it is split.
void add_input_options(CLI::App& app, Options& o) {
  app.option_defaults()->group("Input");
  auto* text = app.add_option("-t,--text", o.text, "Text to tokenize and attend over");
  auto* file = app.add_option("-f,--file", o.text_file, "Read the text from a file ('-': stdin)")
                   ->type_name("FILE");
  auto* tokens = app.add_option("--tokens", o.tokens,
                                "Explicit tokens separated by '|', e.g. \"Az|ər|bay|can\"; "
                                "\\| is a literal '|', \\\\ a literal '\\'")
                     ->type_name("LIST");
  text->excludes(file, tokens);
  file->excludes(tokens);
  auto* tokenizer =
      app.add_option("--tokenizer", o.tokenizer,
                     "char: one token per character (grapheme); word: words and punctuation; or "
                     "a model's BPE: a tokenizer.json (Llama, Qwen, Gemma, SmolLM, GPT-2 …), or "
                     "a folder with tokenizer.json or vocab.json + merges.txt (a model folder "
                     "given to --weights brings its own)")
          ->check(CLI::Validator(
              [](std::string& v) {
                std::error_code error;
                if (v == "char" || v == "word" || std::filesystem::exists(v, error))
                  return std::string();
                return "expected char, word, or a tokenizer file or folder, found \"" + v + "\"";
              },
              "", "tokenizer"))
          ->type_name("char|word|FILE|DIR")
          ->each([&o](const std::string&) { o.tokenizer_given = true; })
          ->capture_default_str();
  tokenizer->excludes(tokens);
  app.add_option("--input", o.input,
                 "What the tokens become: embeddings (x = token + position embedding), or "
                 "randn (the lesson's exercise: x = torch.randn(1, T, n_embd) from --seed; the "
                 "tokens only label the rows)")
      ->check(CLI::IsMember({"embeddings", "randn"}))
      ->capture_default_str();
}

// Where the weights come from (a file, a folder, a shipped model, or random) and what of a model
// is run and shown.
void add_weight_options(CLI::App& app, Options& o) {
  app.option_defaults()->group("Weights");
  auto* weights =
      app.add_option("-w,--weights", o.weights,
                     "Weights instead of random ones: a state_dict as PyTorch's .pth/.pt/.bin "
                     "(torch.save, read without running it), safetensors or JSON — one "
                     "attention module (the lesson's, Karpathy's, nanoGPT's c_attn) or a whole "
                     "model (nanoGPT, GPT-2, gpt.py: every layer) — or a Hugging Face model folder "
                     "(config.json, model.safetensors, tokenizer), a GGUF file (llama.cpp, LM "
                     "Studio; quantized too), or ollama:NAME[:TAG] from Ollama's store; see README")
          ->type_name("FILE|DIR|ollama:NAME");
  auto* model =
      app.add_option("--model", o.model,
                     "A trained model that ships inside attnviz, e.g. az (Azerbaijani characters); "
                     "list: name them")
          ->type_name("NAME|list");
  auto* vocab = app.add_option("--vocab", o.vocab,
                               "A character model's vocabulary, if its file has none: nanoGPT's "
                               "meta.pkl, or a JSON list of token strings")
                    ->type_name("FILE");
  auto* vocab_text =
      app.add_option("--vocab-text", o.vocab_text,
                     "A character model's training text (gpt.py's input.txt): its vocabulary is "
                     "sorted(set(text)), as the training code built it")
          ->type_name("FILE");
  vocab->excludes(vocab_text);
  app.add_option("--layer", o.layer,
                 "Layers of a whole model to show: all, one (3) or several (0,5,11)")
      ->type_name("all|L|L1,L2")
      ->check([](const std::string& v) {
        if (v == "all" || is_index_list(v)) return std::string();
        return "expected all, a layer or a list such as 0,5,11, found \"" + v + "\"";
      })
      ->capture_default_str();
  app.add_option("--long-text", o.long_text,
                 "A text longer than the model's block_size: window (each token sees the "
                 "block_size tokens ending at it, as when the model writes) or last (only the last "
                 "block_size tokens run)")
      ->check(CLI::IsMember({"window", "last"}))
      ->capture_default_str();
  app.add_flag("--rollout", o.rollout,
               "Also show attention rollout (Abnar & Zuidema): attention followed through every "
               "layer of a whole model, the residual connection counted, as one T×T matrix");
  app.add_flag("--bos", o.bos,
               "Put the beginning-of-text token before the text (GPT-2's <|endoftext|>, as "
               "TransformerLens does) unless the tokenizer puts one there already: many heads "
               "park their attention on the first token");
  app.add_option("--prefix", o.prefix,
                 "Where the attention module's keys start in a whole-model file, e.g. "
                 "transformer.h.0.attn. (nanoGPT) or blocks.0.sa. (Karpathy's gpt.py)")
      ->type_name("PREFIX")
      ->needs(weights);
  app.add_flag("--check-digest", o.check_digest,
               "With --weights ollama:NAME: check the model file's SHA-256 against its digest in "
               "the manifest first (reads the whole file)")
      ->needs(weights);
  app.add_option("--seed", o.random.seed,
                 "torch.manual_seed for random weights and --input randn: the same numbers as "
                 "PyTorch")
      ->each([&o](const std::string&) { o.seed_given = true; })
      ->capture_default_str();
  app.add_option("--init", o.init,
                 "Random numbers as PyTorch's CPU generator draws them: torch (its AVX2 kernels: "
                 "x86-64 PCs), torch-generic (its kernels for CPUs without AVX2, e.g. ARM)")
      ->check(CLI::IsMember({"torch", "torch-generic"}))
      ->each([&o](const std::string&) { o.init_given = true; })
      ->capture_default_str();
  auto* n_embd = app.add_option("--n-embd", o.random.n_embd, "Embedding width C of random weights")
                     ->check(CLI::Range(1, kMaxEmbdCeiling))
                     ->capture_default_str();
  auto* block = app.add_option("--block-size", o.random.block_size,
                               "Longest text random weights accept (rows of the position table)")
                    ->check(CLI::Range(1, kMaxBlockSize))
                    ->capture_default_str();
  auto* no_pos = app.add_flag("--no-positions", o.no_positions,
                              "Random weights without position embeddings: x = token embedding");
  app.add_option("--heads", o.random.n_head,
                 "Random MultiHeadAttention with H heads of n_embd / H (day 13) instead of the "
                 "lesson's single SelfAttention; with --weights, the n_head of nanoGPT's c_attn")
      ->check(CLI::Range(1, kMaxEmbdCeiling));
  weights->excludes(n_embd, block, no_pos);
  model->excludes(n_embd, block, no_pos);
}

// --generate and how it draws.
void add_generation_options(CLI::App& app, Options& o) {
  app.option_defaults()->group("Generation");
  app.add_option("--generate", o.generate,
                 "A whole model continues the text by N tokens, drawn as PyTorch draws them after "
                 "torch.manual_seed(--seed); every view shows the new tokens' attention")
      ->type_name("N")
      ->check(CLI::Range(1, 4096));
  app.add_option("--temperature", o.temperature,
                 "Divide the logits by T before the softmax: below 1 sharper, above 1 flatter; 0 "
                 "takes the most probable token (default: the model's code's, 0.8 for nanoGPT)")
      ->type_name("T")
      ->check(CLI::Range(0.0, 100.0));
  app.add_option("--top-k", o.top_k,
                 "Draw only from the K most probable tokens (0: all; default: the model's "
                 "code's, 200 for nanoGPT, 50 for GPT-2, all for gpt.py)")
      ->type_name("K")
      ->check(CLI::Range(0, 1 << 20));
  app.add_option("--top-p", o.top_p,
                 "Draw only from the most probable tokens whose probabilities add up to P "
                 "(nucleus sampling, as Hugging Face; default 1: all)")
      ->type_name("P")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--animate", o.animate,
                 "Write the model writing as a looping GIF (FILE.gif: slides and browsers) or "
                 "APNG (FILE.png: every color exact), one frame per new token: the matrix growing "
                 "row by row, the candidates beside it")
      ->type_name("FILE.gif|FILE.png");
  app.add_option("--explain-step", o.explain_step,
                 "With --explain (or --json --trace): the step walked through, from the row that "
                 "chose the token to the draw (default 1)")
      ->type_name("S")
      ->check(CLI::Range(1, 4096));
}

// The files written, and the table printed.
void add_output_options(CLI::App& app, Options& o) {
  app.option_defaults()->group("Output");
  app.add_option("--save-weights", o.save_weights,
                 "Write the weights this run used, for --weights to reproduce it; a whole model "
                 "as .safetensors, its settings and vocabulary inside")
      ->type_name("FILE");
  app.add_option("--json", o.json, "Write tokens, config, weights and output as JSON ('-': stdout)")
      ->type_name("FILE");
  app.add_option("--png", o.png, "Write the heatmap as PNG ('-': stdout)")->type_name("FILE");
  app.add_option("--svg", o.svg, "Write the heatmap as SVG ('-': stdout)")->type_name("FILE");
  app.add_option("--html", o.html,
                 "Write one self-contained page to explore every layer and head in a browser, "
                 "offline ('-': stdout)")
      ->type_name("FILE");
  auto* no_table = app.add_flag(
      "--no-table", o.no_table,
      "Print nothing (a whole model then runs only as far as the other outputs need: a heatmap "
      "of layer 5 stops after block 5)");
  app.add_flag("--table", o.table,
               "Print the table even when every output goes to a file (which otherwise prints "
               "one line per file written)")
      ->excludes(no_table);
  app.option_defaults()->group("Table");
  app.add_option("--color", o.color,
                 "Shade table cells: auto (a terminal, unless NO_COLOR is set), "
                 "always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  app.add_option("--width", o.width,
                 "Table width in columns (default: the terminal's; 0: no limit)")
      ->check(CLI::Range(0, 1 << 20));
  app.add_flag("--full", o.full,
               "Print every row and column of a large table (default: past 1000 cells, the first "
               "and last 3, as numpy) and of --explain's matrices (default: 24 rows, 8 columns)");
  app.add_option("--precision", o.precision,
                 "Digits after the decimal point in the table and explanation")
      ->check(CLI::Range(1, 9))
      ->capture_default_str();
}

void add_options(CLI::App& app, Options& o) {
  add_input_options(app, o);
  add_weight_options(app, o);
  add_generation_options(app, o);
  add_output_options(app, o);
  add_heatmap_options(app, o);
  add_teaching_options(app, o);
  add_limit_options(app, o);
}

const char* const kExamples = R"(
  attnviz --text "Azərbaycan dili"
  attnviz --text "Mən çayı sevirəm, çünki o, isti və rahatladıcıdır." --tokenizer word
  attnviz --tokens "Az|ər|bay|can| |dili" --n-embd 32 --seed 7
  attnviz --file story.txt --tokenizer word --json attention.json
  attnviz --text "Azərbaycan dili" --save-weights my.json
  attnviz --text "Azərbaycan dili" --weights my.json --json -
  attnviz --text "Mən çayı sevirəm, çünki o, isti və rahatladıcıdır." --tokenizer word \
          --png slide.png --svg slide.svg --annotate --scale 2
  attnviz --text "Azərbaycan dili" --explain --lang az
  attnviz --text "Azərbaycan dili" --n-embd 32 --heads 4 --png heads.png
  attnviz --tokens "a|b|c|d|e|f|g|h" --input randn --n-embd 32 --seed 1337
  attnviz --text "Azərbaycan dili" --weights my-gpt2/ --layer 0,11 --png grid.png --rollout
  attnviz --model az --text "Mən çayı sevirəm, çünki o, isti və rahatladıcıdır." --png az.png
  attnviz --model az --text "kitablar evlər" --heads-report
  attnviz --model list
  attnviz --model az --file data/texts/lesson-definition.txt --layer 0,1 --head 3 --rollout \
          --highlight 100 --png slide.png)";

const char* const kExamplesEnd =
    "Masked cells (a token never sees the ones after it) print as · and are exactly 0 in JSON.";
const char* const kExamplesEndAz =
    "Maskalanmış xanalar (token özündən sonrakıları heç vaxt görmür) · kimi çap olunur və "
    "JSON-da dəqiq 0-dır.";

}  // namespace

void configure_app(CLI::App& app, Options& o, Lang lang) {
  const bool az = lang == Lang::Az;
  app.name("attnviz");
  app.description("attnviz " + std::string(kVersion) +
                  (az ? ": hər tokenin özündən əvvəlkilərə necə diqqət yetirdiyini gör "
                        "(maskalanmış öz-diqqət)"
                      : ": see how each token attends to the ones before it (masked "
                        "self-attention)"));
  // The kernels line says which instruction set the products run with on this CPU (Highway's
  // names: AVX3 is AVX-512); ATTNVIZ_KERNELS chooses another for a run.
  app.set_version_flag("-V,--version", [&o] {
    const Compute compute({o.threads, o.kernels});
    const ComputeScope scope(compute);
    std::string targets;
    for (const std::string& t : kernel_targets()) targets += (targets.empty() ? "" : " ") + t;
    return std::string("attnviz ") + kVersion + "\nkernels: " + kernel_target() +
           " (this CPU: " + targets + "); threads: " + std::to_string(threads());
  });
  app.footer((az ? "Nümunələr:" : "Examples:") + std::string(kExamples) + "\n\n" +
             (az ? kExamplesEndAz : kExamplesEnd));
  add_options(app, o);
  if (az) say_options_in_azerbaijani(app);
  app.formatter(std::make_shared<HelpFormatter>(lang, terminal_width()));
}

// A usage error when two outputs name the same file (or both standard output).
std::optional<Words> output_conflict(const Options& o) {
  const std::vector<std::pair<const char*, const std::optional<std::string>*>> outputs = {
      {"--json", &o.json}, {"--save-weights", &o.save_weights},
      {"--png", &o.png},   {"--svg", &o.svg},
      {"--html", &o.html}, {"--animate", &o.animate}};
  for (size_t a = 0; a < outputs.size(); ++a) {
    for (size_t b = a + 1; b < outputs.size(); ++b) {
      const auto& pa = *outputs[a].second;
      const auto& pb = *outputs[b].second;
      if (pa && pb && *pa == *pb) {
        return Words(Err::OutputsShareFile, {outputs[a].first, outputs[b].first, *pa});
      }
    }
  }
  return std::nullopt;
}

bool shows_terminal_text(const Options& o) {
  for (const auto* path : {&o.json, &o.png, &o.svg, &o.html, &o.save_weights, &o.animate}) {
    if (*path && **path == "-") return false;
  }
  if (o.explain || o.heads_report || o.table) return true;
  return !o.no_table && !writes_files(o);
}

bool writes_files(const Options& o) {
  return o.json || o.png || o.svg || o.html || o.save_weights || o.animate;
}

std::optional<Words> usage_problem(const Options& o) {
  if (o.model == "list") return std::nullopt;  // names the shipped models, needs no input
  if (!o.text && !o.text_file && !o.tokens) return Words(Err::NoInput, {});
  if (o.model && o.weights) return Words(Err::ModelAndWeights, {});
  const bool whole_model = o.model || o.weights;
  if (o.layer != "all" && !whole_model) return Words(Err::NeedsModel, {"--layer"});
  if ((o.heads_report || o.induction_test > 0) && !whole_model) {
    return Words(Err::NeedsModel, {o.heads_report ? "--heads-report" : "--induction-test"});
  }
  if (o.generate > 0 && !whole_model) return Words(Err::NeedsModel, {"--generate"});
  for (const auto& [given, name] : {std::pair{o.temperature.has_value(), "--temperature"},
                                    {o.top_k.has_value(), "--top-k"},
                                    {o.top_p.has_value(), "--top-p"}}) {
    if (given && o.generate == 0) return Words(Err::NeedsGenerate, {name});
  }
  if (o.top_p && *o.top_p <= 0) return Words(Err::TopPZero, {});
  if (o.animate && o.generate == 0) return Words(Err::NeedsGenerate, {"--animate"});
  if (o.explain_step && o.generate == 0) return Words(Err::NeedsGenerate, {"--explain-step"});
  if (o.explain_step && !o.explain && !o.trace) return Words(Err::ExplainStepAlone, {});
  if (o.explain_step && *o.explain_step > o.generate) {
    return Words(Err::ExplainStepPast,
                 {std::to_string(*o.explain_step), std::to_string(o.generate)});
  }
  if (o.animate && !ends_with(*o.animate, ".gif") && !ends_with(*o.animate, ".png") &&
      *o.animate != "-")
    return Words(Err::AnimateNotGif, {*o.animate});
  // A file's or a shipped model's weights draw nothing, unless --induction-test draws its tokens
  // or --generate its new ones.
  const bool draws = o.input == "randn" || (o.induction_test > 0 && !o.init_given) ||
                     (o.generate > 0 && !o.init_given);
  if (whole_model && (o.seed_given || o.init_given) && !draws) {
    return Words(Err::SeedWithWeights, {o.seed_given ? "--seed" : "--init"});
  }
  // What only a picture shows, asked for without one.
  const bool table = shows_terminal_text(o) && !o.explain && !o.heads_report;
  if ((o.rows || o.cols) && !table && !o.png && !o.svg && !o.html) {
    return Words(Err::CropNotShown,
                 {o.rows ? "--rows" : "--cols", "--table, --png, --svg, --html"});
  }
  if (o.highlight && !o.png && !o.svg && !o.html) {
    return Words(Err::NeedsPicture, {"--highlight", "--png, --svg, --html"});
  }
  if (o.random.n_embd > o.limits.max_embd) {
    return Words(Err::NEmbdOverLimit,
                 {std::to_string(o.random.n_embd), std::to_string(o.limits.max_embd)});
  }
  if (!o.weights && o.random.n_head > 0 && o.random.n_embd % o.random.n_head != 0) {
    return Words(Err::HeadsNotDivide,
                 {std::to_string(o.random.n_head), std::to_string(o.random.n_embd)});
  }
  return output_conflict(o);
}

}  // namespace attnviz::app
