// The stages a run is made of, shared by the single module's run and the whole model's.
#include "run/stages.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "attnviz/error.hpp"
#include "attnviz/model/analysis.hpp"
#include "attnviz/text/transliterate.hpp"
#include "attnviz/text/utf8.hpp"

namespace attnviz {
namespace {

// The text's ids in a BPE tokenizer, with the special tokens its post-processor adds (Llama's
// <s>, Gemma's <bos>, as transformers' tokenizer(text) does); with --bos, the beginning-of-text
// token first if it is not there already (GPT-2's <|endoftext|>).
std::vector<int> bpe_ids(const Request& request, const BpeTokenizer& bpe) {
  if (request.text.empty()) throw Error(Err::TextEmpty, {request.text_origin});
  utf8::validate(request.text, request.text_origin);
  std::vector<int> ids = bpe.with_specials(bpe.encode(request.text));
  if (request.bos && (ids.empty() || ids.front() != bpe.begin_of_text())) {
    if (bpe.begin_of_text() < 0) throw Error(Err::NoBosToken, {});
    ids.insert(ids.begin(), bpe.begin_of_text());
  }
  if (ids.size() > request.limits.max_tokens) {
    throw Error(Err::TooManyTokens,
                {request.text_origin, std::to_string(request.limits.max_tokens)});
  }
  return ids;
}

// A warning when the text looks like UTF-8 read as Latin-1 and saved again.
void warn_mojibake(const Request& request, std::vector<Words>& warnings) {
  if (request.input != InputKind::Text) return;
  if (const auto repaired = utf8::repair_mojibake(request.text)) {
    warnings.emplace_back(
        Err::Mojibake, std::vector<Words>{request.text_origin,
                                          utf8::truncate_to_width(utf8::one_line(*repaired), 40)});
  }
}

}  // namespace

TextReading request_reading(const Request& request) {
  return {request.bpe, request.bpe ? TokenizerKind::Bpe : request.tokenizer, 0};
}

TextReading character_reading(const Request& request) {
  TextReading reading = request_reading(request);
  if (reading.kind == TokenizerKind::Char) reading.kind = TokenizerKind::CodePoint;
  return reading;
}

void read_tokens(const Request& request, const TextReading& reading, Result& result) {
  const size_t max = request.limits.max_tokens;
  result.info.tokenizer = reading.kind;
  if (request.input == InputKind::TokenList) {
    result.tokens = parse_token_list(request.text, request.text_origin, max);
  } else if (reading.bpe) {
    result.ids = bpe_ids(request, *reading.bpe);
    for (const int id : result.ids) result.tokens.push_back(reading.bpe->label(id));
  } else {
    result.tokens = tokenize(request.text, reading.kind, request.text_origin, max);
  }
  warn_mojibake(request, result.warnings);
}

std::vector<int> lookup_ids(const std::vector<std::string>& tokens,
                            const std::vector<std::string>& vocab, const std::string& weights_name,
                            std::vector<Words>* warnings) {
  std::unordered_map<std::string, int> index;
  for (size_t i = 0; i < vocab.size(); ++i) index.emplace(vocab[i], static_cast<int>(i));
  const auto stand_in = warnings ? index.find(kStandInToken) : index.end();
  std::vector<int> ids;
  // Distinct, in order of appearance: what was read in the Latin alphabet, and what was not read.
  std::vector<std::string> transliterated, missing;
  const auto note = [](std::vector<std::string>& list, std::string entry) {
    if (std::find(list.begin(), list.end(), entry) == list.end()) list.push_back(std::move(entry));
  };
  ids.reserve(tokens.size());
  for (size_t t = 0; t < tokens.size(); ++t) {
    auto id = index.find(tokens[t]);
    if (id == index.end() && warnings) {
      if (const auto latin = latin_azerbaijani(tokens[t])) {
        id = index.find(*latin);
        if (id != index.end()) note(transliterated, tokens[t] + "→" + *latin);
      }
    }
    if (id == index.end() && stand_in != index.end()) {
      note(missing, "\"" + utf8::visible(tokens[t]) + "\"");
      id = stand_in;
    }
    if (id == index.end()) {
      throw Error(Err::TokenNotInVocab,
                  {weights_name, tokens[t], std::to_string(t), std::to_string(vocab.size())});
    }
    ids.push_back(id->second);
  }
  const auto joined = [](const std::vector<std::string>& list) {
    std::string out;
    for (const std::string& entry : list) out += (out.empty() ? "" : ", ") + entry;
    return out;
  };
  if (!transliterated.empty())
    warnings->push_back(Words(Err::Transliterated, {weights_name, joined(transliterated)}));
  if (!missing.empty())
    warnings->push_back(Words(Err::StandInTokens, {weights_name, joined(missing), kStandInToken}));
  return ids;
}

void check_length(size_t T, int block_size, const Request& request) {
  if (block_size <= 0 || T <= static_cast<size_t>(block_size)) return;
  Words fix = request.weights_path ? Words(Err::ShortenText, {})
                                   : Words(Err::BlockSizeOrShorten, {std::to_string(T)});
  throw Error(Err::TextTooLong,
              {request.text_origin, std::to_string(T), std::to_string(block_size), std::move(fix)});
}

std::vector<std::string> distinct_tokens(const std::vector<std::string>& tokens) {
  std::vector<std::string> vocab;
  std::unordered_set<std::string> seen;
  for (const std::string& token : tokens) {
    if (seen.insert(token).second) vocab.push_back(token);
  }
  return vocab;
}

void describe_run(const Request& request, Result& result) {
  RunInfo& info = result.info;
  info.text = request.text;
  info.input = request.input;
  info.bos = request.bos;
  info.weights = request.weights_path;
  info.prefix = request.weights_prefix;
  info.randn_input = request.randn_input;
  info.seed = request.random.seed;
  info.init = request.random.cpu;
  info.causal = request.causal;
  info.scale = request.scale;
  const Weights& w = result.weights;
  info.n_embd = w.n_embd;
  info.n_head = w.n_head();
  info.head_size = static_cast<int>(w.head_size());
  info.block_size = w.block_size;
  info.multi_head = w.multi_head();
  info.positions = w.has_positions();
  info.rotary = w.rotary.on();
  info.n_kv_head = w.n_kv_head;
  for (int h = 0; w.n_kv_head > 0 && h < w.n_head(); ++h) info.kv_head_of.push_back(w.kv_head(h));
  info.layer_norm = w.has_layer_norm();
}

void keep_means(const Request& request, Result& result) {
  if (!request.means && !request.outputs.page) return;
  for (const AttentionTrace& layer : result.layers) result.mean_weights.push_back(head_mean(layer));
}

}  // namespace attnviz
