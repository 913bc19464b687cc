// What one run is asked to do: the input, the weights, the model's settings and what to compute.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "attnviz/formats/state_dict.hpp"
#include "attnviz/limits.hpp"
#include "attnviz/model/sampling.hpp"
#include "attnviz/model/weights.hpp"
#include "attnviz/text/bpe.hpp"
#include "attnviz/text/tokenizer.hpp"

namespace attnviz {

enum class InputKind {
  Text,       // text split by a tokenizer
  TokenList,  // explicit tokens "Az|ər|bay|can"
};

// The outputs a run feeds. A whole model runs as far as they look (run_model.cpp decides): the
// guesses and every layer's head scores only where an output shows them, else it stops after
// the deepest layer shown. Images and saved weights need only the layers shown.
struct Outputs {
  bool terminal_text = true;  // the table, --explain or --heads-report, printed
  // The heads report is printed: --heads-report (head scores, not guesses), or --explain's last
  // step
  bool heads_report = false;
  bool json = false;  // JSON holds the guesses and every head's scores
  // --html: the guesses, head scores, and every shown layer's mean over its heads and, for a
  // whole model, the rollout, so the page shows the run's own numbers for those views.
  bool page = false;
  // --save-weights NAME.safetensors: a whole model's file as well (Result::model_file).
  bool model_file = false;
};

// A whole model's text longer than its block_size: each token sees the block_size tokens ending
// at it, as when the model writes (forward_sliding()); or only the last block_size tokens run.
enum class LongText { Window, Last };

struct Request {
  InputKind input = InputKind::Text;
  std::string text;         // the text, or the token list
  std::string text_origin;  // where the text came from, for messages: "--text", a file path
  TokenizerKind tokenizer = TokenizerKind::Char;

  // Weights to load (torch.save's files, safetensors, JSON, a sharded checkpoint's index); else
  // random.
  std::optional<std::string> weights_path;
  std::string_view weights_data;  // that file's bytes, kept alive by the caller
  // weights_data is a read-only mapping of the file: pages the run is done with may leave memory
  // (they are read from the file again if needed). Never for bytes in ordinary memory.
  bool weights_mapped = false;
  // A checkpoint split over files: weights_path and weights_data are its index, these the files
  // it names (formats/state_dict.hpp, open_sharded).
  std::vector<Shard> weights_shards;
  std::string weights_prefix;  // the attention module's keys in a whole model
  // Random weights' settings, when weights_path is empty. Its n_head (--heads) also splits a
  // loaded c_attn, which does not say how many heads it packs (0: not given).
  RandomInit random;
  // The lesson's exercise: x = torch.randn(1, T, n_embd) after torch.manual_seed(random.seed),
  // instead of embeddings; the tokens only label the rows.
  bool randn_input = false;

  // Whole models (a weights file or folder with every block, and no --prefix).
  std::optional<std::string> config_text;   // a model folder's config.json
  std::string config_name;                  // its path, for errors
  std::shared_ptr<const BpeTokenizer> bpe;  // the model's tokenizer (TokenizerKind::Bpe)
  // A character model's vocabulary given beside it (--vocab, --vocab-text): each embedding row's
  // token, by id; `vocab_origin` names where it came from, for errors.
  std::optional<std::vector<std::string>> vocab;
  std::string vocab_origin;
  bool bos = false;         // --bos: <|endoftext|> before the text, as TransformerLens does
  std::vector<int> layers;  // --layer: the layers to show; empty: all
  int top_k = 5;            // next-token guesses per position, where an output shows them
  Outputs outputs;
  bool rollout = false;  // --rollout: attention rollout through every layer (whole models only)
  bool means = false;    // --head mean: every shown layer's mean over its heads
  // --induction-test S: also run the model on S random tokens repeated twice and score each
  // head's induction stripe there (0: not run).
  int induction_test = 0;
  LongText long_text = LongText::Window;  // --long-text
  // --generate N: a whole model continues the text by N tokens, drawn with the settings given
  // (each one not given: the model's own code's default) from PyTorch's generator after
  // torch.manual_seed(random.seed).
  int generate = 0;
  struct {
    std::optional<double> temperature, top_p;
    std::optional<int> top_k;
  } sampling;

  bool causal = true;
  bool scale = true;  // false: --no-scale, softmax of the raw scores
  // Keep each head's (T, T) q·kᵀ for --trace and --explain; without, a long text costs the
  // weights alone.
  bool keep_scores = true;
  // --explain or --trace: every intermediate of the pass is shown; with --generate, those of
  // step `explain_step` (1 … generate).
  bool steps = false;
  int explain_step = 1;
  Limits limits;
};

}  // namespace attnviz
