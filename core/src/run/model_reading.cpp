// How a model reads its text: its BPE tokenizer, or the token string of each embedding row,
// found the way its training code finds them (a whole model's; given_vocab() also one module's).
#include <filesystem>

#include "attnviz/error.hpp"
#include "attnviz/formats/gguf.hpp"
#include "attnviz/formats/vocab_file.hpp"
#include "attnviz/io/io.hpp"
#include "attnviz/text/utf8.hpp"
#include "run/stages.hpp"

namespace attnviz {
namespace {

namespace fs = std::filesystem;

// A vocabulary of `rows` may pad the tokenizer's `size` ids up to a multiple of 64, as nanoGPT
// pads GPT-2's 50 257 to 50 304; the padding rows are never guessed.
bool pads(int size, int rows) { return rows == size || rows == (size + 63) / 64 * 64; }

// The model's rows hold every id but added tokens past them (Gemma 3's <image_soft_token>,
// 262 144, one past its 262 144 rows), or pad them (Qwen's 151 936 rows for 151 669 ids).
bool fits(const BpeTokenizer& bpe, int rows) {
  return pads(bpe.size(), rows) || rows >= bpe.size() || bpe.only_added_from(rows);
}

constexpr int kGpt2Tokens = 50257;  // gpt2_tokenizer()'s size

// nanoGPT's sample.py: os.path.join('data', checkpoint['config']['dataset'], 'meta.pkl'), from
// the current folder, else from the checkpoint folder's parent (where data/ lies beside out-*/).
// A dataset that is not one plain folder name is not looked for.
std::optional<std::string> find_meta_pkl(const std::string& weights_path,
                                         const std::string& dataset, std::string& tried) {
  tried = "data/" + dataset + "/meta.pkl";
  if (dataset.empty() || dataset == "." || dataset == ".." ||
      dataset.find_first_of("/\\") != std::string::npos) {
    return std::nullopt;
  }
  std::error_code error;
  const fs::path relative = fs::path("data") / dataset / "meta.pkl";
  const fs::path beside = fs::absolute(weights_path, error).parent_path().parent_path() / relative;
  for (const fs::path& p : {relative, beside}) {
    if (fs::is_regular_file(p, error)) return p.string();
  }
  return std::nullopt;
}

}  // namespace

std::optional<GivenVocab> given_vocab(const Request& request, const StateDict& state_dict,
                                      std::string* meta_tried) {
  if (request.vocab) return GivenVocab{*request.vocab, request.vocab_origin};
  const auto dataset = state_dict.text_setting("dataset");
  if (!dataset || state_dict.vocab()) return std::nullopt;
  std::string tried;
  const auto meta = find_meta_pkl(*request.weights_path, *dataset, tried);
  if (meta_tried) *meta_tried = tried;
  if (!meta) return std::nullopt;
  return GivenVocab{read_vocab_file(io::read_file(*meta, request.limits.max_file_bytes), *meta),
                    *meta};
}

TextReading model_reading(const Request& request, const StateDict& state_dict, Transformer& model) {
  const std::string& name = *request.weights_path;
  const int rows = model.vocab_size();
  TextReading text = character_reading(request);  // unless a BPE tokenizer is found
  const auto use_bpe = [&](std::shared_ptr<const BpeTokenizer> bpe) {
    if (!fits(*bpe, rows)) {
      throw Error(Err::TokenizerVocabMismatch,
                  {name, std::to_string(bpe->size()), std::to_string(rows)});
    }
    text.bpe = std::move(bpe);
    text.kind = TokenizerKind::Bpe;
    text.guess_ids = std::min(text.bpe->size(), rows);
    model.vocab.clear();
  };
  const auto use_vocab = [&](std::vector<std::string> vocab, const std::string& origin) {
    if (static_cast<int>(vocab.size()) != rows) {
      throw Error(Err::VocabModelMismatch,
                  {origin, std::to_string(vocab.size()), std::to_string(rows)});
    }
    model.vocab = std::move(vocab);
  };
  std::string meta_tried;
  const GgufFile* gguf = state_dict.gguf();
  std::optional<TokenizerTables> tables;
  if (!request.bpe && gguf) tables = gguf_tokenizer(*gguf);
  if (request.bpe) {
    use_bpe(request.bpe);
  } else if (tables) {  // a GGUF's own tokenizer
    use_bpe(std::make_shared<BpeTokenizer>(BpeTokenizer::from_tables(*tables, name)));
  } else if (auto given = given_vocab(request, state_dict, &meta_tried)) {
    use_vocab(std::move(given->tokens), given->origin);
  } else if (model.vocab.empty()) {
    if (pads(kGpt2Tokens, rows)) {  // GPT-2's vocabulary (or nanoGPT's padding of it), as
                                    // sample.py falls back to tiktoken's gpt2
      use_bpe(gpt2_tokenizer());
    } else if (!meta_tried.empty()) {
      // Both from the file: one line whatever they hold.
      throw Error(Err::MetaPklNotFound, {name, utf8::one_line(*state_dict.text_setting("dataset")),
                                         utf8::one_line(meta_tried)});
    } else if (rows <= 1024) {
      throw Error(Err::ModelNeedsVocab, {name, std::to_string(rows)});
    } else {
      throw Error(Err::ModelNeedsTokenizer, {name});
    }
  }
  return text;
}

}  // namespace attnviz
