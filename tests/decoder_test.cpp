// The decoders after GPT-2 from Hugging Face folders against PyTorch references of transformers'
// modeling files (reference/make_hf_models.py, hf_reference.py): every layer's attention weights
// within 2e-5, the residual stream and logits within 1e-4 relative, the same top-5 guesses — for
// Llama, Mistral, Qwen2, Qwen3, Gemma, Gemma 2 and Gemma 3; then the same rows from the cache,
// the same bits from the heads' projections multiplied whole (and nanoGPT's and GPT-2's c_attn),
// and each config.json field that is wrong.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "attnviz/compute/compute.hpp"
#include "attnviz/formats/model_folder.hpp"
#include "attnviz/model/analysis.hpp"
#include "attnviz/model/attention.hpp"
#include "attnviz/model/generate.hpp"
#include "attnviz/model/transformer.hpp"
#include "attnviz/strings.hpp"
#include "reference_util.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

using test::json;

const std::string kFolders = ATTNVIZ_REFERENCE "/hf/";

// A folder's files, kept alive with the state dict that views them.
struct Folder {
  std::string config;
  std::vector<std::string> bytes;  // the weights file, then each shard
  std::unique_ptr<StateDict> state_dict;
  ModelSettings settings;
};

std::unique_ptr<Folder> open_folder(const std::string& name) {
  auto f = std::make_unique<Folder>();
  const ModelFolder files = find_model_files(kFolders + name);
  f->config = test::slurp(*files.config);
  f->settings = parse_model_config(f->config, *files.config);
  f->bytes.push_back(test::slurp(files.weights));
  if (ends_with(files.weights, ".index.json")) {
    std::vector<Shard> shards;
    const auto names = shard_files(f->bytes.front(), files.weights);
    f->bytes.reserve(names.size() + 1);
    for (const std::string& shard : names) {
      f->bytes.push_back(test::slurp(kFolders + name + "/" + shard));
      shards.push_back({shard, f->bytes.back()});
    }
    f->state_dict = open_sharded(f->bytes.front(), files.weights, shards);
  } else {
    f->state_dict = open_state_dict(f->bytes.front(), files.weights);
  }
  return f;
}

class Decoder : public ::testing::TestWithParam<std::string> {};

TEST_P(Decoder, EveryLayerAndTheLogitsEqualPyTorch) {
  const json expected = json::parse(test::slurp(kFolders + GetParam() + ".expected.json"));
  const auto folder = open_folder(GetParam());
  std::vector<Words> warnings;
  const Transformer model = load_transformer(*folder->state_dict, folder->settings, warnings);
  EXPECT_EQ(test::english(warnings), std::vector<std::string>{});
  EXPECT_EQ(family_id(model.family),
            expected["model_type"] == "gemma3_text" ? "gemma3" : expected["model_type"]);
  ASSERT_EQ(model.n_layer(), static_cast<int>(expected["layers"].size()));
  const Weights& first = model.blocks.front().attention;
  EXPECT_EQ(first.n_head(), expected["n_head"].get<int>());
  const int n_kv = expected["n_kv_head"];
  EXPECT_EQ(first.n_kv_head, n_kv == first.n_head() ? 0 : n_kv);

  const std::vector<int> ids = expected["ids"];
  ForwardOptions keep;
  keep.keep_blocks = true;
  keep.keep_scores = true;
  const ForwardTrace trace = forward(model, ids, keep);
  float weights = 0, residual = 0;
  for (int l = 0; l < model.n_layer(); ++l) {
    const json& layer = expected["layers"][static_cast<size_t>(l)];
    const LayerTrace& got = trace.layers[static_cast<size_t>(l)];
    ASSERT_EQ(got.attention.heads.size(), layer["heads"].size());
    for (size_t h = 0; h < got.attention.heads.size(); ++h) {
      weights = std::max(weights,
                         test::max_difference(got.attention.heads[h].weights, layer["heads"][h]));
    }
    residual = std::max({residual, test::max_difference(got.block.x_mid, layer["x_mid"]),
                         test::max_difference(got.block.mlp_out, layer["mlp_out"]),
                         test::max_difference(got.block.x_out, layer["x_out"])});
  }
  const float logits = test::max_difference(trace.logits, expected["logits"]);
  std::printf("  %-8s weights %.2e, residual %.2e, logits %.2e\n", GetParam().c_str(), weights,
              residual, logits);
  EXPECT_LE(weights, 2e-5f);
  EXPECT_LE(residual, 1e-4f);
  EXPECT_LE(logits, 1e-4f);

  // The guesses as a run makes them, in vocabulary slabs with no logits kept.
  ForwardOptions streamed;
  streamed.keep_logits = false;
  streamed.top_k = 5;
  const ForwardTrace run = forward(model, ids, streamed);
  float p = 0;
  for (size_t t = 0; t < ids.size(); ++t) {
    const json& want = expected["predictions"][t];
    for (size_t r = 0; r < want.size(); ++r) {
      EXPECT_EQ(run.predictions[t][r].id, want[r]["id"].get<int>()) << "position " << t;
      p = std::max(p, std::abs(run.predictions[t][r].p - want[r]["p"].get<float>()));
    }
  }
  EXPECT_LE(p, 2e-5f);
}

