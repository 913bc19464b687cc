// Hugging Face model folders: which files are there, and config.json's settings, checked.
#include "attnviz/formats/model_folder.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "attnviz/error.hpp"
#include "attnviz/text/utf8.hpp"
#include "formats/config_reader.hpp"
#include "formats/decoder_config.hpp"
#include "io/parse_error.hpp"

namespace attnviz {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// model_type, else the type the first of "architectures" is a model of (transformers' class
// names), else "gpt2" (the GPT-2 configs before model_type).
std::string model_type_of(ConfigReader& r) {
  if (const auto type = r.text("model_type")) return *type;
  if (!r.has("architectures")) return "gpt2";
  const Json& a = r.at("architectures");
  if (!a.is_array() || a.empty() || !a[0].is_string()) {
    r.fail("architectures", a, Words(Err::ExpectString, {}));
  }
  static const std::pair<const char*, const char*> kClasses[] = {
      {"GPT2LMHeadModel", "gpt2"},          {"GPT2Model", "gpt2"},
      {"LlamaForCausalLM", "llama"},        {"MistralForCausalLM", "mistral"},
      {"Qwen2ForCausalLM", "qwen2"},        {"Qwen3ForCausalLM", "qwen3"},
      {"GemmaForCausalLM", "gemma"},        {"Gemma2ForCausalLM", "gemma2"},
      {"Gemma3ForCausalLM", "gemma3_text"}, {"Gemma3ForConditionalGeneration", "gemma3"}};
  const std::string name = a[0].get<std::string>();
  for (const auto& [cls, type] : kClasses) {
    if (name == cls) return type;
  }
  return name;
}

bool is_file(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error);  // follows the hub cache's symlinks
}

}  // namespace

std::optional<TokenizerFiles> find_tokenizer_files(const std::string& dir) {
  const fs::path d(dir);
  // tokenizer.json first: it describes the whole pipeline, where a Qwen folder's vocab.json and
  // merges.txt would be read with GPT-2's pattern.
  if (is_file(d / "tokenizer.json")) {
    const fs::path config = d / "tokenizer_config.json";
    return TokenizerFiles{(d / "tokenizer.json").string(), "",
                          is_file(config) ? config.string() : ""};
  }
  for (const auto& [vocab, merges] :
       {std::pair{"vocab.json", "merges.txt"}, std::pair{"encoder.json", "vocab.bpe"}}) {
    if (is_file(d / vocab) && is_file(d / merges)) {
      return TokenizerFiles{(d / vocab).string(), (d / merges).string(), ""};
    }
  }
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
  const std::string type = model_type_of(r);
  if (type != "gpt2" && !is_decoder_type(type)) {
    throw Error(Err::ConfigModelType, {name, utf8::truncate_to_width(type, 30)});
  }
  ModelSettings s;
  s.source = name;
  s.max_embd = limits.max_embd;
  if (type != "gpt2") {
    if (type == "gemma3") {  // Gemma3ForConditionalGeneration: the text model's own config
      if (!r.has("text_config") || !r.at("text_config").is_object()) r.missing("text_config");
      ConfigReader text_config(r.at("text_config"), name);
      s.decoder = read_decoder_config(text_config, "gemma3_text", limits);
    } else {
      s.decoder = read_decoder_config(r, type, limits);
    }
    return s;
  }
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
