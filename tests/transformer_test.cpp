// Whole models against PyTorch (reference/make_models.py): every layer's attention weights within
// 2e-5 and the logits within 1e-4 relative, for nanoGPT, GPT-2 as Hugging Face stores it and
// gpt.py; and each way a whole-model file can be wrong.
#include "attnviz/model/transformer.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>

#include "attnviz/formats/model_folder.hpp"
#include "attnviz/io/io.hpp"
#include "attnviz/model/analysis.hpp"
#include "reference_util.hpp"
#include "safetensors_edit.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

using test::json;

const std::string kModels = ATTNVIZ_REFERENCE "/models/";

json expected_of(const std::string& name) {
  return json::parse(test::slurp(kModels + name + ".expected.json"));
}

class ModelFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(ModelFixture, EveryLayerAndTheLogitsEqualPyTorch) {
  const json expected = expected_of(GetParam());
  const std::vector<int> ids = expected["ids"].get<std::vector<int>>();
  for (const auto& file : expected["files"]) {
    const std::string bytes = test::slurp(kModels + file.get<std::string>());
    const auto state_dict = open_state_dict(bytes, file.get<std::string>());
    // A Hugging Face folder's settings come from its config.json (n_head for c_attn).
    const std::string config = kModels + GetParam() + ".config.json";
    const ModelSettings settings = std::filesystem::exists(config)
                                       ? parse_model_config(test::slurp(config), config)
                                       : ModelSettings{};
    std::vector<Words> warnings;
    const Transformer model = load_transformer(*state_dict, settings, warnings);
    EXPECT_EQ(test::english(warnings), std::vector<std::string>{});  // buffers are expected keys
    const std::string family = expected["family"];
    EXPECT_EQ(model.family, family == "gpt2"     ? Family::Gpt2
                            : family == "gpt.py" ? Family::GptPy
                                                 : Family::NanoGpt);
    ASSERT_EQ(model.n_layer(), static_cast<int>(expected["layers"].size()));
    EXPECT_EQ(model.blocks.front().attention.n_head(), expected["n_head"].get<int>());

    ForwardOptions keep;
    keep.keep_blocks = true;
    const ForwardTrace trace = forward(model, ids, keep);
    float weights = 0, residual = 0;
    for (int l = 0; l < model.n_layer(); ++l) {
      const json& layer = expected["layers"][static_cast<size_t>(l)];
      const AttentionTrace& attention = trace.layers[static_cast<size_t>(l)].attention;
      ASSERT_EQ(attention.heads.size(), layer["heads"].size());
      for (size_t h = 0; h < attention.heads.size(); ++h) {
        weights =
            std::max(weights, test::max_difference(attention.heads[h].weights, layer["heads"][h]));
      }
      const BlockTrace& block = trace.layers[static_cast<size_t>(l)].block;
      residual = std::max({residual, test::max_difference(block.x_out, layer["x_out"]),
                           test::max_difference(block.x_mid, layer["x_mid"]),
                           test::max_difference(block.mlp_out, layer["mlp_out"])});
    }
    // GPT-2's 50 257-token vocabulary: the fixture keeps the logits from "logits_from" on.
    const auto from = expected["logits_from"].get<Eigen::Index>();
    const float logits = test::max_difference(trace.logits.bottomRows(trace.logits.rows() - from),
                                              expected["logits"]);
    std::printf("  %-28s weights %.2e, residual %.2e, logits %.2e\n",
                file.get<std::string>().c_str(), weights, residual, logits);
    EXPECT_LE(weights, 2e-5f);
    EXPECT_LE(residual, 1e-4f);
    EXPECT_LE(logits, 1e-4f);

    // The next-token guesses: the same five tokens in the same order, probabilities within 2e-5,
    // from the whole logits and as a run makes them (vocabulary slabs, no layer kept, rollout
    // step by step as each layer goes by).
    ForwardOptions streamed;
    streamed.keep_layer.assign(model.blocks.size(), false);
    streamed.keep_logits = false;
    streamed.top_k = 5;
    // A padded vocabulary (nanoGPT's 50 304 for GPT-2's 50 257): the padding is never guessed.
    streamed.guess_ids = expected.value("guess_ids", 0);
    Matrix rolled;
    int seen = 0;
    const ForwardTrace run = forward(model, ids, streamed, [&](int l, const LayerTrace& layer) {
      EXPECT_EQ(l, seen++);
      rollout_step(rolled, layer.attention);
    });
    EXPECT_EQ(seen, model.n_layer());
    EXPECT_EQ(run.logits.size(), 0);
    for (const LayerTrace& layer : run.layers) EXPECT_TRUE(layer.attention.heads.empty());
    float p = 0;
    std::vector<std::vector<std::vector<Prediction>>> both = {run.predictions};
    if (streamed.guess_ids == 0) both.push_back(top_predictions(trace.logits, 5));
    for (const auto& predictions : both) {
      ASSERT_EQ(predictions.size(), ids.size());
      for (size_t t = 0; t < ids.size(); ++t) {
        const json& want = expected["predictions"][t];
        ASSERT_EQ(predictions[t].size(), want.size());
        for (size_t r = 0; r < want.size(); ++r) {
          EXPECT_EQ(predictions[t][r].id, want[r]["id"].get<int>()) << "position " << t;
          p = std::max(p, std::abs(predictions[t][r].p - want[r]["p"].get<float>()));
        }
      }
    }
    if (streamed.guess_ids > 0) {  // the fixture's padding would be guessed, were it allowed
      bool padding = false;
      for (const auto& row : top_predictions(trace.logits, 5)) {
        for (const Prediction& guess : row) padding |= guess.id >= streamed.guess_ids;
      }
      EXPECT_TRUE(padding);
    }
    EXPECT_LE(test::max_difference(rolled, expected["rollout"]), 2e-5f);
    // Attention rollout through every layer.
    std::vector<const AttentionTrace*> layers;
    for (const LayerTrace& layer : trace.layers) layers.push_back(&layer.attention);
    const float rollout = test::max_difference(attention_rollout(layers), expected["rollout"]);
    std::printf("  %-28s predictions %.2e, rollout %.2e\n", "", p, rollout);
    EXPECT_LE(p, 2e-5f);
    EXPECT_LE(rollout, 2e-5f);
  }
}

