// The stages of a run (stages.cpp) and its two kinds: run_module.cpp (one attention module) and
// run_model.cpp (a whole model). run.cpp chooses between them; nothing here calls back up.
#pragma once

#include <string>
#include <vector>

#include "attnviz/formats/state_dict.hpp"
#include "attnviz/model/transformer.hpp"
#include "attnviz/run/run.hpp"

namespace attnviz {

// The stand-in a model's vocabulary may hold for characters it lacks (the shipped models do).
inline constexpr const char* kStandInToken = "\xEF\xBF\xBD";  // U+FFFD �

// Each token's row in `vocab`; throws Error naming the first token it lacks. With `warnings`, a
// token written in the Azerbaijani Cyrillic alphabet that the vocabulary lacks is read in the
// Latin one where the vocabulary has that (its label stays as written), and a vocabulary that
// holds kStandInToken maps what it still lacks there; one warning names each kind.
std::vector<int> lookup_ids(const std::vector<std::string>& tokens,
                            const std::vector<std::string>& vocab, const std::string& weights_name,
                            std::vector<Words>* warnings = nullptr);

// Throws Error when T tokens are more than block_size (0: no limit).
void check_length(size_t T, int block_size, const Request& request);

// Fills result.info from the request and result.weights (the attention shown first).
void describe_run(const Request& request, Result& result);

// Each shown layer's mean over its heads, where the request asks for it (--head mean, the page).
void keep_means(const Request& request, Result& result);

// How a run splits its text: with a BPE tokenizer (whose ids a whole model uses as they are), or
// into tokens of `kind`.
struct TextReading {
  std::shared_ptr<const BpeTokenizer> bpe;
  TokenizerKind kind = TokenizerKind::Char;
  int guess_ids = 0;  // the ids a model's guesses may name (0: every row)
};

// The request's own: its --tokenizer.
TextReading request_reading(const Request& request);
// A character model's: the request's, with the default char tokenizer splitting code points as
// the model's training code split its text (Python's str), not graphemes.
TextReading character_reading(const Request& request);

// A character vocabulary given beside the weights file: --vocab or --vocab-text, else for a file
// without one nanoGPT's data/DATASET/meta.pkl, DATASET from checkpoint['config']['dataset'], in
// the current folder or beside the checkpoint's folder. `meta_tried` gets the meta.pkl path
// looked for, if any.
struct GivenVocab {
  std::vector<std::string> tokens;
  std::string origin;  // where it came from, for errors
};
std::optional<GivenVocab> given_vocab(const Request& request, const StateDict& state_dict,
                                      std::string* meta_tried = nullptr);

// A whole model's, in this order: --tokenizer (or the model folder's tokenizer); --vocab or
// --vocab-text, or nanoGPT's meta.pkl (given_vocab()); the file's own "vocab"; GPT-2's built-in
// tokenizer for GPT-2's 50 257 rows or nanoGPT's padded 50 304. A character vocabulary becomes
// model.vocab, and its text is split into code points, as Python's str is (the default char
// tokenizer splits graphemes). Throws Error when none is found, saying how to give one for the
// model's kind, or when one does not fit the embedding's rows.
TextReading model_reading(const Request& request, const StateDict& state_dict, Transformer& model);

// The text's tokens (result.tokens) and, with a BPE tokenizer, their ids (result.ids); a warning
// when the text looks like mojibake.
void read_tokens(const Request& request, const TextReading& reading, Result& result);

// One attention module on `result.tokens`: its weights from `state_dict`, or random when null;
// `vocab`, where given, instead of the file's (given_vocab()).
Result run_module(const Request& request, const StateDict* state_dict,
                  const std::vector<std::string>* vocab, Result result);

// A whole model's forward pass on `result.tokens`, keeping the requested layers' attention and the
// next-token guesses.
Result run_model(const Request& request, const StateDict& state_dict, Result result);

}  // namespace attnviz
