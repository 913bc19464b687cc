// Generation: torch.multinomial's draws bit for bit; the shipped model writing the tokens PyTorch
// writes with nanoGPT's and gpt.py's rules, top-p and greedy, and a nanoGPT, a gpt.py and a GPT-2
// model with their own code's defaults (reference/make_generation.py); the key/value cache's rows
// equal to a full forward pass over the same tokens.
#include "attnviz/model/generate.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "attnviz/formats/shipped_models.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "reference_util.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

using test::json;

const json& expected() {
  static const json fixture =
      json::parse(test::slurp(ATTNVIZ_REFERENCE "/generation.expected.json"));
  return fixture;
}

Transformer load(std::string_view bytes, const std::string& name) {
  const auto state_dict = open_state_dict(bytes, name);
  std::vector<Words> warnings;
  return load_transformer(*state_dict, {}, warnings);
}

const Transformer& az() {
  static const Transformer model = load(find_shipped_model("az")->bytes, "az.safetensors");
  return model;
}

TEST(Sampling, MultinomialDrawsAsPyTorch) {
  for (const json& c : expected()["draws"]) {
    const std::vector<float> p = c["p"].get<std::vector<float>>();
    TorchGenerator generator(c["seed"].get<uint64_t>());
    std::vector<int> picks;
    for (size_t k = 0; k < c["picks"].size(); ++k) picks.push_back(multinomial_one(p, generator));
    EXPECT_EQ(picks, c["picks"].get<std::vector<int>>()) << p.size() << " probabilities";
  }
}

// The shipped model, or a model fixture of another family (its bytes kept: the model's matrices
// may be views of them).
const Transformer& model_of(const std::string& name) {
  struct Loaded {
    std::string bytes;
    Transformer model;
  };
  static std::map<std::string, std::unique_ptr<Loaded>> loaded;
  if (name == "az") return az();
  auto& entry = loaded[name];
  if (!entry) {
    entry = std::make_unique<Loaded>();
    entry->bytes = test::slurp(ATTNVIZ_REFERENCE "/" + name);
    entry->model = load(entry->bytes, name);
  }
  return entry->model;
}

TEST(Sampling, EveryFamilyWritesWhatPyTorchWrites) {
  ASSERT_EQ(az().block_size, expected()["block_size"].get<int>());
  for (const json& c : expected()["cases"]) {
    const Transformer& model = model_of(c["model"]);
    GenerateOptions options;
    options.new_tokens = c["new_tokens"];
    options.seed = c["seed"];
    options.sampling = {c["temperature"], c["top_k"], c["top_p"]};
    const std::vector<int> prompt = c["prompt_ids"].get<std::vector<int>>();
    ForwardOptions keep;
    keep.keep_logits = true;
    const Generation g = generate(model, prompt, options, keep);
    std::vector<int> written(g.ids.begin() + static_cast<long>(prompt.size()), g.ids.end());
    std::string text;
    for (const int id : written) text += model.vocab[static_cast<size_t>(id)];
    EXPECT_EQ(written, c["ids"].get<std::vector<int>>()) << c["name"] << ": " << text;
    ASSERT_EQ(g.steps.size(), written.size());
    // The distributions drawn from: the same tokens left in, the same probabilities.
    float worst = 0;
    for (size_t s = 0; s < c["distributions"].size(); ++s) {
      const json& d = c["distributions"][s];
      const std::vector<float> p =
          sampling_distribution(&g.trace.logits(static_cast<Eigen::Index>(s), 0),
                                static_cast<int>(g.trace.logits.cols()), options.sampling);
      std::vector<int> nonzero;
      for (size_t i = 0; i < p.size(); ++i) {
        if (p[i] != 0) nonzero.push_back(static_cast<int>(i));
      }
      ASSERT_EQ(nonzero, d["ids"].get<std::vector<int>>()) << c["name"] << " step " << s;
      for (size_t k = 0; k < nonzero.size(); ++k)
        worst = std::max(worst, std::abs(p[size_t(nonzero[k])] - d["p"][k].get<float>()));
    }
    std::printf("  %-10s %3zu tokens, probabilities within %.1e\n",
                c["name"].get<std::string>().c_str(), written.size(), worst);
    EXPECT_LE(worst, 2e-6f) << c["name"];
    // Each step names the token it wrote among its candidates, and where its context began.
    for (size_t s = 0; s < g.steps.size(); ++s) {
      const auto& cands = g.steps[s].choice.candidates;
      EXPECT_TRUE(std::any_of(cands.begin(), cands.end(),
                              [&](const Candidate& k) { return k.id == written[s]; }));
      const auto context = static_cast<Eigen::Index>(prompt.size() + s);
      EXPECT_EQ(g.steps[s].first_key, std::max<Eigen::Index>(0, context - model.block_size));
    }
  }
}