INSTANTIATE_TEST_SUITE_P(PyTorch, ModelFixture, ::testing::ValuesIn(test::expected_names(kModels)));

// An F32 file's matrices are used where they lie in its bytes (views, never copies), GPT-2's
// Conv1D ones included; F16 ones are converted once.
TEST(WholeModel, F32MatricesAreViewsOfTheFileAndF16OnesAreConverted) {
  for (const auto& [file, viewed] : {std::pair{"gpt2_hf.safetensors", true},
                                     {"nanogpt.safetensors", true},
                                     {"gpt2_bpe.safetensors", false}}) {
    const std::string bytes = test::slurp(kModels + file);
    const auto state_dict = open_state_dict(bytes, file);
    const std::string config = kModels + "gpt2_bpe.config.json";
    const ModelSettings settings =
        viewed ? ModelSettings{} : parse_model_config(test::slurp(config), config);
    std::vector<Words> warnings;
    const Transformer model = load_transformer(*state_dict, settings, warnings);
    std::vector<const Tensor*> matrices = {&model.token_embedding, &model.position_embedding};
    for (const Block& b : model.blocks) {
      for (const HeadWeights& h : b.attention.heads) {
        matrices.insert(matrices.end(), {&h.query, &h.key, &h.value});
      }
      matrices.insert(matrices.end(),
                      {&b.attention.proj_weight, &b.mlp.fc_weight, &b.mlp.proj_weight});
    }
    for (const Tensor* m : matrices) {
      const auto* at = reinterpret_cast<const char*>(m->data());
      const bool inside = at >= bytes.data() && at < bytes.data() + bytes.size();
      EXPECT_EQ(inside, viewed) << file;
      EXPECT_EQ(m->owned(), !viewed) << file;
    }
  }
}

