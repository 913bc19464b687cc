// Ollama's store, read as Ollama's server/internal/manifest describes it: a model's name gives its
// manifest's path, the manifest's model layer gives its blob's digest, the digest its file name.
#include "attnviz/formats/ollama_store.hpp"

#include <algorithm>
#include <filesystem>

#include "attnviz/error.hpp"
#include "attnviz/io/io.hpp"
#include "attnviz/text/utf8.hpp"
#include "io/json.hpp"
#include "io/sha256.hpp"

namespace attnviz {
namespace {

namespace fs = std::filesystem;

constexpr const char* kModelLayer = "application/vnd.ollama.image.model";
constexpr size_t kMaxManifest = size_t{1} << 20;

// A part of a name as Ollama allows it: letters, digits, '_', '-', '.', not "." or "..".
bool good_part(std::string_view part) {
  if (part.empty() || part == "." || part == ".." || part.size() > 350) return false;
  return std::all_of(part.begin(), part.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

}  // namespace

std::string OllamaName::shown() const {
  std::string s = model + ":" + tag;
  if (space != "library" || host != "registry.ollama.ai") s = space + "/" + s;
  if (host != "registry.ollama.ai") s = host + "/" + s;
  return s;
}

OllamaName parse_ollama_name(std::string_view spec) {
  OllamaName n;
  std::string_view rest = spec;
  const size_t slash = rest.rfind('/');
  const size_t colon = rest.find(':', slash == std::string_view::npos ? 0 : slash);
  if (colon != std::string_view::npos) {
    n.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
  }
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    const size_t end = rest.find('/', start);
    parts.emplace_back(rest.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  bool good = parts.size() <= 3 && good_part(n.tag);
  for (const std::string& p : parts) good = good && good_part(p);
  if (!good) throw Error(Err::OllamaBadName, {utf8::one_line(spec)});
  n.model = parts.back();
  if (parts.size() >= 2) n.space = parts[parts.size() - 2];
  if (parts.size() == 3) n.host = parts[0];
  return n;
}

OllamaModel find_ollama_model(const std::string& store, const OllamaName& name) {
  OllamaModel m;
  const fs::path manifest =
      fs::path(store) / "manifests" / name.host / name.space / name.model / name.tag;
  m.manifest = manifest.string();
  std::error_code error;
  if (!fs::is_regular_file(manifest, error)) {
    throw Error(Err::OllamaNoModel, {name.shown(), store, m.manifest});
  }
  const std::string text = io::read_file(m.manifest, kMaxManifest);
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::exception& e) {
    throw Error(Err::OllamaManifest, {m.manifest, e.what()});
  }
  const auto layers = doc.is_object() ? doc.find("layers") : doc.end();
  if (!doc.is_object() || layers == doc.end() || !layers->is_array()) {
    throw Error(Err::OllamaManifest, {m.manifest, "no \"layers\" array"});
  }
  for (const Json& layer : *layers) {
    if (!layer.is_object() || layer.value("mediaType", Json()) != kModelLayer) continue;
    const Json digest = layer.value("digest", Json());
    const std::string d = digest.is_string() ? digest.get<std::string>() : "";
    const bool hex = d.size() == 7 + 64 && d.rfind("sha256:", 0) == 0 &&
                     d.find_first_not_of("0123456789abcdef", 7) == std::string::npos;
    if (!hex) throw Error(Err::OllamaBadDigest, {m.manifest, utf8::one_line(digest.dump())});
    m.digest = d;
    const Json size = layer.value("size", Json());
    m.size = size.is_number_unsigned() ? size.get<uint64_t>() : 0;
    const fs::path blobs = fs::path(store) / "blobs";
    m.blob = (blobs / ("sha256-" + d.substr(7))).string();
    if (!fs::is_regular_file(m.blob, error)) {
      throw Error(Err::OllamaNoBlob, {m.manifest, d, blobs.string()});
    }
    return m;
  }
  throw Error(Err::OllamaNoModelLayer, {m.manifest});
}

std::vector<std::pair<std::string, OllamaModel>> list_ollama_models(const std::string& store) {
  std::vector<std::pair<std::string, OllamaModel>> found;
  const fs::path root = fs::path(store) / "manifests";
  std::error_code error;
  if (!fs::is_directory(root, error)) return found;
  for (auto it = fs::recursive_directory_iterator(root, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (it.depth() != 3 || !it->is_regular_file(error)) continue;
    const fs::path p = it->path().lexically_relative(root);
    std::vector<std::string> parts;
    for (const fs::path& part : p) parts.push_back(part.string());
    OllamaName name{parts[0], parts[1], parts[2], parts[3]};
    try {
      found.emplace_back(name.shown(), find_ollama_model(store, name));
    } catch (const Error&) {
      // a manifest without a model layer (a projector, an embedding's parts) is not listed
    }
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return found;
}

void check_ollama_blob(const OllamaModel& model) {
  const std::string actual = "sha256:" + sha256_of_file(model.blob);
  if (actual != model.digest) {
    throw Error(Err::OllamaDigestMismatch, {model.blob, actual, model.digest});
  }
}

}  // namespace attnviz
