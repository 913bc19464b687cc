// One attnviz run from input text to attention trace: tokenize → weights → embed → attend.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "attnviz/error.hpp"
#include "attnviz/model/head_scores.hpp"
#include "attnviz/model/trace.hpp"
#include "attnviz/model/transformer.hpp"
#include "attnviz/model/weights.hpp"
#include "attnviz/text/bpe.hpp"
#include "attnviz/text/tokenizer.hpp"

namespace attnviz {

enum class InputKind {
  Text,       // text split by a tokenizer
  TokenList,  // explicit tokens "Az|ər|bay|can"
};

// Which heads tables, heatmaps and explanations show (JSON always holds every head).
struct HeadChoice {
  enum class Kind { All, One, Mean } kind = Kind::All;
  int index = 0;  // with One
};

struct Request {
  InputKind input = InputKind::Text;
  std::string text;         // the text, or the token list
  std::string text_origin;  // where the text came from, for messages: "--text", a file path
  TokenizerKind tokenizer = TokenizerKind::Char;

  std::optional<std::string> weights_path;  // weights to load (JSON, safetensors); else random
  std::string_view weights_data;            // that file's bytes, kept alive by the caller
  // weights_data is a read-only mapping of the file: pages the run is done with may leave memory
  // (they are read from the file again if needed). Never for bytes in ordinary memory.
  bool weights_mapped = false;
  std::string weights_prefix;         // the attention module's keys in a whole model
  std::optional<int> weights_n_head;  // for c_attn, which does not say
  RandomInit random;                  // used when weights_path is empty
  // The lesson's exercise: x = torch.randn(1, T, n_embd) after torch.manual_seed(random.seed),
  // instead of embeddings; the tokens only label the rows.
  bool randn_input = false;

  // Whole models (a weights file or folder with every block, and no --prefix).
  std::optional<std::string> config_text;   // a model folder's config.json
  std::string config_name;                  // its path, for errors
  std::shared_ptr<const BpeTokenizer> bpe;  // the model's tokenizer (TokenizerKind::Bpe)
  bool bos = false;         // --bos: <|endoftext|> before the text, as TransformerLens does
  std::vector<int> layers;  // --layer: the layers to show; empty: all
  int top_k = 5;            // next-token guesses per position; 0: no output shows them
  // Every layer's heads scored (heads reports, JSON, the page); false: only up to the deepest
  // layer shown, where the forward pass then stops (with top_k 0 and no --rollout).
  bool score_every_layer = true;
  bool rollout = false;  // --rollout: attention rollout through every layer, as one more view
  // --html: every shown layer's mean over its heads and, for a whole model, the rollout, so the
  // page shows the run's own numbers for those views.
  bool page_views = false;
  // --induction-test S: also run the model on S random tokens repeated twice and score each
  // head's induction stripe there (0: not run).
  int induction_test = 0;

  bool causal = true;
  bool scale = true;  // false: --no-scale, softmax of the raw scores
  // Keep each head's (T, T) q·kᵀ for --trace and --explain; without, a long text costs the
  // weights alone.
  bool keep_scores = true;
  HeadChoice head;
  Limits limits;
};

// One of a whole model's next-token guesses, as a person reads it.
struct Guess {
  std::string token;  // the token's text (a BPE token's label: ␣ for a leading space)
  int id = 0;
  float p = 0;  // softmax probability
};

// What a whole-model run ran.
struct ModelInfo {
  Family family = Family::NanoGpt;
  Activation activation = Activation::Gelu;
  int n_layer = 0;
  int n_head = 0;
  int vocab_size = 0;
};

struct Result {
  std::vector<std::string> tokens;  // T token strings
  std::vector<int> ids;             // T rows of weights.token_embedding; empty with randn_input
  Weights weights;                  // the (first shown layer's) attention weights used
  // The attention computed: one module's, or each shown layer's of a whole model.
  std::vector<AttentionTrace> layers;
  std::vector<int> layer_numbers;    // each entry of `layers`' layer in the model; {0} for a module
  std::vector<BlockTrace> blocks;    // a whole model with keep_scores: each shown layer's block
  std::vector<Words> warnings;       // things the user should know; the run still succeeded
  // Per shown layer, (T, T) average over its heads: with Kind::Mean or page_views.
  std::vector<Matrix> mean_weights;
  std::optional<ModelInfo> model;    // a whole model; nullopt for one attention module
  std::vector<std::vector<Guess>> predictions;  // whole models: per position, the top_k guesses
  // (T, T) with --rollout or page_views: attention rollout through every layer of the model.
  Matrix rollout;
  // Whole models: every layer's every head (whichever --layer shows), scored on the run's tokens.
  std::vector<HeadScore> head_scores;
  std::vector<int> induction_test_ids;  // the S random ids of --induction-test (then repeated)

  const AttentionTrace& trace() const { return layers.front(); }
  // The scores of head `head` of layer `layer` (the model's numbering), or nullptr.
  const HeadScore* head_score(int layer, int head) const {
    if (!model || layer < 0 || head < 0 || head >= model->n_head) return nullptr;
    const auto at =
        static_cast<size_t>(layer) * static_cast<size_t>(model->n_head) + static_cast<size_t>(head);
    return at < head_scores.size() ? &head_scores[at] : nullptr;
  }
};

// A matrix of attention weights to show: one head, or the mean over all heads, of one layer.
struct HeadView {
  static constexpr int kMean = -1, kRollout = -2;
  int layer = 0;                    // the layer's number in the model (0 for a single module)
  int index = 0;                    // the head, kMean, or kRollout (through all layers)
  const Matrix* weights = nullptr;  // (T, T), points into the Result
};

// The heads `request.head` selects, in order.
std::vector<HeadView> shown_heads(const Request& request, const Result& result);

// Throws Error for bad text, bad weights, a token missing from the vocab, more tokens than
// block_size or the limits allow, a head index the model does not have, or weights so large that
// a step overflows float32 (no NaN or infinity ever reaches an output). Text that looks like
// mojibake runs, with a warning.
Result run(const Request& request);

// The distinct tokens in order of first appearance: the vocab random weights are made for.
std::vector<std::string> distinct_tokens(const std::vector<std::string>& tokens);

}  // namespace attnviz
