// --animate: heatmap frames of the matrix growing as the model writes, as one GIF or APNG.
#include "attnviz/render/render_animation.hpp"

#include <algorithm>

#include "attnviz/error.hpp"
#include "attnviz/i18n/messages.hpp"
#include "attnviz/render/render_apng.hpp"
#include "attnviz/render/render_gif.hpp"
#include "attnviz/text/utf8.hpp"

namespace attnviz {
namespace {

// The input of step s's frame: the rows up to the one that chose its token (where the model
// looked to choose it), and the candidates; with `whole` every row, the last token's too.
HeatmapInput frame_input(const HeatmapInput& base, const GenerationInfo& g, size_t s, Lang lang,
                         bool whole = false) {
  HeatmapInput input = base;
  const GeneratedToken& step = g.steps[s];
  input.written = whole ? -1 : g.prompt_tokens + static_cast<Eigen::Index>(s);
  input.bars_title =
      say(lang, Msg::AnimationStep,
          {std::to_string(s + 1), std::to_string(g.steps.size()), utf8::visible(step.token.token)});
  for (const auto& c : step.candidates) {
    input.bars.push_back(
        {utf8::visible(c.guess.token), c.guess.p, c.p_sampled, c.guess.id == step.token.id});
  }
  return input;
}

}  // namespace

std::string render_animation(const Result& result, const HeatmapOptions& options, const Font& font,
                             AnimationFormat format) {
  if (!result.generation || result.generation->steps.empty())
    throw Error(Err::Internal, {"render_animation() without a generation"});
  const GenerationInfo& g = *result.generation;
  HeatmapInput base = heatmap_input(result, options);
  // The title is the prompt: the frames must not tell what comes next.
  base.title = "\"" + utf8::truncate_to_width(utf8::one_line(g.prompt), 60) + "\"";
  for (const GeneratedToken& step : g.steps)
    base.bar_slots = std::max(base.bar_slots, step.candidates.size());
  const size_t n = g.steps.size();
  const size_t stride = (n + kMaxAnimationFrames - 1) / kMaxAnimationFrames;
  std::vector<size_t> steps;
  for (size_t s = 0; s < n; s += stride) steps.push_back(s);
  if (steps.back() != n - 1) steps.push_back(n - 1);
  const auto frame = [&](size_t s, bool whole = false) {
    return rasterize(layout_heatmap(frame_input(base, g, s, options.lang, whole), options, font),
                     font);
  };
  const Image first = frame(0);
  const Image last = frame(n - 1, true);  // the text written, every row
  const auto play = [&](auto& writer) {
    for (const size_t s : steps) {
      if (s == 0) {
        writer.add(first, kFrameDelay);
      } else {
        writer.add(frame(s), kFrameDelay);
      }
    }
    writer.add(last, kLastFrameDelay);
    return writer.finish();
  };
  if (format == AnimationFormat::Apng) {
    ApngWriter apng(static_cast<int>(steps.size()) + 1);
    return play(apng);
  }
  GifWriter gif({&first, &last});  // the palette: every cell color is in the last frame
  return play(gif);
}

}  // namespace attnviz