// Grouped heads share their group's keys and values; the masked cells (the future, and the keys
// a sliding window leaves out) are exactly 0 and every row sums to 1.
TEST_P(Decoder, GroupsShareKeysAndTheMaskIsExact) {
  const auto folder = open_folder(GetParam());
  std::vector<Words> warnings;
  const Transformer model = load_transformer(*folder->state_dict, folder->settings, warnings);
  const json expected = json::parse(test::slurp(kFolders + GetParam() + ".expected.json"));
  const std::vector<int> ids = expected["ids"];
  const ForwardTrace trace = forward(model, ids);
  for (size_t l = 0; l < trace.layers.size(); ++l) {
    const AttentionTrace& a = trace.layers[l].attention;
    const Weights& w = model.blocks[l].attention;
    EXPECT_EQ(a.window, w.window);
    for (int h = 0; h < w.n_head(); ++h) {
      const HeadTrace& head = a.heads[static_cast<size_t>(h)];
      const int group = w.n_kv_head > 0 ? w.n_head() / w.n_kv_head : 1;
      const int owner = h - h % group;
      EXPECT_EQ(w.kv_head(h), h / group);
      EXPECT_EQ(head.k, a.heads[static_cast<size_t>(owner)].k);
      EXPECT_EQ(head.v, a.heads[static_cast<size_t>(owner)].v);
      for (Eigen::Index i = 0; i < head.weights.rows(); ++i) {
        EXPECT_NEAR(head.weights.row(i).sum(), 1.0f, 1e-5f);
        for (Eigen::Index j = 0; j < head.weights.cols(); ++j) {
          if (a.masked(i, j)) {
            EXPECT_EQ(head.weights(i, j), 0.0f) << i << "," << j;
          }
        }
      }
    }
  }
}

