// --animate: heatmap frames of the matrix growing as the model writes, as one GIF.
#include "attnviz/render/render_animation.hpp"

#include <algorithm>

#include "attnviz/error.hpp"
#include "attnviz/i18n/messages.hpp"
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

std::string render_animation(const Result& result, const HeatmapOptions& options,
                             const Font& font) {
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
  // The palette from the first and the last frame: every cell color is in the last.
  const Image first =
      rasterize(layout_heatmap(frame_input(base, g, 0, options.lang), options, font), font);
  const Image last = rasterize(
      layout_heatmap(frame_input(base, g, n - 1, options.lang, true), options, font), font);
  GifWriter gif({&first, &last});
  for (const size_t s : steps) {
    if (s == 0) {
      gif.add(first, kFrameDelay);
    } else {
      gif.add(rasterize(layout_heatmap(frame_input(base, g, s, options.lang), options, font), font),
              kFrameDelay);
    }
  }
  gif.add(last, kLastFrameDelay);  // the text written, every row
  return gif.finish();
}

}  // namespace attnviz
