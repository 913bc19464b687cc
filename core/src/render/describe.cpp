// One line saying what a run computed, in words for people.
#include "attnviz/render/describe.hpp"

#include "attnviz/i18n/messages.hpp"
#include "attnviz/text/utf8.hpp"

namespace attnviz {

namespace {

const char* family_name(Family family) {
  switch (family) {
    case Family::Gpt2:
      return "GPT-2";
    case Family::GptPy:
      return "gpt.py";
    default:
      return "nanoGPT";
  }
}

}  // namespace

std::string run_details(const Request& request, const Result& result, Lang lang) {
  const Weights& w = result.weights;
  const std::string heads = std::to_string(w.n_head());
  std::string s;
  if (result.model) {
    s = say(lang, Msg::WholeModel,
            {family_name(result.model->family), std::to_string(result.model->n_layer),
             std::to_string(result.model->n_head)});
    if (!request.causal) s += ", " + say(lang, Msg::NoMask);
  } else {
    s = w.multi_head()
            ? say(lang, request.causal ? Msg::MaskedMultiHead : Msg::MultiHeadNoMask, {heads})
            : say(lang, request.causal ? Msg::MaskedSelfAttention : Msg::SelfAttentionNoMask);
  }
  const std::string tokenizer = request.input == InputKind::TokenList
                                    ? "list"
                                    : std::string(tokenizer_name(request.tokenizer));
  s += ", " + say(lang, Msg::Tokens, {std::to_string(result.tokens.size()), tokenizer});
  s += ", n_embd " + std::to_string(w.n_embd) + ", head_size " + std::to_string(w.head_size());
  if (request.randn_input) {
    s += ", " + say(lang, Msg::RandnInput, {std::to_string(request.random.seed)});
  } else if (!w.has_positions()) {
    s += ", " + say(lang, Msg::NoPositions);
  }
  if (!request.scale) s += ", " + say(lang, Msg::NotScaled);
  s += ", " + (request.weights_path
                   ? say(lang, Msg::WeightsFile,
                         {*request.weights_path +
                          (request.weights_prefix.empty() ? "" : " · " + request.weights_prefix)})
                   : say(lang, Msg::RandomWeights, {std::to_string(request.random.seed)}));
  return s;
}

std::string run_summary(const Request& request, const Result& result, Lang lang) {
  return "\"" + utf8::truncate_to_width(utf8::one_line(request.text), 40) +
         "\": " + run_details(request, result, lang);
}

}  // namespace attnviz
