// Everything after the kernel: tokenizing, and writing JSON, PNG and SVG for T = 15, 256, 2048
// (the lesson sentence, a paragraph, a page), plus loading the font a heatmap needs.
#include <benchmark/benchmark.h>

#include <map>

#include "attnviz/io/io.hpp"
#include "attnviz/render/font.hpp"
#include "attnviz/render/heatmap.hpp"
#include "attnviz/render/render_json.hpp"
#include "attnviz/render/render_png.hpp"
#include "attnviz/render/render_svg.hpp"
#include "attnviz/run/run.hpp"
#include "attnviz/text/tokenizer.hpp"

namespace attnviz {
namespace {

// The lesson's definition of attention, repeated to `chars` characters (graphemes).
std::string text_of(size_t chars) {
  static const std::string base =
      io::read_file(ATTNVIZ_DATA "/texts/lesson-definition.txt", 1 << 20);
  std::string text;
  std::vector<std::string> graphemes = tokenize(base, TokenizerKind::Char, "text", 1 << 20);
  for (size_t i = 0; text.size() < 16 * chars && i < chars; ++i) {
    text += graphemes[i % graphemes.size()];
  }
  return text;
}

struct Run {
  Request request;
  Result result;
};

// A default run (random weights, n_embd 16) over T characters, as the CLI makes it.
const Run& run_of(int T) {
  static std::map<int, Run> runs;
  auto it = runs.find(T);
  if (it == runs.end()) {
    Run r;
    r.request.text = text_of(static_cast<size_t>(T));
    r.request.text_origin = "bench";
    r.request.random.block_size = T;
    r.request.keep_scores = false;
    r.result = run(r.request);
    it = runs.emplace(T, std::move(r)).first;
  }
  return it->second;
}

const Font& font() {
  static const Font f(io::read_file(default_font_path(), 64 << 20), default_font_path());
  return f;
}

void BM_Tokenize(benchmark::State& state) {
  const std::string text = text_of(100000);
  const auto kind = state.range(0) == 0 ? TokenizerKind::Char : TokenizerKind::Word;
  for (auto _ : state) benchmark::DoNotOptimize(tokenize(text, kind, "bench", 1 << 20));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Tokenize)->Arg(0)->Arg(1)->ArgName("word")->Unit(benchmark::kMillisecond);

void BM_Json(benchmark::State& state) {
  const Run& r = run_of(static_cast<int>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    bytes = 0;
    write_json(r.result, {}, [&](std::string_view piece) { bytes += piece.size(); });
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

void BM_Png(benchmark::State& state) {
  const Run& r = run_of(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    const Scene scene = heatmap_scene(r.result, {}, font());
    benchmark::DoNotOptimize(render_png(scene, font()));
  }
}

void BM_Svg(benchmark::State& state) {
  const Run& r = run_of(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    const Scene scene = heatmap_scene(r.result, {}, font());
    benchmark::DoNotOptimize(render_svg(scene));
  }
}

void BM_FontLoad(benchmark::State& state) {
  for (auto _ : state) {
    Font f(io::read_file(default_font_path(), 64 << 20), default_font_path());
    benchmark::DoNotOptimize(&f);
  }
}
BENCHMARK(BM_FontLoad)->Unit(benchmark::kMillisecond);

void output_sizes(benchmark::internal::Benchmark* b) {
  b->Arg(15)->Arg(256)->Arg(2048)->ArgName("T")->Unit(benchmark::kMillisecond);
}
BENCHMARK(BM_Json)->Apply(output_sizes);
BENCHMARK(BM_Png)->Apply(output_sizes);
BENCHMARK(BM_Svg)->Apply(output_sizes);

}  // namespace
}  // namespace attnviz
