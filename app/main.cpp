// attnviz: the command line. Turns the options into a request, runs core, writes the outputs, and
// is the one place where errors become an exit status: 0 success, 1 bad input or I/O, 2 usage.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include "attnviz/compute/compute.hpp"
#include "attnviz/compute/kernels.hpp"
#include "attnviz/error.hpp"
#include "attnviz/formats/ollama_store.hpp"
#include "attnviz/formats/shipped_models.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/i18n/messages.hpp"
#include "attnviz/io/io.hpp"
#include "attnviz/model/attention_load.hpp"
#include "attnviz/render/heatmap.hpp"
#include "attnviz/render/render_animation.hpp"
#include "attnviz/render/render_explain.hpp"
#include "attnviz/render/render_heads.hpp"
#include "attnviz/render/render_html.hpp"
#include "attnviz/render/render_json.hpp"
#include "attnviz/render/render_png.hpp"
#include "attnviz/render/render_svg.hpp"
#include "attnviz/render/render_table.hpp"
#include "attnviz/run/run.hpp"
#include "attnviz/strings.hpp"
#include "cli_errors.hpp"
#include "options.hpp"
#include "request.hpp"
#include "terminal.hpp"

namespace {

using attnviz::app::Options;

constexpr int kExitInput = 1;
constexpr int kExitUsage = 2;

// "attnviz: error: " and "attnviz: warning: ", in the interface's language.
std::string error_prefix(attnviz::Lang lang) {
  return "attnviz: " + std::string(attnviz::error_text(lang, attnviz::Err::ErrorWord)) + ": ";
}
std::string warning_prefix(attnviz::Lang lang) {
  return "attnviz: " + std::string(attnviz::error_text(lang, attnviz::Err::WarningWord)) + ": ";
}

attnviz::Font load_font(const std::optional<std::string>& requested, size_t max_bytes) {
  const std::string path = requested.value_or(attnviz::default_font_path());
  if (path.empty()) throw attnviz::Error(attnviz::Err::NoFont, {});
  // Mapped, not read: a label needs a few dozen of the font's thousands of glyphs.
  auto file = std::make_shared<const attnviz::io::FileBytes>(path, max_bytes);
  const std::string_view bytes = file->view();
  if (bytes.size() > max_bytes) {
    throw attnviz::Error(attnviz::Err::FileOverLimit,
                         {path, std::to_string(bytes.size()), std::to_string(max_bytes)});
  }
  return attnviz::Font(bytes, std::move(file), path);
}

// What goes to standard output when no file output claims it: the explanation or the table.
std::string terminal_text(const Options& o, const attnviz::View& view,
                          const attnviz::Result& result, attnviz::Lang lang) {
  // --explain ends with the heads report (a whole model's step 14), so it shows both.
  if (o.heads_report && !o.explain) return attnviz::render_heads_report(result, lang);
  if (o.explain) {
    attnviz::ExplainOptions explain;
    explain.lang = lang;
    explain.precision = o.precision;
    explain.full = o.full;
    explain.view = view;
    return attnviz::render_explain(result, explain);
  }
  attnviz::TableOptions table;
  table.width = o.width.value_or(attnviz::app::terminal_width());
  table.cmap =
      attnviz::app::use_color(o.color) ? &attnviz::Colormap::named(o.heatmap.cmap) : nullptr;
  table.precision = o.precision;
  table.lang = lang;
  table.summaries = !o.no_summary;
  table.full = o.full;
  table.view = view;
  return attnviz::render_table(result, table);
}

int run(const Options& o, attnviz::Lang lang) {
  const attnviz::Compute compute({o.threads, o.kernels});
  const attnviz::ComputeScope scope(compute);
  attnviz::app::InputFiles files_read;
  const attnviz::Request request = attnviz::app::make_request(o, files_read);
  attnviz::Result result = attnviz::run(request);  // not const: the model file moves out
  const attnviz::View view = attnviz::app::view_of(o);
  attnviz::check_view(result, view);

  // Everything is rendered before anything is written, and files are staged before stdout, so a
  // failure leaves every existing file as it was. JSON goes out as it is written, to a file or
  // to standard output alike: a long text's T² numbers never sit in memory.
  std::string to_stdout;
  const bool json_to_stdout = o.json && *o.json == "-";
  attnviz::io::OutputFiles files;
  std::vector<attnviz::app::WrittenFile> written;
  const auto emit = [&](const std::optional<std::string>& path, const char* what, auto render) {
    if (!path) return;
    if (*path == "-") {
      to_stdout += render();
    } else {
      files.stage(*path, render(), what);
    }
  };
  const auto holds = [&](const std::optional<std::string>& path, std::string contents) {
    if (path && *path != "-") written.push_back({*path, 0, std::move(contents)});
  };
  const std::string layers = std::to_string(result.layers.size()),
                    heads = std::to_string(result.info.n_head),
                    tokens = std::to_string(result.tokens.size()),
                    matrices = std::to_string(attnviz::shown_heads(result, view).size());
  const attnviz::JsonOptions json{o.trace || o.explain, o.rollout};
  const auto write_json = [&](const attnviz::JsonSink& sink) {
    attnviz::write_json(result, json, sink);
  };
  if (o.json && !json_to_stdout) files.stage(*o.json, "--json", write_json);
  holds(o.json, attnviz::say(lang, attnviz::Msg::WroteJson, {layers, heads, tokens}));
  holds(o.save_weights, attnviz::say(lang, attnviz::Msg::WroteWeights));
  holds(o.html, attnviz::say(lang, attnviz::Msg::WrotePage, {layers, heads, tokens}));
  if (o.save_weights && result.model && result.model_file.empty())
    throw attnviz::Error(attnviz::Err::SaveWeightsModel, {});
  emit(o.save_weights, "--save-weights", [&] {
    if (result.model) return std::move(result.model_file);
    return attnviz::ends_with(*o.save_weights, ".safetensors")
               ? attnviz::weights_to_safetensors(result.weights)
               : attnviz::weights_to_json(result.weights);
  });
  emit(o.html, "--html", [&] {
    std::string page = attnviz::render_html(
        result, attnviz::HtmlOptions{lang, o.heatmap.cmap, o.heatmap.scale, view});
    // Past its budget a page opens slowly: say so, and how to keep fewer matrices.
    constexpr size_t kPageBudget = 16 << 20;
    if (page.size() > kPageBudget) {
      result.warnings.emplace_back(
          attnviz::Err::PageLarge,
          std::vector<attnviz::Words>{*o.html, std::to_string(page.size() >> 20), matrices});
    }
    return page;
  });
  if (o.png || o.svg || o.animate) {
    attnviz::Scene scene;
    std::optional<attnviz::Image> image;
    {
      const attnviz::Font font = load_font(o.font, request.limits.max_file_bytes);
      attnviz::HeatmapOptions heatmap = o.heatmap;
      heatmap.auto_range = o.range == "auto";
      heatmap.captions = !o.no_captions;
      heatmap.lang = lang;
      heatmap.view = view;
      heatmap.layout = attnviz::app::panel_layout(o.layout);
      if (o.png || o.svg) scene = attnviz::heatmap_scene(result, heatmap, font);
      if (o.png) image = attnviz::rasterize(scene, font);
      if (o.animate) {
        holds(o.animate, attnviz::say(lang, attnviz::Msg::WroteAnimation,
                                      {std::to_string(result.generation->steps.size())}));
        emit(o.animate, "--animate", [&] {
          const bool apng = attnviz::ends_with(*o.animate, ".png");
          return attnviz::render_animation(
              result, heatmap, font,
              apng ? attnviz::AnimationFormat::Apng : attnviz::AnimationFormat::Gif);
        });
      }
    }  // the font is freed before the PNG is encoded: a lower peak of memory
    if (image) {
      holds(o.png,
            attnviz::say(lang, attnviz::Msg::WroteHeatmapPng,
                         {matrices, std::to_string(image->width), std::to_string(image->height)}));
    }
    holds(o.svg, attnviz::say(lang, attnviz::Msg::WroteHeatmapSvg, {matrices}));
    emit(o.png, "--png", [&] { return attnviz::encode_png(std::move(*image)); });
    emit(o.svg, "--svg", [&] { return attnviz::render_svg(scene); });
  }
  if (json_to_stdout) {
    attnviz::io::StdoutStream out;
    write_json([&](std::string_view piece) { out.write(piece); });
    out.flush();
  } else {
    if (attnviz::app::shows_terminal_text(o)) {
      to_stdout = terminal_text(o, view, result, lang);
    } else if (to_stdout.empty() && !o.no_table) {  // every output to a file: one line for each
      for (attnviz::app::WrittenFile& file : written) file.bytes = files.bytes(file.path);
      to_stdout = attnviz::app::written_lines(written);
    }
    attnviz::io::write_stdout(to_stdout);
  }
  files.commit();
  // Warnings last, after every output is in place: no error line can follow them.
  for (const attnviz::Words& warning : result.warnings) {
    std::cerr << warning_prefix(lang) << warning.in(lang) << '\n';
  }
  return 0;
}

// --model list: each shipped model's name and one line about it, then Ollama's models.
int list_models(attnviz::Lang lang) {
  size_t width = 0;
  for (const attnviz::ShippedModel& m : attnviz::shipped_models())
    width = std::max(width, m.name.size());
  // and the models in Ollama's store, as --weights ollama:NAME opens them
  const auto ollama = attnviz::list_ollama_models(attnviz::app::ollama_store());
  for (const auto& [name, model] : ollama) width = std::max(width, name.size() + 7);
  std::string out;
  for (const attnviz::ShippedModel& m : attnviz::shipped_models()) {
    out += std::string(m.name) + std::string(width - m.name.size() + 2, ' ') +
           std::string(m.about(lang)) + "\n";
  }
  for (const auto& [name, model] : ollama) {
    char size[32];
    std::snprintf(size, sizeof size, "%.0f MB", static_cast<double>(model.size) / 1e6);
    out += "ollama:" + name + std::string(width - name.size() - 7 + 2, ' ') +
           attnviz::say(lang, attnviz::Msg::OllamaListed, {size}) + "\n";
  }
  attnviz::io::write_stdout(out);
  return 0;
}

int usage_error(const attnviz::Words& problem, attnviz::Lang lang) {
  std::cerr << error_prefix(lang) << attnviz::Words(attnviz::Err::Usage, {problem}).in(lang)
            << '\n';
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  attnviz::keep_freed_memory();
  const attnviz::Lang lang = attnviz::app::interface_lang(argc, argv);
  try {
    CLI::App app;
    Options options;
    // ATTNVIZ_KERNELS=AVX2 (or any name --version lists): the products run with those kernels.
    if (const char* kernels = std::getenv("ATTNVIZ_KERNELS")) options.kernels = kernels;
    const attnviz::Compute checked({0, options.kernels});  // a wrong name fails before --version
    attnviz::app::configure_app(app, options, lang);
    if (const auto problem = attnviz::app::argument_problem(app, argc, argv)) {
      return usage_error(*problem, lang);
    }
    try {
      app.parse(argc, argv);
    } catch (const CLI::Success& e) {  // --help, --version
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      return usage_error(attnviz::app::usage_words(e, app), lang);
    }
    if (const auto problem = attnviz::app::usage_problem(options)) {
      return usage_error(*problem, lang);
    }
    if (options.model == "list") return list_models(lang);
    return run(options, lang);
  } catch (const attnviz::Error& e) {
    std::cerr << error_prefix(lang) << e.message(lang) << '\n';
  } catch (const std::bad_alloc&) {
    std::cerr << error_prefix(lang) << attnviz::error_text(lang, attnviz::Err::OutOfMemory) << '\n';
  } catch (const std::exception& e) {
    std::cerr << error_prefix(lang) << attnviz::Words(attnviz::Err::Internal, {e.what()}).in(lang)
              << '\n';
  }
  return kExitInput;
}