// A file whose data is not aligned for float (a header not padded to 8 bytes) runs as the padded
// one does, bit for bit: its matrices are converted as the pass reaches them, and a pass cut
// short converts none of the blocks it does not run.
TEST(WholeModel, AnUnalignedFileRunsAsTheAlignedOneConvertingOnlyWhatThePassReads) {
  const std::string aligned = test::slurp(kModels + "gpt2_hf.safetensors");
  std::string unaligned = test::unaligned(aligned);
  unaligned.reserve(unaligned.size() + 16);
  const std::vector<int> ids = {1, 2, 3, 4, 5, 6};
  std::vector<ForwardTrace> traces;
  for (const std::string* bytes : {&aligned, static_cast<const std::string*>(&unaligned)}) {
    const auto state_dict = open_state_dict(*bytes, "m.safetensors");
    std::vector<Words> warnings;
    UncheckedKeys unchecked;
    const Transformer model = load_transformer(*state_dict, {}, warnings, &unchecked);
    const bool in_place = bytes == &aligned;
    EXPECT_EQ(model.blocks[1].mlp.fc_weight.owned(), !in_place);
    ForwardOptions options;
    options.top_k = 3;
    options.before_reading = [&](int block, Eigen::Index first, Eigen::Index rows) {
      if (block == ForwardOptions::kOutput) {
        state_dict->check_finite(unchecked.output_embedding, first, rows);
      } else if (block == ForwardOptions::kTokenEmbedding) {
        state_dict->check_finite(unchecked.token_embedding, first, rows);
      } else if (block == ForwardOptions::kPositionEmbedding) {
        state_dict->check_finite(unchecked.position_embedding, first, rows);
      } else {
        for (const std::string& key : unchecked.blocks[static_cast<size_t>(block)])
          state_dict->check_finite(key, 0, state_dict->shape(key).front());
      }
    };
    traces.push_back(forward(model, ids, options));
    if (in_place) continue;
    // Block 1 was converted when the pass reached it: its values are the file's.
    const Tensor aligned_fc = [&] {
      const auto a = open_state_dict(aligned, "a.safetensors");
      return a->tensor("h.1.mlp.c_fc.weight", 2);
    }();
    EXPECT_TRUE(Matrix(model.blocks[1].mlp.fc_weight) == Matrix(aligned_fc));
  }
  EXPECT_TRUE(traces[0].logits == traces[1].logits);
  ASSERT_EQ(traces[0].predictions.size(), traces[1].predictions.size());
  for (size_t t = 0; t < traces[0].predictions.size(); ++t) {
    for (size_t k = 0; k < traces[0].predictions[t].size(); ++k) {
      EXPECT_EQ(traces[0].predictions[t][k].id, traces[1].predictions[t][k].id);
      EXPECT_EQ(traces[0].predictions[t][k].p, traces[1].predictions[t][k].p);
    }
  }
  for (size_t l = 0; l < traces[0].layers.size(); ++l) {
    for (size_t h = 0; h < traces[0].layers[l].attention.heads.size(); ++h) {
      EXPECT_TRUE(traces[0].layers[l].attention.heads[h].weights ==
                  traces[1].layers[l].attention.heads[h].weights)
          << "layer " << l << " head " << h;
    }
  }
}

// A NaN in a block of an unaligned file is found when the pass converts that block, named as in
// the aligned file; a pass cut short before it never reads it.
TEST(WholeModel, AnUnalignedFilesNaNIsFoundWhereThePassConvertsIt) {
  const std::string bytes = test::unaligned(
      test::with_nan(test::slurp(kModels + "gpt2_hf.safetensors"), "h.1.mlp.c_fc.weight", 3, 5));
  const auto state_dict = open_state_dict(bytes, "m.safetensors");
  std::vector<Words> warnings;
  UncheckedKeys unchecked;
  const Transformer model = load_transformer(*state_dict, {}, warnings, &unchecked);
  EXPECT_NO_THROW(state_dict->check_finite("h.0.mlp.c_fc.weight", 0, 4));
  const std::string error =
      test::error_of([&] { state_dict->check_finite("h.1.mlp.c_fc.weight", 0, 4); });
  EXPECT_NE(error.find("h.1.mlp.c_fc.weight"), std::string::npos) << error;
  EXPECT_NE(error.find("[3][5]"), std::string::npos) << error;
}

