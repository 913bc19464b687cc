// Random initialization, the weights JSON format both ways, and each loader error.
#include "attnviz/model/weights.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

namespace attnviz {
namespace {

using nlohmann::json;
using test::error_of;

json valid_doc() {
  return json{{"n_embd", 2},
              {"vocab", {"A", "ə"}},
              {"token_embedding.weight", {{0.1, 0.2}, {0.3, 0.4}}},
              {"position_embedding.weight", {{1, 0}, {0, 1}, {1, 1}}},
              {"query.weight", {{1, 0}, {0, 1}}},
              {"key.weight", {{0.5, 0}, {0, 0.5}}},
              {"value.weight", {{1, 2}, {3, 4}}}};
}

Weights parse(const json& doc, std::vector<Words>* warnings = nullptr) {
  std::vector<Words> ignored;
  return parse_weights_json(doc.dump(), "w.json", warnings ? *warnings : ignored);
}

std::string parse_error(const json& doc) {
  return error_of([&] { parse(doc); });
}

std::string parse_error_text(const std::string& text) {
  std::vector<Words> warnings;
  return error_of([&] { parse_weights_json(text, "w.json", warnings); });
}

TEST(RandomWeights, ShapesAndPyTorchDefaultRanges) {
  const Weights w = random_weights({"A", "z", "ə"}, RandomInit{1337, 8, 20, true});
  EXPECT_EQ(w.n_embd, 8);
  EXPECT_EQ(w.block_size, 20);
  EXPECT_EQ(w.token_embedding.rows(), 3);
  EXPECT_EQ(w.token_embedding.cols(), 8);
  EXPECT_EQ(w.position_embedding.rows(), 20);
  ASSERT_EQ(w.heads.size(), 1u);
  const float bound = 1.0f / std::sqrt(8.0f);
  for (const Tensor* m : {&w.heads[0].query, &w.heads[0].key, &w.heads[0].value}) {
    EXPECT_EQ(m->rows(), 8);
    EXPECT_EQ(m->cols(), 8);
    EXPECT_LE(m->cwiseAbs().maxCoeff(), bound);
    EXPECT_GT(m->cwiseAbs().maxCoeff(), 0.8f * bound);  // spread over the range, not squeezed
  }
  EXPECT_GT(w.token_embedding.cwiseAbs().maxCoeff(), 0.5f);  // N(0, 1), not U(±1/√C)
}

TEST(RandomWeights, DeterministicPerSeed) {
  const RandomInit init{99, 4, 8, true};
  const Weights a = random_weights({"a", "b"}, init);
  const Weights b = random_weights({"a", "b"}, init);
  EXPECT_EQ(a.token_embedding, b.token_embedding);
  EXPECT_EQ(a.heads[0].value, b.heads[0].value);
  const Weights c = random_weights({"a", "b"}, RandomInit{100, 4, 8, true});
  EXPECT_NE(a.token_embedding, c.token_embedding);
}

TEST(RandomWeights, WithoutPositionsAndOutOfRangeSizes) {
  const Weights w = random_weights({"a"}, RandomInit{1, 4, 8, false});
  EXPECT_FALSE(w.has_positions());
  EXPECT_EQ(error_of([] {
              random_weights({"a"}, RandomInit{1, 0, 8, true});
            }),
            "n_embd is 0, expected 1..4096 (--max-embd raises the limit)");
  EXPECT_EQ(error_of([] {
              random_weights({"a"}, RandomInit{1, 4, -3, true});
            }),
            "block_size is -3, expected 1..65536");
}

TEST(WeightsJson, SaveThenLoadIsBitExact) {
  const Weights w = random_weights({"A", "z", "ə", " ", "\"q\""}, RandomInit{5, 6, 12, true});
  std::vector<Words> warnings;
  const Weights back = parse_weights_json(weights_to_json(w), "saved.json", warnings);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(back.vocab, w.vocab);
  EXPECT_EQ(back.n_embd, w.n_embd);
  EXPECT_EQ(back.block_size, w.block_size);
  EXPECT_EQ(back.token_embedding, w.token_embedding);
  EXPECT_EQ(back.position_embedding, w.position_embedding);
  EXPECT_EQ(back.heads[0].query, w.heads[0].query);
  EXPECT_EQ(back.heads[0].key, w.heads[0].key);
  EXPECT_EQ(back.heads[0].value, w.heads[0].value);
}

TEST(WeightsJson, SavedFloatsAreShortest) {
  Weights w = random_weights({"a"}, RandomInit{1, 2, 1, false});
  Matrix embedding(1, 2);
  embedding << 0.1f, -2.5f;
  w.token_embedding = std::move(embedding);
  const std::string text = weights_to_json(w);
  EXPECT_NE(text.find("[0.1,-2.5]"), std::string::npos) << text;
}

TEST(WeightsJson, LoadsTheDocumentedFormat) {
  const Weights w = parse(valid_doc());
  EXPECT_EQ(w.vocab, (std::vector<std::string>{"A", "ə"}));
  EXPECT_EQ(w.token_id("ə"), 1);
  EXPECT_EQ(w.token_id("x"), -1);
  EXPECT_EQ(w.block_size, 3);
  EXPECT_EQ(w.head_size(), 2);
  EXPECT_FLOAT_EQ(w.token_embedding(1, 0), 0.3f);
  EXPECT_FLOAT_EQ(w.heads[0].value(1, 0), 3.0f);
}

TEST(WeightsJson, PositionsAndNEmbdAreOptional) {
  json doc = valid_doc();
  doc.erase("position_embedding.weight");
  doc.erase("n_embd");
  const Weights w = parse(doc);
  EXPECT_FALSE(w.has_positions());
  EXPECT_EQ(w.n_embd, 2);
  EXPECT_EQ(w.block_size, 0);  // no limit
}

TEST(WeightsJson, StateDictMaskBufferIsAcceptedUnknownKeysWarn) {
  json doc = valid_doc();
  doc["tril"] = {{{1, 0}, {1, 1}}};
  doc["lm_head.weight"] = {{1}};
  std::vector<Words> warnings;
  parse(doc, &warnings);
  EXPECT_EQ(test::english(warnings),
            std::vector<std::string>{"w.json: ignoring unknown key \"lm_head.weight\""});
}

TEST(WeightsJsonErrors, NotJsonNamesLineAndColumn) {
  EXPECT_EQ(parse_error_text("{\n  \"n_embd\": 2,\n  oops\n}"),
            "w.json: not valid JSON: parse error at line 3, column 3: syntax error while parsing "
            "object key - invalid literal; last read: '2,<U+000A>  o'; expected string literal");
  EXPECT_EQ(parse_error_text("{\"vocab\": [\"a\", [1, 2], NaN]}"),
            "w.json: \"vocab\"[2] (line 1, column 25): NaN is not a JSON number; weights must be "
            "finite");
  EXPECT_EQ(parse_error_text("{\"n_embd\": 2, \"key.weight\": [[1, 2],\n[3, -Infinity]]}"),
            "w.json: \"key.weight\"[1][1] (line 2, column 5): -Infinity is not a JSON number; "
            "weights must be finite");
  EXPECT_EQ(parse_error_text("{\"key.weight\": [[Infinity]]}"),
            "w.json: \"key.weight\"[0][0] (line 1, column 18): Infinity is not a JSON number; "
            "weights must be finite");
  // A syntax error inside a tensor says which.
  EXPECT_EQ(parse_error_text("{\"key.weight\": [[1, 2] [3, 4]]}"),
            "w.json: not valid JSON: parse error at line 1, column 24: syntax error while parsing "
            "array - unexpected '['; expected ']' (in \"key.weight\"[1])");
  EXPECT_EQ(parse_error_text("[1, 2]"),
            "w.json: top level is an array, expected an object of named tensors");
}

TEST(WeightsJsonErrors, MissingTensorsAndVocabProblems) {
  json doc = valid_doc();
  doc.erase("key.weight");
  EXPECT_EQ(parse_error(doc), "w.json: missing \"key.weight\" (a 2-D array of numbers)");
  doc = valid_doc();
  doc.erase("vocab");
  EXPECT_EQ(parse_error(doc), "w.json: missing \"vocab\" (the token text of each embedding row)");
  doc = valid_doc();
  doc["vocab"] = json::array();
  EXPECT_EQ(parse_error(doc),
            "w.json: \"vocab\" is empty; it needs one string per token_embedding row");
  doc["vocab"] = {"A", "A"};
  EXPECT_EQ(parse_error(doc),
            "w.json: \"vocab\"[1] \"A\" repeats \"vocab\"[0]; each token needs exactly one row");
  doc["vocab"] = {"A", 7};
  EXPECT_EQ(parse_error(doc), "w.json: \"vocab\"[1] is a number, expected a string");
  doc["vocab"] = {"A", ""};
  EXPECT_EQ(parse_error(doc), "w.json: \"vocab\"[1] is an empty string");
}

TEST(WeightsJsonErrors, ShapesNameTheKeyExpectedAndFound) {
  json doc = valid_doc();
  doc["key.weight"] = {{1, 0}};
  EXPECT_EQ(parse_error(doc),
            "w.json: \"key.weight\" has shape 1×2, expected 2×2 (n_embd × n_embd)");
  doc = valid_doc();
  doc["token_embedding.weight"] = {{1, 0}, {0, 1}, {1, 1}};
  EXPECT_EQ(parse_error(doc),
            "w.json: \"token_embedding.weight\" has shape 3×2, expected 2×2 "
            "(len(vocab) × n_embd)");
  doc = valid_doc();
  doc["position_embedding.weight"] = {{1, 0, 0}};
  EXPECT_EQ(parse_error(doc),
            "w.json: \"position_embedding.weight\" has shape 1×3, expected 1×2 "
            "(block_size × n_embd)");
  doc = valid_doc();
  doc["n_embd"] = 3;
  EXPECT_EQ(parse_error(doc),
            "w.json: \"token_embedding.weight\" has shape 2×2, expected 2×3 "
            "(len(vocab) × n_embd)");
  doc = valid_doc();
  doc["block_size"] = 5;
  EXPECT_EQ(parse_error(doc),
            "w.json: \"block_size\" is 5 but \"position_embedding.weight\" has 3 rows");
}

TEST(WeightsJsonErrors, BadNumbersAndRows) {
  json doc = valid_doc();
  doc["value.weight"] = {{1, 2}, {3}};
  EXPECT_EQ(parse_error(doc), "w.json: \"value.weight\"[1] has 1 numbers, expected 2 like row 0");
  doc["value.weight"] = {{1, 2}, {3, "4"}};
  EXPECT_EQ(parse_error(doc),
            "w.json: \"value.weight\"[1][1] is a string \"4\", expected a number");
  doc["value.weight"] = {{1, nullptr}, {3, 4}};
  EXPECT_EQ(parse_error(doc), "w.json: \"value.weight\"[0][1] is null, expected a number");
  doc["value.weight"] = {{1, true}, {3, 4}};
  EXPECT_EQ(parse_error(doc), "w.json: \"value.weight\"[0][1] is true, expected a number");
  doc["value.weight"] = {1, 2};
  EXPECT_EQ(parse_error(doc),
            "w.json: \"value.weight\" must be a non-empty 2-D array of numbers (a list of rows)");
  doc["value.weight"] = {{1, 2}, 3};
  EXPECT_EQ(parse_error(doc), "w.json: \"value.weight\"[1] is a number, expected a row of numbers");
  doc["value.weight"] = "weights";
  EXPECT_EQ(parse_error(doc),
            "w.json: \"value.weight\" is a string \"weights\", expected a 2-D array of numbers");
  EXPECT_EQ(parse_error_text("{\"vocab\": [\"a\"],\n \"value.weight\": [[1, 2], [3, -1e39]]}"),
            "w.json: \"value.weight\"[1][1] (line 2, column 31): number -1e39 does not fit in "
            "float32 (largest is ±3.4e38)");
  // json.dump writes a state_dict on one line: the tensor and index say where.
  std::string one_line = "{\"vocab\": [\"a\"], \"key.weight\": [";
  for (int i = 0; i < 40; ++i) one_line += std::string(i ? ", " : "") + "[0.5, 0.25, 0.125]";
  one_line += ", [1, 2, 4e38]]}";
  EXPECT_EQ(parse_error_text(one_line),
            "w.json: \"key.weight\"[40][2] (line 1, column 840): number 4e38 does not fit in "
            "float32 (largest is ±3.4e38)");
}

TEST(WeightsJsonErrors, LongStringsAreCutAtACharacterBoundary) {
  // Found by fuzz_weights_json: cutting the string at byte 20 split a 3-byte character, and
  // printing the message threw out of the loader.
  EXPECT_EQ(parse_error_text(test::slurp(ATTNVIZ_REFERENCE "/../fuzz/corpus/weights_json/"
                                                           "regression-split-utf8-in-message")),
            "w.json: top level is a string \"䚺e暺䚺e暺e暺]ꄚ\", expected an object of named "
            "tensors");
  json doc = valid_doc();
  doc["vocab"] = "əəəəəəəəəəəəəəəəəəəəəə";
  EXPECT_EQ(parse_error(doc),
            "w.json: \"vocab\" is a string \"əəəəəəəəəəəəəəəəəəə…\", expected an array of strings");
}

TEST(WeightsJsonErrors, SizesAreCheckedAgainstLimits) {
  json doc = valid_doc();
  doc["n_embd"] = 0;
  EXPECT_EQ(parse_error(doc), "w.json: \"n_embd\" is 0, expected a positive integer");
  doc["n_embd"] = -4;
  EXPECT_EQ(parse_error(doc), "w.json: \"n_embd\" is -4, expected a positive integer");
  doc["n_embd"] = 1000000;
  EXPECT_EQ(parse_error(doc), "w.json: \"n_embd\" is 1000000, larger than the limit 4096");
  doc["n_embd"] = "2";
  EXPECT_EQ(parse_error(doc), "w.json: \"n_embd\" is a string \"2\", expected a positive integer");
}

json multi_head_doc() {
  json doc = valid_doc();
  for (const char* name : {"query.weight", "key.weight", "value.weight"}) doc.erase(name);
  doc["n_head"] = 2;
  for (const char* h : {"heads.0.", "heads.1."}) {
    doc[std::string(h) + "query.weight"] = {{1, 0}};
    doc[std::string(h) + "key.weight"] = {{0, 1}};
    doc[std::string(h) + "value.weight"] = {{1, 1}};
    doc[std::string(h) + "tril"] = {{1, 0}, {1, 1}};
  }
  doc["proj.weight"] = {{1, 0}, {0, 1}};
  doc["proj.bias"] = {0.5, -0.5};
  return doc;
}

TEST(RandomWeights, MultiHeadHasHeadsOfNEmbdOverHAndAProjection) {
  const Weights w = random_weights({"a", "b"}, RandomInit{3, 16, 8, true, 4});
  EXPECT_TRUE(w.multi_head());
  EXPECT_EQ(w.n_head(), 4);
  EXPECT_EQ(w.head_size(), 4);
  EXPECT_EQ(w.heads[3].value.rows(), 4);
  EXPECT_EQ(w.heads[3].value.cols(), 16);
  EXPECT_EQ(w.proj_weight.rows(), 16);
  EXPECT_EQ(w.proj_bias.cols(), 16);
  EXPECT_LE(w.proj_bias.cwiseAbs().maxCoeff(), 0.25f);  // U(±1/√16)
  EXPECT_FALSE(random_weights({"a"}, RandomInit{3, 16, 8, true, 0}).multi_head());
  EXPECT_EQ(error_of([] {
              random_weights({"a"}, RandomInit{1, 16, 8, true, 3});
            }),
            "n_head 3 does not divide n_embd 16 (head_size = n_embd / n_head must be whole)");
}

TEST(WeightsJson, MultiHeadLoadsAndRoundTrips) {
  std::vector<Words> warnings;
  const Weights w = parse(multi_head_doc(), &warnings);
  EXPECT_TRUE(warnings.empty());  // heads.{i}.tril is part of Karpathy's state_dict
  EXPECT_EQ(w.n_head(), 2);
  EXPECT_EQ(w.head_size(), 1);
  EXPECT_FLOAT_EQ(w.proj_bias(0, 1), -0.5f);
  const Weights back = parse_weights_json(weights_to_json(w), "saved.json", warnings);
  EXPECT_EQ(back.n_head(), 2);
  EXPECT_EQ(back.heads[1].key, w.heads[1].key);
  EXPECT_EQ(back.proj_weight, w.proj_weight);
  EXPECT_EQ(back.proj_bias, w.proj_bias);
  const Weights random = random_weights({"x", "y"}, RandomInit{9, 8, 4, true, 2});
  const Weights random_back = parse_weights_json(weights_to_json(random), "r.json", warnings);
  EXPECT_EQ(random_back.heads[1].query, random.heads[1].query);
  EXPECT_EQ(random_back.proj_bias, random.proj_bias);
}

TEST(WeightsJsonErrors, MultiHeadLayoutProblems) {
  json doc = multi_head_doc();
  doc["query.weight"] = {{1, 0}, {0, 1}};
  EXPECT_EQ(parse_error(doc),
            "w.json: has both \"query.weight\" (the lesson's SelfAttention) and "
            "\"heads.0.query.weight\" (MultiHeadAttention); keep one module's tensors");
  doc = multi_head_doc();
  doc.erase("proj.bias");
  EXPECT_EQ(parse_error(doc), "w.json: missing \"proj.bias\" (an array of numbers)");
  doc = multi_head_doc();
  doc["proj.bias"] = {1, 2, 3};
  EXPECT_EQ(parse_error(doc), "w.json: \"proj.bias\" has shape 3, expected 2 (n_embd)");
  doc = multi_head_doc();
  doc["heads.1.key.weight"] = {{1, 0, 0}};
  EXPECT_EQ(parse_error(doc),
            "w.json: \"heads.1.key.weight\" has shape 1×3, expected 1×2 "
            "(head_size × n_embd)");
  doc = multi_head_doc();
  doc["n_head"] = 3;
  EXPECT_EQ(parse_error(doc),
            "w.json: \"n_head\" is 3 but the file has 2 heads (heads.0 … heads.1)");
  doc = multi_head_doc();
  doc.erase("heads.1.value.weight");
  EXPECT_EQ(parse_error(doc), "w.json: missing \"heads.1.value.weight\" (a 2-D array of numbers)");
  doc = multi_head_doc();
  for (const char* name : {"heads.0.query.weight", "heads.1.query.weight"}) doc.erase(name);
  EXPECT_EQ(parse_error(doc),
            "w.json: missing \"query.weight\" (the lesson's SelfAttention), "
            "\"heads.0.query.weight\" (MultiHeadAttention) or \"c_attn.weight\" (nanoGPT's "
            "CausalSelfAttention)");
  doc = multi_head_doc();
  doc["heads.5.query.weight"] = {{1, 0}};  // not after heads.1: not a head of this model
  std::vector<Words> warnings;
  parse(doc, &warnings);
  EXPECT_EQ(test::english(warnings),
            std::vector<std::string>{"w.json: ignoring unknown key \"heads.5.query.weight\""});
}

}  // namespace
}  // namespace attnviz
