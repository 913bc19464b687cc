// Ollama's model store (~/.ollama/models, or $OLLAMA_MODELS): a manifest per model and tag under
// manifests/HOST/NAMESPACE/MODEL/TAG — JSON whose "layers" name blobs by digest — and the blobs
// under blobs/sha256-HEX. The layer of media type application/vnd.ollama.image.model is the GGUF.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz {

// A model as Ollama names it: [HOST/][NAMESPACE/]MODEL[:TAG], with registry.ollama.ai, library and
// latest where left out.
struct OllamaName {
  std::string host = "registry.ollama.ai", space = "library", model, tag = "latest";

  // As `ollama list` shows it: the host and namespace only when they are not the defaults.
  std::string shown() const;
};

// Throws Error naming `spec` for a name that is no Ollama name (an empty part, a character Ollama
// does not allow, "." or "..").
OllamaName parse_ollama_name(std::string_view spec);

struct OllamaModel {
  std::string manifest;  // its path
  std::string blob;      // the model layer's file
  std::string digest;    // "sha256:HEX"
  uint64_t size = 0;     // as the manifest says
};

// The model layer of `name` in the store at `store`. Throws Error for a model the store does not
// have, a manifest that is not JSON or has no model layer, or a blob that is not there.
OllamaModel find_ollama_model(const std::string& store, const OllamaName& name);

// Every model and tag in the store, as shown() names them, sorted; none when there is no store.
std::vector<std::pair<std::string, OllamaModel>> list_ollama_models(const std::string& store);

// Throws Error unless the file's SHA-256 is its digest's (reads the whole file).
void check_ollama_blob(const OllamaModel& model);

}  // namespace attnviz
