// Options → Request: the one place that reads the input files the command line names.
#include "request.hpp"

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "attnviz/formats/model_folder.hpp"
#include "attnviz/formats/ollama_store.hpp"
#include "attnviz/formats/shipped_models.hpp"
#include "attnviz/formats/vocab_file.hpp"
#include "attnviz/strings.hpp"

namespace attnviz::app {
namespace {

bool is_directory(const std::string& path) {
  std::error_code error;
  return std::filesystem::is_directory(path, error);
}

// A text file usually ends with a newline that is not part of the text.
std::string strip_final_newline(std::string text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

// --layer or --head: all (none), or the indices "3", "0,5,11" (checked by the options).
std::vector<int> index_list(const std::string& spec) {
  std::vector<int> indices;
  if (spec == "all") return indices;
  for (size_t start = 0; start <= spec.size();) {
    const size_t comma = std::min(spec.find(',', start), spec.size());
    indices.push_back(std::stoi(spec.substr(start, comma - start)));
    start = comma + 1;
  }
  return indices;
}

std::shared_ptr<const BpeTokenizer> load_bpe(const TokenizerFiles& files, size_t max_bytes) {
  const std::string vocab = io::read_file(files.vocab, max_bytes);
  if (files.merges.empty()) {
    std::optional<std::string> config;
    if (!files.config.empty()) config = io::read_file(files.config, max_bytes);
    return std::make_shared<BpeTokenizer>(
        BpeTokenizer::from_tokenizer_json(vocab, files.vocab, config, files.config));
  }
  return std::make_shared<BpeTokenizer>(BpeTokenizer::from_files(
      vocab, io::read_file(files.merges, max_bytes), files.vocab, files.merges));
}

// --tokenizer PATH: a folder with the tokenizer's files, or a tokenizer.json.
TokenizerFiles tokenizer_files(const std::string& path) {
  if (!is_directory(path)) {  // a tokenizer.json: its folder's tokenizer_config.json with it
    const std::filesystem::path config =
        std::filesystem::path(path).parent_path() / "tokenizer_config.json";
    std::error_code error;
    const bool beside =
        ends_with(path, "tokenizer.json") && std::filesystem::is_regular_file(config, error);
    return {path, "", beside ? config.string() : ""};
  }
  if (auto files = find_tokenizer_files(path)) return *files;
  throw Error(Err::NoTokenizerFiles, {path});
}

}  // namespace

std::string ollama_store() {
  if (const char* dir = std::getenv("OLLAMA_MODELS"); dir && *dir) return dir;
  const char* home = std::getenv("HOME");
  return (std::filesystem::path(home ? home : "") / ".ollama" / "models").string();
}

Request make_request(const Options& o, InputFiles& files) {
  Request r;
  r.limits = o.limits;
  r.limits.max_file_bytes = o.max_file_mb << 20;
  const size_t max_bytes = r.limits.max_file_bytes;
  if (o.tokens) {
    r.input = InputKind::TokenList;
    r.text = *o.tokens;
    r.text_origin = "--tokens";
  } else if (o.text_file) {
    r.text = strip_final_newline(io::read_file(*o.text_file, max_bytes));
    r.text_origin = *o.text_file == "-" ? "standard input" : *o.text_file;
  } else {
    r.text = *o.text;
    r.text_origin = "--text";
  }
  const bool named_tokenizer = o.tokenizer == "char" || o.tokenizer == "word";
  if (named_tokenizer) {
    r.tokenizer = tokenizer_from_name(o.tokenizer);
  } else {
    r.bpe = load_bpe(tokenizer_files(o.tokenizer), max_bytes);
  }
  if (o.model) {
    const ShippedModel* model = find_shipped_model(*o.model);
    if (!model) {
      std::string names;
      for (const ShippedModel& m : shipped_models())
        names += (names.empty() ? "" : ", ") + std::string(m.name);
      throw Error(Err::UnknownShippedModel, {*o.model, names});
    }
    r.weights_path = "--model " + std::string(model->name);
    r.weights_data = model->bytes;
  }
  if (o.weights) {
    std::string weights = *o.weights;
    std::optional<std::string> shown;        // what messages call the weights, if not their path
    if (weights.rfind("ollama:", 0) == 0) {  // a model in Ollama's store: its GGUF blob
      const OllamaName name = parse_ollama_name(std::string_view(weights).substr(7));
      const OllamaModel model = find_ollama_model(ollama_store(), name);
      if (o.check_digest) check_ollama_blob(model);
      weights = model.blob;
      shown = "ollama:" + name.shown();
    } else if (is_directory(weights)) {  // a Hugging Face model folder
      const ModelFolder folder = find_model_files(weights);
      weights = folder.weights;
      if (folder.config) {
        r.config_text = io::read_file(*folder.config, max_bytes);
        r.config_name = *folder.config;
      }
      // Its own tokenizer, unless --tokenizer names one (the default char does not).
      if (folder.tokenizer && !r.bpe && !o.tokenizer_given)
        r.bpe = load_bpe(*folder.tokenizer, max_bytes);
    }
    r.weights_path = shown.value_or(weights);
    files.weights.emplace(weights, max_bytes);
    r.weights_data = files.weights->view();
    r.weights_mapped = files.weights->mapped();
    if (ends_with(weights, ".index.json")) {  // the folder's checkpoint, split over files
      const std::filesystem::path folder = std::filesystem::path(weights).parent_path();
      for (const std::string& file : shard_files(r.weights_data, weights)) {
        const std::string path = (folder / file).string();
        files.shards.push_back(std::make_unique<io::FileBytes>(path, max_bytes));
        r.weights_shards.push_back(
            {path, files.shards.back()->view(), files.shards.back()->mapped()});
      }
    }
    r.weights_prefix = o.prefix;
  }
  if (r.bpe) r.tokenizer = TokenizerKind::Bpe;
  if (o.vocab) {
    r.vocab = read_vocab_file(io::read_file(*o.vocab, max_bytes), *o.vocab);
    r.vocab_origin = *o.vocab;
  } else if (o.vocab_text) {
    r.vocab = vocab_of_text(io::read_file(*o.vocab_text, max_bytes), *o.vocab_text);
    r.vocab_origin = *o.vocab_text;
  }
  r.bos = o.bos;
  r.rollout = o.rollout;
  r.induction_test = o.induction_test;
  r.generate = o.generate;
  r.sampling = {o.temperature, o.top_p, o.top_k};
  r.layers = index_list(o.layer);
  r.outputs = {shows_terminal_text(o), o.heads_report || o.explain, o.json.has_value(),
               o.html.has_value(), o.save_weights && ends_with(*o.save_weights, ".safetensors")};
  r.random = o.random;
  r.random.cpu = o.init == "torch-generic" ? TorchCpu::Generic : TorchCpu::Avx2;
  r.randn_input = o.input == "randn";
  r.random.positions = !o.no_positions;
  r.causal = !o.no_mask;
  r.scale = !o.no_scale;
  r.keep_scores = o.trace || o.explain || o.html;  // the page shows each cell's score
  r.steps = o.trace || o.explain;
  r.explain_step = o.explain_step.value_or(1);
  r.long_text = o.long_text == "last" ? LongText::Last : LongText::Window;
  r.means = o.head == "mean";
  return r;
}

View view_of(const Options& o) {
  View view;
  if (o.head == "mean") {
    view.head = {HeadChoice::Kind::Mean, {}};
  } else if (o.head != "all") {
    view.head = {HeadChoice::Kind::Some, index_list(o.head)};  // checked by the option
  }
  view.rollout = o.rollout;
  const auto slice = [](const std::string& v) {  // "A:B", checked by the option
    const size_t colon = v.find(':');
    Slice s;
    if (colon > 0) s.start = std::stol(v.substr(0, colon));
    if (colon + 1 < v.size()) s.stop = std::stol(v.substr(colon + 1));
    return s;
  };
  if (o.rows) view.rows = slice(*o.rows);
  if (o.cols) view.cols = slice(*o.cols);
  if (o.highlight) {
    const std::vector<int> at = index_list(*o.highlight);
    view.highlight = {at[0], at.size() > 1 ? at[1] : -1};
  }
  return view;
}

PanelLayout panel_layout(const std::string& name) {
  if (name == "row") return PanelLayout::Row;
  if (name == "column") return PanelLayout::Column;
  if (name == "grid") return PanelLayout::Grid;
  return PanelLayout::Auto;
}

}  // namespace attnviz::app
