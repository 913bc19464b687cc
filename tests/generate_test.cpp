// Generation: torch.multinomial's draws bit for bit; the shipped model writing the tokens PyTorch
// writes with nanoGPT's and gpt.py's rules, top-p and greedy, and a nanoGPT, a gpt.py and a GPT-2
// model with their own code's defaults (reference/make_generation.py); the key/value cache's rows
// equal to a full forward pass over the same tokens.
#include "attnviz/model/generate.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "attnviz/formats/shipped_models.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/model/attention.hpp"
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
    const ShippedModel* shipped = find_shipped_model(name);
    entry->bytes =
        shipped ? std::string(shipped->bytes) : test::slurp(ATTNVIZ_REFERENCE "/" + name);
    entry->model = load(entry->bytes, shipped ? name + ".safetensors" : name);
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
  expect_rows_of_a_full_pass(model_of("az-long"), prompt, 260, 4e-6f);  // 4 layers, past 256
  // nanoGPT with biases and gpt.py (separate heads, lm_head's bias) from the model fixtures.
  for (const char* file : {"nanogpt.safetensors", "gptpy.safetensors"}) {
    const std::string bytes = test::slurp(std::string(ATTNVIZ_REFERENCE "/models/") + file);
    expect_rows_of_a_full_pass(load(bytes, file), {1, 2, 3}, 20, 4e-6f);
  }
}

// The step --explain walks (StepTrace): the same tokens as without it; its weights the very row
// the generation kept; its scores softmaxed giving them; its q, k and v those of one forward pass
// over the tokens its row read; its logits the step's; its draw the argmax of p / q.
void expect_step_explained(const std::vector<int>& prompt, int n, int step, double temperature,
                           int top_k) {
  SCOPED_TRACE("prompt " + std::to_string(prompt.size()) + ", step " + std::to_string(step));
  GenerateOptions options;
  options.new_tokens = n;
  options.sampling = {temperature, top_k, 1.0};
  ForwardOptions keep;
  keep.keep_logits = true;
  const Generation plain = generate(az(), prompt, options, keep);
  options.explain_step = step;
  const Generation g = generate(az(), prompt, options, keep);
  EXPECT_EQ(g.ids, plain.ids);
  const StepTrace& e = g.explained;
  ASSERT_EQ(e.step, step);
  const auto query = static_cast<Eigen::Index>(prompt.size()) + step - 2;
  EXPECT_EQ(e.query, query);
  EXPECT_EQ(e.first_key, g.steps[static_cast<size_t>(step - 1)].first_key);
  const Eigen::Index keys = query - e.first_key + 1;
  EXPECT_EQ(keys, std::min<Eigen::Index>(query + 1, az().block_size));

  ForwardOptions whole;
  whole.keep_scores = whole.keep_blocks = true;
  const std::vector<int> read(g.ids.begin() + e.first_key, g.ids.begin() + query + 1);
  const ForwardTrace full = forward(az(), read, whole);
  float qkv = 0;
  ASSERT_EQ(e.layers.size(), az().blocks.size());
  for (size_t l = 0; l < e.layers.size(); ++l) {
    const AttentionTrace& a = e.layers[l].attention;
    for (size_t h = 0; h < a.heads.size(); ++h) {
      const HeadTrace& head = a.heads[h];
      ASSERT_EQ(head.weights.cols(), keys);
      ASSERT_EQ(head.k.rows(), keys);
      const Matrix kept = g.trace.layers[l].attention.heads[h].weights.block(query, e.first_key, 1,
                                                                             keys);  // (1, keys)
      EXPECT_EQ(head.weights, kept);
      const Matrix again = masked_softmax(head.scores, a.scale, false);  // (1, keys)
      EXPECT_LE((again - head.weights).cwiseAbs().maxCoeff(), 1e-6f);
      const HeadTrace& f = full.layers[l].attention.heads[h];
      qkv = std::max({qkv, (head.q - f.q.bottomRows(1)).cwiseAbs().maxCoeff(),
                      (head.k - f.k).cwiseAbs().maxCoeff(), (head.v - f.v).cwiseAbs().maxCoeff()});
    }
    EXPECT_EQ(e.layers[l].block.hidden.rows(), 1);
  }
  EXPECT_LE(qkv, 4e-6f);
  const auto row = static_cast<Eigen::Index>(step - 1);
  const Matrix logits = Eigen::Map<const Matrix>(e.logits.data(), 1, g.trace.logits.cols());
  EXPECT_EQ(logits, g.trace.logits.row(row));
  const SamplingTrace& t = e.sampling;
  const int chosen = g.steps[static_cast<size_t>(step - 1)].choice.id;
  if (temperature <= 0) {
    EXPECT_TRUE(t.exponentials.empty());
    return;
  }
  ASSERT_EQ(t.ratios.size(), e.logits.size());
  EXPECT_EQ(std::max_element(t.ratios.begin(), t.ratios.end()) - t.ratios.begin(), chosen);
  const auto kept =
      std::count_if(t.filtered.begin(), t.filtered.end(), [](float f) { return std::isfinite(f); });
  if (top_k > 0) {
    EXPECT_EQ(kept, top_k);
  }
  for (const Candidate& c : g.steps[static_cast<size_t>(step - 1)].choice.candidates) {
    const auto id = static_cast<size_t>(c.id);
    EXPECT_EQ(t.ratios[id], c.p_sampled / t.exponentials[id]);
    EXPECT_EQ(std::isfinite(t.filtered[id]), c.p_sampled > 0);
  }
}

TEST(Generation, OneStepIsKeptWholeForExplain) {
  const std::vector<int> prompt = {5, 17, 30, 2, 44};
  expect_step_explained(prompt, 6, 1, 0.8, 5);    // chosen by the prompt's pass
  expect_step_explained(prompt, 6, 4, 1.0, 0);    // by a row from the key/value cache
  expect_step_explained(prompt, 70, 66, 0.8, 0);  // past the context: its window's pass
  expect_step_explained(prompt, 8, 8, 0.0, 0);    // greedy: nothing drawn
  expect_step_explained(std::vector<int>(70, 8), 3, 1, 0.8, 5);  // a prompt past the context
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