// Generation reads each new row from the cache (one k and v per key/value head, each turned to
// its position): its attention rows and logits equal a whole pass over the same tokens.
TEST_P(Decoder, CachedRowsEqualAWholePass) {
  const auto folder = open_folder(GetParam());
  std::vector<Words> warnings;
  const Transformer model = load_transformer(*folder->state_dict, folder->settings, warnings);
  const json expected = json::parse(test::slurp(kFolders + GetParam() + ".expected.json"));
  const std::vector<int> ids = expected["ids"];
  const std::vector<int> prompt(ids.begin(), ids.begin() + 20);
  GenerateOptions options;
  options.new_tokens = 12;
  options.sampling = {1.0, 0, 1.0};
  ForwardOptions keep;
  const Generation g = generate(model, prompt, options, keep);
  ASSERT_EQ(g.ids.size(), prompt.size() + 12);
  const ForwardTrace whole = forward(model, g.ids);
  float worst = 0, logits = 0;
  for (size_t l = 0; l < whole.layers.size(); ++l) {
    for (size_t h = 0; h < whole.layers[l].attention.heads.size(); ++h) {
      worst = std::max(worst, (g.trace.layers[l].attention.heads[h].weights -
                               whole.layers[l].attention.heads[h].weights)
                                  .cwiseAbs()
                                  .maxCoeff());
    }
  }
  for (Eigen::Index s = 0; s < g.trace.logits.rows(); ++s) {
    const Eigen::Index row = static_cast<Eigen::Index>(prompt.size()) - 1 + s;
    logits =
        std::max(logits, (g.trace.logits.row(s) - whole.logits.row(row)).cwiseAbs().maxCoeff() /
                             std::max(1.0f, whole.logits.row(row).cwiseAbs().maxCoeff()));
  }
  std::printf("  %-8s cache against a whole pass: weights %.2e, logits %.2e\n", GetParam().c_str(),
              worst, logits);
  // A new row's products sum in another order than the whole pass's tiles (dot_rows): float32
  // rounding, sharpened by peaked heads.
  EXPECT_LE(worst, 5e-6f);
  EXPECT_LE(logits, 5e-6f);
}

// Each head's q, k and v cut from the projections multiplied whole (Weights::joined: one product
// for every head, which a new token reads as one stream) are the bits a product per head gives:
// a forward pass's q, k, v, weights and logits, and a generation's tokens, rows and logits, on
// one thread and on two.
void expect_joined_as_each_head(const Transformer& joined, const std::vector<int>& prompt) {
  Transformer alone = joined;
  for (Block& block : alone.blocks) {
    ASSERT_FALSE(block.attention.joined.empty());  // the loader joined them
    block.attention.joined.clear();
  }
  GenerateOptions options;
  options.new_tokens = 6;
  options.sampling = {1.0, 0, 1.0};
  ForwardOptions keep;
  keep.keep_scores = true;
  for (const int threads : {1, 2}) {
    SCOPED_TRACE(std::to_string(threads) + " threads");
    const Compute compute(ComputeSettings{threads, ""});
    const ComputeScope scope(compute);
    const ForwardTrace a = forward(joined, prompt, keep), b = forward(alone, prompt, keep);
    EXPECT_EQ(a.logits, b.logits);
    for (size_t l = 0; l < b.layers.size(); ++l) {
      for (size_t h = 0; h < b.layers[l].attention.heads.size(); ++h) {
        const HeadTrace &x = a.layers[l].attention.heads[h], &y = b.layers[l].attention.heads[h];
        EXPECT_EQ(x.q, y.q) << "layer " << l << " head " << h;
        EXPECT_EQ(x.k, y.k) << "layer " << l << " head " << h;
        EXPECT_EQ(x.v, y.v) << "layer " << l << " head " << h;
        EXPECT_EQ(x.weights, y.weights) << "layer " << l << " head " << h;
      }
    }
    const Generation g = generate(joined, prompt, options, keep);
    const Generation f = generate(alone, prompt, options, keep);
    EXPECT_EQ(g.ids, f.ids);
    EXPECT_EQ(g.trace.logits, f.trace.logits);
    for (size_t l = 0; l < f.trace.layers.size(); ++l) {
      for (size_t h = 0; h < f.trace.layers[l].attention.heads.size(); ++h) {
        EXPECT_EQ(g.trace.layers[l].attention.heads[h].weights,
                  f.trace.layers[l].attention.heads[h].weights)
            << "layer " << l << " head " << h;
      }
    }
  }
}

// q_proj, k_proj and v_proj (grouped, with biases, normed, turned, as each family has them).
TEST_P(Decoder, JoinedProjectionsGiveEachHeadsBits) {
  const auto folder = open_folder(GetParam());
  std::vector<Words> warnings;
  const Transformer model = load_transformer(*folder->state_dict, folder->settings, warnings);
  const std::vector<int> ids =
      json::parse(test::slurp(kFolders + GetParam() + ".expected.json"))["ids"];
  expect_joined_as_each_head(model, std::vector<int>(ids.begin(), ids.begin() + 12));
}