// A mapped file's checked pages leave memory at once (and a forward pass lets each block's go):
// tensors spanning whole pages (256 × 256 F32 projections) read back as the bytes in the file.
// (The same release over ordinary memory would zero them, which this test catches.)
TEST(WholeModel, CheckedPagesOfAMappedFileReadBackAsTheFile) {
  RandomInit init;
  init.n_embd = 256;
  init.n_head = 2;
  const std::string bytes = weights_to_safetensors(random_weights({"a", "b"}, init));
  const std::string path = ::testing::TempDir() + "attnviz_pages.safetensors";
  std::ofstream(path, std::ios::binary) << bytes;
  const io::FileBytes file(path, 1 << 20);
  ASSERT_TRUE(file.mapped());
  std::vector<Words> warnings;
  const Weights mapped =
      load_weights(*open_state_dict(file.view(), path, Limits{}, true), {}, warnings);
  const Weights copied = load_weights(*open_state_dict(bytes, path), {}, warnings);
  ASSERT_FALSE(mapped.heads[1].query.owned());
  EXPECT_TRUE(mapped.heads[1].query == copied.heads[1].query);
  EXPECT_TRUE(mapped.proj_weight == copied.proj_weight);
  EXPECT_TRUE(mapped.token_embedding == copied.token_embedding);
  std::remove(path.c_str());
}

// A pass cut short after block 0 gives block 0's weights bit for bit, and nothing after it; the
// hook sees each block before the pass reads it, then the output embedding slab by slab.
TEST(WholeModel, APassCutShortGivesTheSameLayersAndTheHookSeesEachPartFirst) {
  const std::string bytes = test::slurp(kModels + "gpt2_hf.safetensors");
  const auto state_dict = open_state_dict(bytes, "m.safetensors");
  std::vector<Words> warnings;
  UncheckedKeys unchecked;
  const Transformer model = load_transformer(*state_dict, {}, warnings, &unchecked);
  ASSERT_EQ(unchecked.blocks.size(), 2u);
  EXPECT_EQ(unchecked.blocks[1],
            (std::vector<std::string>{"h.1.attn.c_attn.weight", "h.1.attn.c_proj.weight",
                                      "h.1.mlp.c_fc.weight", "h.1.mlp.c_proj.weight"}));
  EXPECT_EQ(unchecked.output_embedding, "wte.weight");  // tied, as Hugging Face leaves it out
  const std::vector<int> ids = {1, 2, 3, 4, 5};
  ForwardOptions whole;
  whole.top_k = 3;
  std::vector<std::string> seen;
  whole.before_reading = [&](int block, Eigen::Index first, Eigen::Index rows) {
    seen.push_back(std::to_string(block) + ":" + std::to_string(first) + "+" +
                   std::to_string(rows));
  };
  const ForwardTrace all = forward(model, ids, whole);
  // Each id's row of the token embedding, the positions, each block, then the output embedding.
  const std::vector<std::string> embeddings = {"-2:1+1", "-2:2+1", "-2:3+1",
                                               "-2:4+1", "-2:5+1", "-3:0+5"};
  std::vector<std::string> want = embeddings;
  want.insert(want.end(), {"0:0+0", "1:0+0", "-1:0+38"});
  EXPECT_EQ(seen, want);
  EXPECT_EQ(all.predictions.size(), ids.size());
  ForwardOptions first = whole;
  first.n_layer = 1;
  seen.clear();
  const ForwardTrace cut = forward(model, ids, first);
  want = embeddings;
  want.push_back("0:0+0");
  EXPECT_EQ(seen, want);
  ASSERT_EQ(cut.layers.size(), 2u);
  for (size_t h = 0; h < all.layers[0].attention.heads.size(); ++h) {
    EXPECT_TRUE(cut.layers[0].attention.heads[h].weights ==
                all.layers[0].attention.heads[h].weights);
  }
  EXPECT_TRUE(cut.layers[1].attention.heads.empty());
  EXPECT_EQ(cut.logits.size(), 0);
  EXPECT_TRUE(cut.predictions.empty());
}