// Every new token's rows — attention in every layer and head, and the logits it chose from —
// equal those of one forward pass over the same tokens (forward_sliding past the context).
void expect_rows_of_a_full_pass(const Transformer& model, const std::vector<int>& prompt, int n,
                                float tolerance) {
  GenerateOptions options;
  options.new_tokens = n;
  options.seed = 5;
  ForwardOptions keep;
  keep.keep_logits = true;
  keep.top_k = 3;
  const Generation g = generate(model, prompt, options, keep);
  ASSERT_EQ(g.ids.size(), prompt.size() + static_cast<size_t>(n));
  ForwardOptions whole;
  whole.keep_scores = false;
  whole.top_k = 3;
  const ForwardTrace full = forward_sliding(model, g.ids, whole);
  const auto T = static_cast<Eigen::Index>(g.ids.size());
  const auto P = static_cast<Eigen::Index>(prompt.size());
  float weights = 0, logits = 0;
  for (size_t l = 0; l < full.layers.size(); ++l) {
    const AttentionTrace& a = full.layers[l].attention;
    const AttentionTrace& b = g.trace.layers[l].attention;
    EXPECT_EQ(a.window, b.window);
    for (size_t h = 0; h < a.heads.size(); ++h) {
      ASSERT_EQ(b.heads[h].weights.rows(), T);
      weights = std::max(weights, (a.heads[h].weights - b.heads[h].weights).cwiseAbs().maxCoeff());
    }
  }
  // Row P − 1 + s of the full pass's logits is what step s chose from.
  logits = (full.logits.bottomRows(T - P + 1) - g.trace.logits).cwiseAbs().maxCoeff();
  std::printf("  T %ld (context %d): weights within %.1e, logits within %.1e\n",
              static_cast<long>(T), model.block_size, weights, logits);
  EXPECT_LE(weights, tolerance);
  EXPECT_LE(logits, 10 * tolerance);
  ASSERT_EQ(g.trace.predictions.size(), full.predictions.size());
  for (size_t t = 0; t < full.predictions.size(); ++t)
    EXPECT_EQ(g.trace.predictions[t].front().id, full.predictions[t].front().id) << t;
}

TEST(Generation, EachNewRowEqualsAFullForwardPass) {
  const std::vector<int> prompt = {5, 17, 30, 2, 44};
  expect_rows_of_a_full_pass(az(), prompt, 40, 4e-6f);  // 45 tokens: every row from the cache
  expect_rows_of_a_full_pass(az(), prompt, 90, 4e-6f);  // past the 64-token context
  std::vector<int> long_prompt(70, 8);                  // a prompt already past it
  expect_rows_of_a_full_pass(az(), long_prompt, 3, 4e-6f);
  // nanoGPT with biases and gpt.py (separate heads, lm_head's bias) from the model fixtures.
  for (const char* file : {"nanogpt.safetensors", "gptpy.safetensors"}) {
    const std::string bytes = test::slurp(std::string(ATTNVIZ_REFERENCE "/models/") + file);
    expect_rows_of_a_full_pass(load(bytes, file), {1, 2, 3}, 20, 4e-6f);
  }
}

TEST(Generation, GreedyDrawsNothingAndTemperatureReshapes) {
  const std::vector<float> logits = {1.0f, 3.0f, 2.0f, 3.0f};
  EXPECT_EQ(sampling_distribution(logits.data(), 4, {0.0, 0, 1.0}),
            (std::vector<float>{0, 1, 0, 0}));  // a tie goes to the lower id
  const std::vector<float> hot = sampling_distribution(logits.data(), 4, {2.0, 0, 1.0});
  const std::vector<float> cold = sampling_distribution(logits.data(), 4, {0.5, 0, 1.0});
  EXPECT_GT(hot[0], cold[0]);
  EXPECT_NEAR(hot[0] + hot[1] + hot[2] + hot[3], 1.0f, 1e-6f);
  // top-k 1 keeps both logits equal to the largest; top-p keeps the fewest reaching p.
  const std::vector<float> k1 = sampling_distribution(logits.data(), 4, {1.0, 1, 1.0});
  EXPECT_EQ(k1[0], 0.0f);
  EXPECT_EQ(k1[2], 0.0f);
  EXPECT_EQ(k1[1], k1[3]);
  const std::vector<float> p = sampling_distribution(logits.data(), 4, {1.0, 0, 0.5});
  EXPECT_EQ(std::count(p.begin(), p.end(), 0.0f), 2);
  TorchGenerator generator(1);
  const Choice greedy = choose_next(logits.data(), 4, {0.0, 0, 1.0}, generator, 2);
  EXPECT_EQ(greedy.id, 1);
  EXPECT_EQ(generator.random(), TorchGenerator(1).random());  // nothing was drawn
  ASSERT_EQ(greedy.candidates.size(), 2u);
  EXPECT_EQ(greedy.candidates[0].id, 1);
  EXPECT_EQ(greedy.candidates[1].id, 3);
  EXPECT_EQ(greedy.candidates[0].p_sampled, 1.0f);
}

}  // namespace
}  // namespace attnviz