// c_attn: nanoGPT's nn.Linear rows and GPT-2's Conv1D columns, each head's q, k and v a block.
TEST(JoinedProjections, GiveEachHeadsBitsInNanoGptAndGpt2) {
  for (const char* file : {"nanogpt.safetensors", "gpt2_hf.safetensors"}) {
    SCOPED_TRACE(file);
    const std::string bytes = test::slurp(std::string(ATTNVIZ_REFERENCE "/models/") + file);
    const auto state_dict = open_state_dict(bytes, file);
    std::vector<Words> warnings;
    expect_joined_as_each_head(load_transformer(*state_dict, {}, warnings), {1, 2, 3, 4, 5, 6});
  }
}

// A config.json that disagrees with the tensors, and tensors without their config: each one line
// naming the file, the tensor and what was expected.
TEST(DecoderLoad, EachDisagreementIsNamed) {
  const auto error_with = [](const std::string& name,
                             const std::function<void(test::json&)>& edit) {
    const auto folder = open_folder(name);
    json config = json::parse(folder->config);
    edit(config);
    const ModelSettings settings = parse_model_config(config.dump(), "config.json");
    return test::error_of([&] {
      std::vector<Words> warnings;
      load_transformer(*folder->state_dict, settings, warnings);
    });
  };
  const std::string file = kFolders + "llama/model.safetensors";
  EXPECT_EQ(
      error_with("llama", [](json& c) { c["num_hidden_layers"] = 3; }),
      file +
          ": num_hidden_layers is 3 but the file has 2 blocks (model.layers.0. … model.layers.1.)");
  EXPECT_EQ(error_with("llama", [](json& c) { c["vocab_size"] = 60; }),
            file + ": config.json says vocab_size = 60, but \"model.embed_tokens.weight\" has " +
                std::to_string(json::parse(open_folder("llama")->config)["vocab_size"].get<int>()) +
                " rows");
  EXPECT_EQ(error_with("llama", [](json& c) { c["num_key_value_heads"] = 4; }),
            file +
                ": \"model.layers.0.self_attn.k_proj.weight\" has shape 24×48, expected 48×48 "
                "(num_key_value_heads·head_dim × hidden_size)");
  EXPECT_EQ(error_with("llama", [](json& c) { c["intermediate_size"] = 64; }),
            file +
                ": \"model.layers.0.mlp.gate_proj.weight\" has shape 96×48, expected 64×48 "
                "(intermediate_size × hidden_size)");
  EXPECT_EQ(error_with("llama", [](json& c) { c["model_type"] = "qwen3"; }),
            file + ": missing tensor \"model.layers.0.self_attn.q_norm.weight\"");
  EXPECT_EQ(error_with("qwen2", [](json& c) { c["tie_word_embeddings"] = false; }),
            kFolders + "qwen2/model.safetensors: missing tensor \"lm_head.weight\"");
  EXPECT_EQ(error_with("llama", [](json& c) { c["hidden_act"] = "mish"; }),
            file +
                ": hidden_act \"mish\" is not supported; attnviz computes silu, "
                "gelu_pytorch_tanh, gelu_new, gelu and relu");
  // The weights alone: a decoder's tensors need the folder's config.json.
  const std::string bytes = test::slurp(file);
  const auto alone = open_state_dict(bytes, "model.safetensors");
  EXPECT_EQ(test::error_of([&] {
              std::vector<Words> warnings;
              load_transformer(*alone, ModelSettings{}, warnings);
            }),
            "model.safetensors: holds a Llama-style decoder "
            "(\"model.layers.0.self_attn.q_proj.weight\"), which needs its folder's config.json: "
            "give the folder to --weights");
}

INSTANTIATE_TEST_SUITE_P(PyTorch, Decoder, ::testing::ValuesIn(test::expected_names(kFolders)));

}  // namespace
}  // namespace attnviz
