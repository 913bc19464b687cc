// The options turned into a request for core, with the files they name read (or mapped).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "attnviz/io/io.hpp"
#include "attnviz/render/heatmap.hpp"
#include "attnviz/render/view.hpp"
#include "attnviz/run/run.hpp"
#include "options.hpp"

namespace attnviz::app {

// The files a request points into; they must outlive it.
struct InputFiles {
  std::optional<io::FileBytes> weights;  // the weights, or a sharded checkpoint's index
  std::vector<std::unique_ptr<io::FileBytes>> shards;
};

// Reads the text (--file), maps the weights (--weights FILE, or a model folder's
// model.safetensors with its config.json and tokenizer), loads a BPE tokenizer (--tokenizer
// FILE|DIR or the folder's), and sets everything else from the options. Throws Error for a file
// that cannot be read or is not what it should be.
Request make_request(const Options& o, InputFiles& files);

// Ollama's store: $OLLAMA_MODELS, else ~/.ollama/models.
std::string ollama_store();

// What every view shows: --head and --rollout.
View view_of(const Options& o);

// --layout as the heatmap takes it.
PanelLayout panel_layout(const std::string& name);

}  // namespace attnviz::app