// Unchecked, a NaN in block 1 loads, and is an Error only when the check before block 1 comes;
// loaded the ordinary way, it is an Error at once.
TEST(WholeModel, ANaNInAMatrixIsFoundBeforeThePassReadsIt) {
  const std::string bytes =
      test::with_nan(test::slurp(kModels + "gpt2_hf.safetensors"), "h.1.mlp.c_fc.weight", 3, 7);
  const auto state_dict = open_state_dict(bytes, "m.safetensors");
  std::vector<Words> warnings;
  const std::string message =
      "m.safetensors: \"h.1.mlp.c_fc.weight\"[3][7] is NaN; weights must be finite";
  EXPECT_EQ(test::error_of([&] { load_transformer(*state_dict, {}, warnings); }), message);
  UncheckedKeys unchecked;
  const Transformer model = load_transformer(*state_dict, {}, warnings, &unchecked);
  ForwardOptions options;
  options.before_reading = [&](int block, Eigen::Index, Eigen::Index) {
    if (block < 0) return;
    for (const std::string& key : unchecked.blocks[static_cast<size_t>(block)])
      state_dict->check_finite(key, 0, state_dict->shape(key).front());
  };
  options.n_layer = 1;
  EXPECT_EQ(test::error_of([&] { forward(model, {1, 2}, options); }), "");
  options.n_layer = -1;
  EXPECT_EQ(test::error_of([&] { forward(model, {1, 2}, options); }), message);
  // Rows of a matrix are checked from where they start: row 3 of the whole is row 1 from 2.
  EXPECT_EQ(test::error_of([&] { state_dict->check_finite("h.1.mlp.c_fc.weight", 2, 2); }),
            message);
  EXPECT_EQ(test::error_of([&] { state_dict->check_finite("h.1.mlp.c_fc.weight", 4, 28); }), "");
  EXPECT_THROW(state_dict->check_finite("h.1.mlp.c_fc.weight", 30, 3), std::out_of_range);
}

// Properties that hold in every layer of a real model: rows sum to 1, the future is exactly 0.
TEST(Transformer, EveryLayersWeightsAreCausalDistributions) {
  const std::string bytes = test::slurp(kModels + "nanogpt.safetensors");
  std::vector<Words> warnings;
  const Transformer model =
      load_transformer(*open_state_dict(bytes, "m.safetensors"), {}, warnings);
  const ForwardTrace trace = forward(model, {1, 2, 3, 4, 5, 6, 7});
  for (const LayerTrace& layer : trace.layers) {
    for (const HeadTrace& head : layer.attention.heads) {
      for (Eigen::Index i = 0; i < head.weights.rows(); ++i) {
        EXPECT_NEAR(head.weights.row(i).sum(), 1.0f, 1e-6f);
        for (Eigen::Index j = i + 1; j < head.weights.cols(); ++j)
          EXPECT_EQ(head.weights(i, j), 0.0f);
      }
    }
  }
  EXPECT_EQ(trace.logits.rows(), 7);
  EXPECT_EQ(trace.logits.cols(), model.vocab_size());
  // Rollout is causal too, and each row a distribution; predictions are sorted probabilities.
  std::vector<const AttentionTrace*> layers;
  for (const LayerTrace& layer : trace.layers) layers.push_back(&layer.attention);
  const Matrix rollout = attention_rollout(layers);
  for (Eigen::Index i = 0; i < rollout.rows(); ++i) {
    EXPECT_NEAR(rollout.row(i).sum(), 1.0f, 1e-5f);
    for (Eigen::Index j = i + 1; j < rollout.cols(); ++j) EXPECT_EQ(rollout(i, j), 0.0f);
  }
  for (const auto& top : top_predictions(trace.logits, 5)) {
    ASSERT_EQ(top.size(), 5u);
    for (size_t r = 1; r < top.size(); ++r) EXPECT_GE(top[r - 1].p, top[r].p);
  }
  EXPECT_EQ(top_predictions(trace.logits, 1000).front().size(),
            static_cast<size_t>(model.vocab_size()));  // k beyond the vocabulary: all of it
}

