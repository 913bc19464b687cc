// A run over a whole model: load every block, tokenize as the model does, run the forward pass,
// keep the layers asked for and the model's next-token guesses.
#include <algorithm>

#include "attnviz/formats/gguf.hpp"
#include "attnviz/formats/model_folder.hpp"
#include "attnviz/model/analysis.hpp"
#include "attnviz/model/generate.hpp"
#include "attnviz/model/head_scores.hpp"
#include "attnviz/model/torch_random.hpp"
#include "attnviz/text/utf8.hpp"
#include "io/json.hpp"
#include "run/stages.hpp"

namespace attnviz {
namespace {

// A folder's config.json, else what the file says of itself (GGUF's metadata).
ModelSettings settings_of(const Request& request, const StateDict& state_dict) {
  ModelSettings s = request.config_text          ? parse_model_config(*request.config_text,
                                                                      request.config_name, request.limits)
                    : state_dict.file_settings() ? *state_dict.file_settings()
                                                 : ModelSettings{};
  if (request.random.n_head > 0) s.n_head = request.random.n_head;
  s.max_embd = request.limits.max_embd;
  return s;
}

// The layers --layer names, each checked; all of them by default.
std::vector<int> chosen_layers(const Request& request, int n_layer) {
  if (request.layers.empty()) {
    std::vector<int> all(static_cast<size_t>(n_layer));
    for (int l = 0; l < n_layer; ++l) all[static_cast<size_t>(l)] = l;
    return all;
  }
  for (const int l : request.layers) {
    if (l < 0 || l >= n_layer) {
      throw Error(Err::LayerOutOfRange,
                  {std::to_string(l), std::to_string(n_layer), std::to_string(n_layer - 1)});
    }
  }
  return request.layers;
}

// One layer's heads scored on the run's tokens, as the forward pass reaches it.
void score_layer(int layer, const AttentionTrace& attention, const PatternTargets& targets,
                 Result& result) {
  for (size_t h = 0; h < attention.heads.size(); ++h) {
    HeadScore score;
    score.layer = layer;
    score.head = static_cast<int>(h);
    score.score = score_head(attention.heads[h].weights, targets);
    result.head_scores.push_back(score);
  }
}

// The tokens as the model read them: a character model's vocabulary entries (Cyrillic letters read
// in the Latin alphabet are Latin there), else the labels.
std::vector<std::string> read_as(const TextReading& reading, const Transformer& model,
                                 const Result& result) {
  if (reading.bpe) return result.tokens;
  std::vector<std::string> read;
  for (const int id : result.ids) read.push_back(model.vocab[static_cast<size_t>(id)]);
  return read;
}

// The row of a vocabulary's stand-in token, or −1.
int stand_in_id(const std::vector<std::string>& vocab) {
  const auto at = std::find(vocab.begin(), vocab.end(), kStandInToken);
  return at == vocab.end() ? -1 : static_cast<int>(at - vocab.begin());
}

// No head is labelled from a text of one token (no pattern has a target), or from one mostly made
// of the stand-in (every pattern there is the stand-in's, not the text's); a warning says so,
// unless the heads report does.
void withhold_labels(const Request& request, int unread, Result& result) {
  const size_t T = result.ids.size();
  const auto unread_count =
      static_cast<size_t>(std::count(result.ids.begin(), result.ids.end(), unread));
  if (T < 2) {
    result.labels_withheld = Words(Err::LabelsWithheldOneToken, {});
  } else if (2 * unread_count > T) {
    result.labels_withheld = Words(Err::LabelsWithheldUnread, {std::to_string(unread_count),
                                                               std::to_string(T), kStandInToken});
    if (!request.outputs.heads_report) result.warnings.push_back(*result.labels_withheld);
  } else {
    return;
  }
  for (HeadScore& score : result.head_scores) score.withheld = true;
}

// With --induction-test S, every head also scored on S random tokens repeated twice
// (torch.randint(0, vocab, (S,)) after torch.manual_seed(seed)); no layer is kept.
void induction_test(const Request& request, const Transformer& model, const ForwardOptions& run,
                    Result& result) {
  const int S = request.induction_test;
  if (S <= 0) return;
  if (model.block_size > 0 && 2 * S > model.block_size) {
    throw Error(Err::InductionTestTooLong,
                {std::to_string(S), std::to_string(model.block_size / 2)});
  }
  // torch.randint draws one 32-bit number per token below 2³² values: random() % V.
  TorchGenerator gen(request.random.seed);
  const auto V = static_cast<uint32_t>(model.vocab_size());
  for (int i = 0; i < S; ++i) result.induction_test_ids.push_back(int(gen.random() % V));
  std::vector<int> ids = result.induction_test_ids;
  ids.insert(ids.end(), result.induction_test_ids.begin(), result.induction_test_ids.end());
  ForwardOptions options;
  options.causal = request.causal;
  options.scale = request.scale;
  options.keep_layer.assign(model.blocks.size(), false);
  options.keep_logits = false;
  options.before_reading = run.before_reading;  // the weights read as the run reads them
  options.after_reading = run.after_reading;
  options.release_weights = run.release_weights;
  size_t at = 0;
  forward(model, ids, options, [&](int, const LayerTrace& layer) {
    for (const HeadTrace& head : layer.attention.heads) {
      result.head_scores[at++].repeated_induction = repeated_induction_score(head.weights, S);
    }
  });
}

// A text longer than the model's context: with --long-text last, only its last block_size tokens
// run (returns true); else each token sees the block_size tokens ending at it (forward_sliding()),
// which the one pass that --explain and --trace show is not.
bool fit_context(const Request& request, int block_size, Result& result) {
  const size_t T = result.ids.size(), B = static_cast<size_t>(block_size);
  if (block_size <= 0 || T <= B) return false;
  if (request.long_text == LongText::Last) {
    result.tokens.erase(result.tokens.begin(), result.tokens.end() - static_cast<long>(B));
    result.ids.erase(result.ids.begin(), result.ids.end() - static_cast<long>(B));
    result.warnings.push_back(
        Words(Err::LongTextLast, {request.text_origin, std::to_string(T), std::to_string(B)}));
    return true;
  }
  if (request.steps) {
    throw Error(Err::LongTextOnePass, {request.text_origin, std::to_string(T), std::to_string(B)});
  }
  if (!request.causal) {
    throw Error(Err::LongTextNoMask, {request.text_origin, std::to_string(T), std::to_string(B)});
  }
  result.warnings.push_back(
      Words(Err::LongTextWindow, {request.text_origin, std::to_string(T), std::to_string(B)}));
  return false;
}

// The text's ids as the model reads them: its tokenizer's (read_tokens() made them), or its
// vocabulary's rows for the tokens.
void model_ids(const Request& request, const TextReading& reading, const Transformer& model,
               Result& result) {
  const std::string& name = *request.weights_path;
  if (reading.bpe) {
    // The model's tokenizer splits the text; an explicit list would be split differently.
    if (request.input == InputKind::TokenList) throw Error(Err::TokensWithBpe, {});
    for (size_t t = 0; t < result.ids.size(); ++t) {  // an added token past the model's rows
      if (result.ids[t] >= model.vocab_size()) {
        throw Error(Err::TokenPastRows, {result.tokens[t], std::to_string(result.ids[t]),
                                         std::to_string(model.vocab_size())});
      }
    }
  } else {
    if (request.bos) throw Error(Err::BosNeedsBpe, {});
    result.ids = lookup_ids(result.tokens, model.vocab, name, &result.warnings);
  }
}

// Every float tensor of 1 or 2 dimensions the file holds (buffers of integers, bools or more
// dimensions are not the model's weights) — a storage saved under two names (nanoGPT's tied
// lm_head) once, under its first, which the loader ties — with what opens the file alone: the
// settings the model ran with and, for a character model, its vocabulary.
std::string model_file(const StateDict& state_dict, const Transformer& model) {
  std::vector<NamedTensor> tensors;
  std::vector<const float*> written;  // the bytes each tensor viewed in the file
  for (const std::string& key : state_dict.keys()) {
    const size_t dims = state_dict.shape(key).size();
    if ((dims != 1 && dims != 2) || !state_dict.is_float(key)) continue;
    const Tensor t = state_dict.tensor(key, static_cast<int>(dims));
    if (std::find(written.begin(), written.end(), t.data()) != written.end() && key.size() >= 14 &&
        key.compare(key.size() - 14, 14, "lm_head.weight") == 0) {
      continue;
    }
    written.push_back(t.data());
    tensors.push_back({key, Matrix(t), dims == 1});
  }
  std::vector<std::pair<std::string, std::string>> metadata = {
      {"format", "pt"},
      {"n_layer", std::to_string(model.n_layer())},
      {"n_head", std::to_string(model.blocks.front().attention.n_head())},
      {"n_embd", std::to_string(model.n_embd)},
      {"block_size", std::to_string(model.block_size)},
      {"vocab_size", std::to_string(model.vocab_size())},
      {"activation_function", activation_id(model.activation)}};
  if (!model.vocab.empty()) metadata.emplace_back("vocab", Json(model.vocab).dump());
  return to_safetensors(tensors, metadata);
}

// What the pass keeps, and how far it runs: only the layers shown are kept; the guesses are
// made for the table, the explanation, JSON and the page, every layer's heads scored for those
// and the heads report. Without guesses, rollout, every layer's scores or the induction test,
// it stops after the last shown layer.
ForwardOptions forward_options(const Request& request, const Transformer& model,
                               const TextReading& reading, const std::vector<int>& layers,
                               bool rollout) {
  const Outputs& out = request.outputs;
  const bool guesses =
      out.json || out.page || (out.terminal_text && (!out.heads_report || request.steps));
  const bool every_layer_scored = guesses || out.heads_report;
  const bool whole = every_layer_scored || rollout || request.induction_test > 0;
  ForwardOptions options;
  options.keep_scores = request.keep_scores;
  options.causal = request.causal;
  options.scale = request.scale;
  options.keep_blocks = request.keep_scores;  // --trace and --explain show the whole block
  options.keep_layer.assign(model.blocks.size(), false);
  for (const int l : layers) options.keep_layer[static_cast<size_t>(l)] = true;
  options.keep_logits = false;
  options.top_k = guesses ? request.top_k : 0;
  options.guess_ids = reading.guess_ids;
  options.n_layer = whole ? -1 : *std::max_element(layers.begin(), layers.end()) + 1;
  options.release_weights = request.weights_mapped;
  return options;
}

// The shown layers' attention (and blocks), the guesses as text, and what ran.
void keep_outputs(const Request& request, const TextReading& reading, Transformer& model,
                  const std::vector<int>& layers, ForwardTrace& trace, Result& result) {
  for (const int l : layers) {
    result.layers.push_back(std::move(trace.layers[static_cast<size_t>(l)].attention));
    if (request.keep_scores)
      result.blocks.push_back(std::move(trace.layers[static_cast<size_t>(l)].block));
    result.layer_numbers.push_back(l);
  }
  for (const auto& row : trace.predictions) {
    std::vector<Guess> guesses;
    for (const Prediction& p : row) {
      const std::string token =
          reading.bpe ? reading.bpe->label(p.id) : model.vocab[static_cast<size_t>(p.id)];
      guesses.push_back({token, p.id, p.p});
    }
    result.predictions.push_back(std::move(guesses));
  }
  const Block& shown = model.blocks[static_cast<size_t>(layers.front())];
  result.model = ModelInfo{model.family,
                           model.activation,
                           model.n_layer(),
                           model.vocab_size(),
                           model.embed_scale,
                           shown.mlp.gate_weight.size() > 0,
                           shown.post_mlp_norm.size() > 0};
  // The first shown layer's attention, with the model's embeddings, for --explain's steps.
  result.weights = std::move(model.blocks[static_cast<size_t>(layers.front())].attention);
  result.weights.vocab = std::move(model.vocab);
  result.weights.n_embd = model.n_embd;
  result.weights.block_size = model.block_size;
  result.weights.token_embedding = std::move(model.token_embedding);
  result.weights.position_embedding = std::move(model.position_embedding);
}

// --generate's settings: those given, the others as the model's own code has them — nanoGPT's
// sample.py (temperature 0.8, top-k 200; the shipped models are nanoGPT's), gpt.py's generate()
// (1, none), Hugging Face's GenerationConfig for GPT-2 and the later decoders (1, top-k 50; a
// folder's generation_config.json is not read).
GenerationInfo generation_settings(const Request& request, Family family) {
  GenerationInfo info;
  Sampling defaults;
  switch (family) {
    case Family::NanoGpt:
      defaults = {0.8, 200, 1.0};
      info.defaults_of = "nanoGPT";
      break;
    case Family::GptPy:
      defaults = {1.0, 0, 1.0};
      info.defaults_of = "gpt.py";
      break;
    default:  // GPT-2 and the later Hugging Face decoders
      defaults = {1.0, 50, 1.0};
      info.defaults_of = "Hugging Face";
      break;
  }
  const auto& given = request.sampling;
  info.sampling = {given.temperature.value_or(defaults.temperature),
                   given.top_k.value_or(defaults.top_k), given.top_p.value_or(defaults.top_p)};
  info.seed = request.random.seed;
  return info;
}

// A token's text as a person reads it: the vocabulary's entry or the BPE token's label; an id
// past them (nanoGPT pads GPT-2's vocabulary to 50 304 rows) by its number.
std::string token_label(const TextReading& reading, const Transformer& model, int id) {
  if (reading.bpe)
    return id < reading.guess_ids || reading.guess_ids == 0 ? reading.bpe->label(id)
                                                            : "<" + std::to_string(id) + ">";
  return model.vocab[static_cast<size_t>(id)];
}

// The text continued by --generate: every layer's rows over the prompt and the new tokens, the
// tokens appended to the result, and each step's choice.
ForwardTrace write_more(const Request& request, const TextReading& reading,
                        const Transformer& model, const ForwardOptions& options,
                        const LayerVisitor& visit, const std::function<void()>& on_written,
                        Result& result) {
  if (request.steps && (request.explain_step < 1 || request.explain_step > request.generate))
    throw Error(Err::ExplainStepPast,
                {std::to_string(request.explain_step), std::to_string(request.generate)});
  if (!request.causal) throw Error(Err::GenerateNoMask, {});
  GenerationInfo info = generation_settings(request, model.family);
  info.prompt = request.text;
  info.prompt_tokens = static_cast<int>(result.ids.size());
  GenerateOptions g;
  g.new_tokens = request.generate;
  g.sampling = info.sampling;
  g.seed = info.seed;
  g.candidates = request.top_k;
  g.explain_step = request.steps ? request.explain_step : 0;
  g.on_written = [&](const std::vector<int>& ids) {
    for (size_t i = result.ids.size(); i < ids.size(); ++i) {
      result.ids.push_back(ids[i]);
      result.tokens.push_back(token_label(reading, model, ids[i]));
    }
    on_written();
  };
  Generation written = generate(model, result.ids, g, options, visit);
  for (const GenerationStep& step : written.steps) {
    GeneratedToken token;
    token.first_key = step.first_key;
    for (const Candidate& c : step.choice.candidates) {
      const Guess guess{token_label(reading, model, c.id), c.id, c.p};
      if (c.id == step.choice.id) token.token = guess;
      token.candidates.push_back({guess, c.p_sampled});
    }
    info.steps.push_back(std::move(token));
  }
  info.explained = std::move(written.explained);
  result.generation = std::move(info);
  return std::move(written.trace);
}

}  // namespace

Result run_model(const Request& request, const StateDict& state_dict, Result result) {
  if (request.randn_input) throw Error(Err::RandnWithModel, {});
  UncheckedKeys unchecked;
  Transformer model =
      load_transformer(state_dict, settings_of(request, state_dict), result.warnings, &unchecked);
  const TextReading reading = model_reading(request, state_dict, model);
  read_tokens(request, reading, result);
  model_ids(request, reading, model, result);
  const bool cropped = fit_context(request, model.block_size, result);
  // A GGUF's quantization for the description: its key read before the work (a key of the wrong
  // type is an error)
  const std::string file_type =
      state_dict.gguf() ? gguf_file_type(*state_dict.gguf()).value_or("") : "";

  // Every layer the pass runs is scored (and rolled out) as it goes by.
  const std::vector<int> layers = chosen_layers(request, model.n_layer());
  const bool rollout = request.rollout || request.outputs.page;
  ForwardOptions options = forward_options(request, model, reading, layers, rollout);
  // Each matrix is checked as the pass comes to it (once, though the induction test runs again).
  std::vector<char> checked(model.blocks.size());
  options.before_reading = [&](int block, Eigen::Index first, Eigen::Index rows) {
    if (block == ForwardOptions::kOutput) {
      state_dict.check_finite(unchecked.output_embedding, first, rows);
    } else if (block == ForwardOptions::kTokenEmbedding) {
      state_dict.check_finite(unchecked.token_embedding, first, rows);
    } else if (block == ForwardOptions::kPositionEmbedding) {
      state_dict.check_finite(unchecked.position_embedding, first, rows);
    } else if (!checked[static_cast<size_t>(block)]) {
      for (const std::string& key : unchecked.blocks[static_cast<size_t>(block)])
        state_dict.check_finite(key, 0, state_dict.shape(key).front());
      checked[static_cast<size_t>(block)] = 1;
    }
  };
  // Converted weights (BF16, F16) leave memory once the pass is past them, so that a run holds
  // one block's floats, not the whole model's; read again, they are converted again.
  options.after_reading = [&](int block, Eigen::Index first, Eigen::Index rows) {
    if (block == ForwardOptions::kOutput) {
      state_dict.release(unchecked.output_embedding, first, rows);
    } else if (block >= 0) {
      for (const std::string& key : unchecked.blocks[static_cast<size_t>(block)])
        state_dict.release(key, 0, state_dict.shape(key).front());
      checked[static_cast<size_t>(block)] = 0;
    }
  };
  // The heads are scored on the whole text: with --generate, once the new tokens are written.
  const int unread = stand_in_id(model.vocab);
  PatternTargets targets;
  const auto find_targets = [&] {
    targets = pattern_targets(result.ids, read_as(reading, model, result), unread);
  };
  const LayerVisitor visit = [&](int l, const LayerTrace& layer) {
    score_layer(l, layer.attention, targets, result);
    if (rollout) rollout_step(result.rollout, layer.attention);
  };
  ForwardTrace trace;
  if (request.generate > 0) {
    trace = write_more(request, reading, model, options, visit, find_targets, result);
  } else {
    find_targets();
    trace = forward_sliding(model, result.ids, options, visit);
  }
  withhold_labels(request, unread, result);
  induction_test(request, model, options, result);
  // What the result keeps of the weights, converted again if the pass let it go: the first
  // shown layer and the text's embeddings (--explain shows them).
  options.before_reading(layers.front(), 0, 0);
  for (const int id : result.ids) options.before_reading(ForwardOptions::kTokenEmbedding, id, 1);
  if (request.outputs.model_file) result.model_file = model_file(state_dict, model);
  keep_outputs(request, reading, model, layers, trace, result);
  describe_run(request, result);
  result.info.file_type = file_type;
  if (cropped || result.generation) {  // the text that ran, and what the model wrote
    std::string text;
    for (const std::string& token : result.tokens) text += token;
    result.info.text =
        (cropped ? "…" : "") +
        (reading.bpe ? utf8::replace_invalid(reading.bpe->decode(result.ids)) : text);
  }
  keep_means(request, result);
  return result;
}

}  // namespace attnviz
