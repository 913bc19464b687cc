// --animate: the model writing (--generate) as a looping GIF or APNG, one frame per new token.
#pragma once

#include <string>

#include "attnviz/render/font.hpp"
#include "attnviz/render/heatmap.hpp"
#include "attnviz/run/result.hpp"

namespace attnviz {

// At most this many frames: past it, every k-th step is drawn (and always the last).
constexpr size_t kMaxAnimationFrames = 300;
constexpr int kFrameDelay = 50;       // hundredths of a second per frame
constexpr int kLastFrameDelay = 300;  // the finished text stays up before the loop starts again

// Frame s: the heatmap (of the view's heads) with the rows and labels up to the one that chose
// the token of step s — where the model looked to choose it; the matrix grows row by row — and
// beside it that step's candidates, their probabilities under the model and as drawn, the token
// chosen marked. A last frame shows every row, and stays up longer. Every frame the same size.
// A result without a generation throws Error. A GIF plays everywhere slides do (256 colors, the
// nearest for the rest); an APNG keeps every color (browsers, Keynote; not PowerPoint).
enum class AnimationFormat { Gif, Apng };
std::string render_animation(const Result& result, const HeatmapOptions& options, const Font& font,
                             AnimationFormat format = AnimationFormat::Gif);

}  // namespace attnviz
