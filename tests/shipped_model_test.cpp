// The shipped models, `az` and `az-long`: the embedded bytes are the committed files, and run() on
// held-out sentences agrees with each one's own training code's model in PyTorch
// (reference/make_shipped_model.py): every head's weights within 2e-5, the logits within 1e-4,
// every head score within 1e-5 of the scores computed from their definitions, and
// --induction-test's random tokens bit for bit.
#include <gtest/gtest.h>

#include "attnviz/formats/shipped_models.hpp"
#include "attnviz/model/head_scores.hpp"
#include "attnviz/run/run.hpp"
#include "reference_util.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

using test::json;

const char* const kShipped[] = {"az", "az-long"};

const ShippedModel& shipped(const std::string& name) {
  const ShippedModel* model = find_shipped_model(name);
  EXPECT_NE(model, nullptr) << name;
  return *model;
}

// FNV-1a, 64 bits: enough to name a file's bytes in a failure message.
uint64_t fnv1a(std::string_view bytes) {
  uint64_t h = 14695981039346656037ull;
  for (const char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

Request shipped_request(const std::string& name, const std::string& text) {
  Request r;
  r.text = text;
  r.text_origin = "--text";
  r.weights_path = "--model " + name;
  r.weights_data = shipped(name).bytes;
  return r;
}

Request az_request(const std::string& text) { return shipped_request("az", text); }

json fixture(const std::string& name) {
  return json::parse(test::slurp(ATTNVIZ_REFERENCE "/shipped_" + name + ".expected.json"));
}

TEST(ShippedModels, TheEmbeddedBytesAreTheCommittedFile) {
  for (const std::string name : kShipped) {
    const std::string file =
        test::slurp(ATTNVIZ_DATA "/models/" + name + "/" + name + ".safetensors");
    EXPECT_EQ(fnv1a(shipped(name).bytes), fnv1a(file)) << name;
    EXPECT_TRUE(shipped(name).bytes == file) << name;
  }
  EXPECT_EQ(shipped_models().size(), std::size(kShipped));
  EXPECT_EQ(find_shipped_model("nope"), nullptr);
  for (const ShippedModel& m : shipped_models()) {
    EXPECT_FALSE(m.about(Lang::En).empty());
    EXPECT_FALSE(m.about(Lang::Az).empty());
  }
}

// run() on each fixture sentence against the model's own training code in PyTorch.
void expect_training_code_agrees(const std::string& name) {
  const json expected = fixture(name);
  for (const json& c : expected["cases"]) {
    const Result result = run(shipped_request(name, c["text"]));
    EXPECT_EQ(result.tokens, c["tokens"].get<std::vector<std::string>>());
    EXPECT_EQ(result.ids, c["ids"].get<std::vector<int>>()) << c["text"];
    ASSERT_EQ(result.layers.size(), c["layers"].size());
    float weights = 0, scores = 0;
    for (size_t l = 0; l < result.layers.size(); ++l) {
      const auto& heads = result.layers[l].heads;
      ASSERT_EQ(heads.size(), c["layers"][l].size());
      for (size_t h = 0; h < heads.size(); ++h) {
        weights = std::max(weights, test::max_difference(heads[h].weights, c["layers"][l][h]));
        const HeadScore& s = result.head_scores[l * heads.size() + h];
        EXPECT_EQ(s.layer, static_cast<int>(l));
        EXPECT_EQ(s.head, static_cast<int>(h));
        for (int p = 0; p < kHeadPatterns; ++p) {
          const float want = c["head_scores"][l][h][static_cast<size_t>(p)].get<float>();
          scores = std::max(scores, std::abs(s.score[static_cast<size_t>(p)] - want));
        }
      }
    }
    std::printf("  %2zu tokens: weights %.2e, head scores %.2e\n", result.tokens.size(), weights,
                scores);
    EXPECT_LE(weights, 2e-5f);
    EXPECT_LE(scores, 1e-5f);
    // The guesses are the logits' softmax: the top one is the logits' largest at every position.
    for (size_t t = 0; t < result.predictions.size(); ++t) {
      const auto& row = c["logits"][t];
      const auto best = std::max_element(row.begin(), row.end()) - row.begin();
      EXPECT_EQ(result.predictions[t].front().id, best) << "position " << t;
    }
  }
}

TEST(ShippedModels, EachAgreesWithItsTrainingCodeInPyTorch) {
  for (const std::string name : kShipped) {
    SCOPED_TRACE(name);
    expect_training_code_agrees(name);
  }
}

TEST(ShippedModels, TheInductionTestDrawsTorchRandintAndScoresTheStripe) {
  for (const std::string name : kShipped) {
    SCOPED_TRACE(name);
    const json all = fixture(name);
    const json& test = all["induction_test"];
    Request request = shipped_request(name, "Azərbaycan dili");
    request.random.seed = test["seed"].get<uint32_t>();
    request.induction_test = test["S"].get<int>();
    const Result result = run(request);
    EXPECT_EQ(result.induction_test_ids, test["ids"].get<std::vector<int>>());
    float worst = 0;
    for (const HeadScore& s : result.head_scores) {
      ASSERT_TRUE(s.repeated_induction.has_value());
      const float want =
          test["scores"][static_cast<size_t>(s.layer)][static_cast<size_t>(s.head)].get<float>();
      worst = std::max(worst, std::abs(*s.repeated_induction - want));
    }
    EXPECT_LE(worst, 1e-5f);
    // Twice S beyond the model's context is refused.
    request.induction_test = name == "az" ? 33 : 129;
    EXPECT_THROW(run(request), Error);
  }
}

// A text past the 64-character context: row i is the last row of a pass over the 64 characters
// ending at i, as nanoGPT's generate() crops its input; the keys before the window are masked.
TEST(ShippedModels, ATextPastTheContextRunsAsTheModelReadsItWhenItWrites) {
  const json expected =
      json::parse(test::slurp(ATTNVIZ_REFERENCE "/shipped_az_window.expected.json"));
  const Result result = run(az_request(expected["text"]));
  const auto T = static_cast<Eigen::Index>(expected["ids"].size());
  const int B = expected["block_size"];
  ASSERT_EQ(result.ids, expected["ids"].get<std::vector<int>>());
  ASSERT_GT(T, B);
  const AttentionTrace& layer = result.layers.at(expected["layer"].get<size_t>());
  EXPECT_EQ(layer.window, B);
  float weights = 0, probabilities = 0;
  for (Eigen::Index i = 0; i < T; ++i) {
    const json& row = expected["rows"][static_cast<size_t>(i)];
    const Eigen::Index first = row["first"];
    EXPECT_EQ(first, std::max<Eigen::Index>(0, i + 1 - B));
    for (size_t h = 0; h < layer.heads.size(); ++h) {
      const Matrix& w = layer.heads[h].weights;
      EXPECT_NEAR(w.row(i).sum(), 1.0f, 1e-5f);
      for (Eigen::Index j = 0; j < T; ++j) {
        const bool seen = j >= first && j <= i;
        EXPECT_EQ(layer.masked(i, j), !seen) << i << "," << j;
        const float want = seen ? row["heads"][h][static_cast<size_t>(j - first)].get<float>() : 0;
        weights = std::max(weights, std::abs(w(i, j) - want));
      }
    }
    // Row i's guesses: the softmax of its window's last logits.
    const std::vector<float> logits = expected["logits"][static_cast<size_t>(i)];
    const float top = *std::max_element(logits.begin(), logits.end());
    double sum = 0;
    for (const float l : logits) sum += std::exp(double(l) - top);
    const auto& guesses = result.predictions.at(static_cast<size_t>(i));
    EXPECT_EQ(guesses.front().id, std::max_element(logits.begin(), logits.end()) - logits.begin());
    for (const Guess& g : guesses) {
      const double p = std::exp(double(logits[static_cast<size_t>(g.id)]) - top) / sum;
      probabilities = std::max(probabilities, static_cast<float>(std::abs(g.p - p)));
    }
  }
  std::printf("  %td tokens past a context of %d: weights %.2e, guesses' p %.2e\n", T, B, weights,
              probabilities);
  EXPECT_LE(weights, 2e-5f);
  EXPECT_LE(probabilities, 2e-5f);

  // --long-text last runs the last 64 characters alone.
  Request last = az_request(expected["text"]);
  last.long_text = LongText::Last;
  const Result cropped = run(last);
  ASSERT_EQ(cropped.ids.size(), static_cast<size_t>(B));
  EXPECT_EQ(cropped.layers.front().window, 0);
  const std::vector<int> ids = expected["ids"];
  EXPECT_TRUE(std::equal(cropped.ids.begin(), cropped.ids.end(), ids.end() - B));
  // One pass's steps (--explain, --trace) cannot show a text past the context.
  Request steps = az_request(expected["text"]);
  steps.steps = true;
  EXPECT_THROW(run(steps), Error);
}

TEST(ShippedModels, CharactersOutsideTheVocabularyRunAsTheStandInWithAWarning) {
  const Result result = run(az_request("Qış 🌨 və ❄"));
  ASSERT_EQ(result.warnings.size(), 1u);
  const std::string warning = result.warnings.front().english();
  EXPECT_NE(warning.find("--model az"), std::string::npos) << warning;
  EXPECT_NE(warning.find("\"🌨\", \"❄\""), std::string::npos) << warning;
  EXPECT_EQ(result.ids[4], result.ids.back());  // both the stand-in
}

}  // namespace
}  // namespace attnviz
