// One line saying what a run computed, in words for people.
#include "attnviz/render/describe.hpp"

#include <cstdio>

#include "attnviz/i18n/messages.hpp"
#include "attnviz/text/utf8.hpp"

namespace attnviz {

std::string run_details(const Result& result, Lang lang) {
  const RunInfo& info = result.info;
  const std::string heads = std::to_string(info.n_head);
  std::string s;
  if (result.model) {
    s = say(lang, Msg::WholeModel,
            {family_name(result.model->family), std::to_string(result.model->n_layer),
             std::to_string(info.n_head)});
    if (!info.causal) s += ", " + say(lang, Msg::NoMask);
  } else {
    s = info.multi_head
            ? say(lang, info.causal ? Msg::MaskedMultiHead : Msg::MultiHeadNoMask, {heads})
            : say(lang, info.causal ? Msg::MaskedSelfAttention : Msg::SelfAttentionNoMask);
  }
  const std::string tokenizer =
      info.input == InputKind::TokenList ? "list" : std::string(tokenizer_name(info.tokenizer));
  s += ", " + say(lang, Msg::Tokens, {std::to_string(result.tokens.size()), tokenizer});
  s += ", n_embd " + std::to_string(info.n_embd) + ", head_size " + std::to_string(info.head_size);
  if (info.randn_input) {
    s += ", " + say(lang, Msg::RandnInput, {std::to_string(info.seed)});
  } else if (info.rotary) {
    s += ", " + say(lang, Msg::RotaryPositions);
  } else if (!info.positions) {
    s += ", " + say(lang, Msg::NoPositions);
  }
  if (info.n_kv_head > 0) {
    s += ", " + say(lang, Msg::KvHeads,
                    {std::to_string(info.n_kv_head), std::to_string(info.n_head / info.n_kv_head)});
  }
  if (!info.scale) s += ", " + say(lang, Msg::NotScaled);
  if (const int window = result.trace().window; window > 0) {
    s += ", " + say(lang, result.trace().sliding ? Msg::SlidingAttention : Msg::SlidingWindow,
                    {std::to_string(window)});
  }
  if (const auto& g = result.generation) {
    char settings[64];
    std::snprintf(settings, sizeof settings, "%g", g->sampling.temperature);
    s += ", " + say(lang, Msg::WroteTokens,
                    {std::to_string(g->prompt_tokens),
                     std::to_string(g->prompt_tokens + static_cast<int>(g->steps.size()) - 1),
                     settings, std::to_string(g->seed)});
  }
  s +=
      ", " + (info.weights ? say(lang, Msg::WeightsFile,
                                 {*info.weights + (info.prefix.empty() ? "" : " · " + info.prefix) +
                                  (info.file_type.empty() ? "" : " (" + info.file_type + ")")})
                           : say(lang, Msg::RandomWeights, {std::to_string(info.seed)}));
  return s;
}

std::string sampling_settings(const GenerationInfo& g, Lang lang) {
  char temperature[32], top_p[32];
  std::snprintf(temperature, sizeof temperature, "%g", g.sampling.temperature);
  std::snprintf(top_p, sizeof top_p, "%g", g.sampling.top_p);
  return say(lang, Msg::SamplingSettings,
             {temperature, std::to_string(g.sampling.top_k), top_p, std::to_string(g.seed)});
}

std::string run_summary(const Result& result, Lang lang) {
  return "\"" + utf8::truncate_to_width(utf8::one_line(result.info.text), 40) +
         "\": " + run_details(result, lang);
}

}  // namespace attnviz