// The fixture as a weights JSON document, so that tests can break one part of it.
json as_json(const std::string& file) {
  const std::string bytes = test::slurp(kModels + file);
  const auto sd = open_state_dict(bytes, file);
  json doc = json::object();
  for (const std::string& key : sd->keys()) {
    const auto shape = sd->shape(key);
    if (shape.empty() || shape.size() > 2) continue;  // masked_bias, the 4-D mask buffers
    const Matrix m = sd->tensor(key, static_cast<int>(std::min<size_t>(shape.size(), 2)));
    if (shape.size() == 1) {
      doc[key] = std::vector<float>(m.data(), m.data() + m.size());
      continue;
    }
    json rows = json::array();
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
      rows.push_back(std::vector<float>(m.row(r).data(), m.row(r).data() + m.cols()));
    }
    doc[key] = rows;
  }
  doc["vocab"] = *sd->vocab();
  if (const auto n = sd->setting("n_head", 64)) doc["n_head"] = *n;
  return doc;
}

std::string load_error(const json& doc, const ModelSettings& settings = {}) {
  const std::string text = doc.dump();
  std::vector<Words> warnings;
  return test::error_of(
      [&] { load_transformer(*open_state_dict(text, "m.json"), settings, warnings); });
}

TEST(TransformerErrors, EachBrokenPartIsNamed) {
  const json gptpy = as_json("gptpy.safetensors");
  EXPECT_EQ(load_error(gptpy), "");
  json doc = gptpy;
  doc.erase("blocks.1.ffwd.net.2.weight");
  EXPECT_EQ(load_error(doc),
            "m.json: missing \"blocks.1.ffwd.net.2.weight\" (a 2-D array of numbers)");
  doc = gptpy;
  doc["blocks.1.ln2.weight"] = std::vector<float>(5, 1.0f);
  EXPECT_EQ(load_error(doc), "m.json: \"blocks.1.ln2.weight\" has shape 5, expected 32 (n_embd)");
  doc = gptpy;
  doc["vocab"] = std::vector<std::string>{"a", "b"};
  EXPECT_EQ(load_error(doc), "m.json: \"token_embedding_table.weight\" has " +
                                 std::to_string(gptpy["token_embedding_table.weight"].size()) +
                                 " rows but \"vocab\" has 2 entries; each token needs exactly "
                                 "one row");
  doc = gptpy;
  doc.erase("vocab");
  EXPECT_EQ(load_error(doc), "");  // the vocabulary may come with a tokenizer instead
  ModelSettings settings;
  settings.n_layer = 3;
  EXPECT_EQ(load_error(gptpy, settings),
            "m.json: n_layer is 3 but the file has 2 blocks (blocks.0. … blocks.1.)");
  settings = {};
  settings.activation = "swish";
  EXPECT_EQ(load_error(gptpy, settings),
            "m.json: activation_function \"swish\" is not supported; attnviz computes gelu_new, "
            "gelu and relu");
  settings = {};
  settings.scale_attn_by_inverse_layer_idx = true;
  EXPECT_NE(load_error(gptpy, settings).find("scale_attn_by_inverse_layer_idx is true"),
            std::string::npos);
  // A single attention module is not a whole model.
  EXPECT_EQ(load_error(json{{"query.weight", {{1.0}}}}).rfind("m.json: no transformer blocks", 0),
            0u);
}

TEST(TransformerErrors, AMissingTensorInALaterBlockOfNanoGpt) {
  json doc = as_json("nanogpt.safetensors");
  doc.erase("transformer.h.2.mlp.c_fc.bias");
  EXPECT_EQ(load_error(doc), "");  // biases are optional: nanoGPT's bias=False has none
  doc.erase("transformer.h.2.attn.c_proj.weight");
  EXPECT_EQ(load_error(doc),
            "m.json: missing \"transformer.h.2.attn.c_proj.weight\" (a 2-D array "
            "of numbers)");
}

}  // namespace
}  // namespace attnviz
