// Hugging Face model folders: which files are there, and config.json's settings, checked.
#include "attnviz/formats/model_folder.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "attnviz/error.hpp"
#include "attnviz/text/utf8.hpp"
#include "io/parse_error.hpp"

namespace attnviz {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

bool is_file(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error);  // follows the hub cache's symlinks
}

class ConfigReader {
 public:
  ConfigReader(const Json& doc, const std::string& name) : doc_(doc), name_(name) {}

  // An integer in [min, max]; absent: nullopt, or an Error when `required`.
  std::optional<int> integer(const char* key, int64_t min, int64_t max, bool required = false) {
    if (!doc_.contains(key)) {
      if (required)
        throw Error(Err::InFile, {name_, Words(Err::MissingSetting, {utf8::quoted(key)})});
      return std::nullopt;
    }
    const Json& v = doc_.at(key);
    if (!v.is_number_integer() || v.get<int64_t>() < min || v.get<int64_t>() > max) {
      fail(key, v, Words(Err::ExpectInteger, {std::to_string(min), std::to_string(max)}));
    }
    return static_cast<int>(v.get<int64_t>());
  }

  std::optional<float> epsilon(const char* key) {
    if (!doc_.contains(key)) return std::nullopt;
    const Json& v = doc_.at(key);
    // Positive as float32 too: 1e-50 is a positive double but rounds to a float32 0.
    if (!v.is_number() || !(static_cast<float>(v.get<double>()) > 0.0f) ||
        !(v.get<double>() < 0.1)) {
      fail(key, v, Words(Err::ExpectEpsilon, {}));
    }
    return static_cast<float>(v.get<double>());
  }

  bool flag(const char* key) {
    if (!doc_.contains(key)) return false;
    const Json& v = doc_.at(key);
    if (!v.is_boolean()) fail(key, v, Words(Err::ExpectBoolean, {}));
    return v.get<bool>();
  }

  std::optional<std::string> text(const char* key) {
    if (!doc_.contains(key)) return std::nullopt;
    const Json& v = doc_.at(key);
    if (!v.is_string()) fail(key, v, Words(Err::ExpectString, {}));
    return v.get<std::string>();
  }

 private:
  [[noreturn]] void fail(const char* key, const Json& found, Words expected) const {
    throw Error(Err::ConfigField,
                {name_, key, utf8::truncate_to_width(found.dump(), 30), std::move(expected)});
  }

  const Json& doc_;
  const std::string& name_;
};

}  // namespace

std::optional<TokenizerFiles> find_tokenizer_files(const std::string& dir) {
  const fs::path d(dir);
  for (const auto& [vocab, merges] :
       {std::pair{"vocab.json", "merges.txt"}, std::pair{"encoder.json", "vocab.bpe"}}) {
    if (is_file(d / vocab) && is_file(d / merges)) {
      return TokenizerFiles{(d / vocab).string(), (d / merges).string()};
    }
  }
  if (is_file(d / "tokenizer.json")) return TokenizerFiles{(d / "tokenizer.json").string(), ""};
  return std::nullopt;
}

ModelFolder find_model_files(const std::string& dir) {
  const fs::path d(dir);
  ModelFolder folder;
  // safetensors first, as transformers itself prefers it; else the torch.save file; one file
  // before a sharded checkpoint.
  for (const char* weights : {"model.safetensors", "pytorch_model.bin",
                              "model.safetensors.index.json", "pytorch_model.bin.index.json"}) {
    if (folder.weights.empty() && is_file(d / weights)) folder.weights = (d / weights).string();
  }
  if (folder.weights.empty()) {
    for (const char* other : {"tf_model.h5", "flax_model.msgpack"}) {
      if (is_file(d / other)) throw Error(Err::NoSafetensorsHas, {dir, other});
    }
    throw Error(Err::NoSafetensors, {dir});
  }
  if (is_file(d / "config.json")) folder.config = (d / "config.json").string();
  folder.tokenizer = find_tokenizer_files(dir);
  return folder;
}

ModelSettings parse_model_config(std::string_view text, const std::string& name,
                                 const Limits& limits) {
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    throw Error(Err::NotJson, {name, parse_error_detail(e)});
  }
  if (!doc.is_object()) throw Error(Err::ConfigNotObject, {name});
  ConfigReader r(doc, name);
  if (const auto type = r.text("model_type"); type && *type != "gpt2") {
    throw Error(Err::ConfigModelType, {name, utf8::truncate_to_width(*type, 30)});
  }
  ModelSettings s;
  s.source = name;
  s.max_embd = limits.max_embd;
  s.n_layer = r.integer("n_layer", 1, 1024, true);
  s.n_embd = r.integer("n_embd", 1, limits.max_embd, true);
  s.n_head = r.integer("n_head", 1, *s.n_embd, true);
  if (*s.n_embd % *s.n_head != 0) {
    throw Error(Err::ConfigNotDivide, {name, std::to_string(*s.n_head), std::to_string(*s.n_embd)});
  }
  s.n_positions = r.integer("n_positions", 1, kMaxBlockSize);
  s.vocab_size = r.integer("vocab_size", 1, 1 << 24);
  s.layer_norm_epsilon = r.epsilon("layer_norm_epsilon");
  s.activation = r.text("activation_function");
  s.scale_attn_by_inverse_layer_idx = r.flag("scale_attn_by_inverse_layer_idx");
  r.flag("reorder_and_upcast_attn");  // float32 throughout already: checked, changes nothing
  return s;
}

}  // namespace attnviz
