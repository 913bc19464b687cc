// State dicts as students save them, against the PyTorch models that saved them
// (reference/make_state_dicts.py): each layout and format loads and attends as PyTorch did; and
// every layout's missing or misshapen tensor, and every broken safetensors header, is a clear
// error.
#include "attnviz/formats/state_dict.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "attnviz/compute/quant.hpp"
#include "attnviz/model/attention_load.hpp"
#include "attnviz/run/run.hpp"
#include "reference_util.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::error_of;

const std::string kDir = ATTNVIZ_REFERENCE "/state_dicts";

std::vector<std::string> case_names() { return test::expected_names(kDir); }

class SavedByPyTorch : public ::testing::TestWithParam<std::string> {};

TEST(StateDictFixtures, EveryLayoutAndFormatIsThere) {
  const auto names = case_names();
  for (const char* name :
       {"lesson_f32", "lesson_f16", "lesson_bf16", "karpathy_gpt", "nanogpt_json",
        "nanogpt_safetensors", "nanogpt_nobias_bf16", "gpt2_conv1d_f16"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

TEST_P(SavedByPyTorch, LoadsAndAttendsAsPyTorchDid) {
  const json expected = json::parse(test::slurp(kDir + "/" + GetParam() + ".expected.json"));
  const std::string path = kDir + "/" + expected["file"].get<std::string>();
  const std::string bytes = test::slurp(path);
  Request request;
  request.text = expected["text"].get<std::string>();
  request.text_origin = "fixture";
  request.weights_path = path;
  request.weights_data = bytes;
  request.weights_prefix = expected.value("prefix", "");
  if (expected.contains("n_head")) request.random.n_head = expected["n_head"].get<int>();
  const Result result = run(request);
  for (const Words& warning : result.warnings) ADD_FAILURE() << warning.english();
  ASSERT_EQ(result.tokens, expected["tokens"].get<std::vector<std::string>>());
  test::expect_trace(result.trace(), expected, GetParam());
}

INSTANTIATE_TEST_SUITE_P(StateDicts, SavedByPyTorch, ::testing::ValuesIn(case_names()),
                         [](const auto& param_info) { return param_info.param; });

// ---- Layout errors, on small JSON state dicts --------------------------------------------------

std::string load_error(const json& doc, LoadOptions options = {}) {
  std::vector<Words> warnings;
  const std::string text = doc.dump();
  return error_of([&] { load_weights(*open_json_state_dict(text, "m.json"), options, warnings); });
}

Weights load(const json& doc, LoadOptions options, std::vector<Words>* warnings = nullptr) {
  std::vector<Words> ignored;
  return load_weights(*open_json_state_dict(doc.dump(), "m.json"), options,
                      warnings ? *warnings : ignored);
}

// nanoGPT with n_embd 4, 2 heads, bias=True, inside a whole model.
json nanogpt_doc() {
  json doc = {{"vocab", {"a", "b"}}, {"n_head", 2}};
  doc["transformer.wte.weight"] = {{1, 0, 0, 0}, {0, 1, 0, 0}};
  doc["transformer.wpe.weight"] = {{0, 0, 1, 0}, {0, 0, 0, 1}, {1, 1, 1, 1}};
  json attn = json::array();
  for (int r = 0; r < 12; ++r) {
    attn.push_back(
        {r % 4 == 0 ? 1 : 0, r % 4 == 1 ? 1 : 0, r % 4 == 2 ? 1 : 0, r % 4 == 3 ? 1 : 0});
  }
  doc["transformer.h.0.attn.c_attn.weight"] = attn;
  doc["transformer.h.0.attn.c_attn.bias"] = json::array();
  for (int r = 0; r < 12; ++r) doc["transformer.h.0.attn.c_attn.bias"].push_back(0.5 * r);
  doc["transformer.h.0.attn.c_proj.weight"] = {
      {1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
  doc["transformer.h.0.attn.c_proj.bias"] = {0, 0, 0, 1};
  doc["transformer.h.0.attn.bias"] = {{{{1, 0}, {1, 1}}}};  // the mask buffer
  doc["transformer.h.0.ln_1.weight"] = {1, 1, 1, 1};
  doc["transformer.h.0.ln_1.bias"] = {0, 0, 0, 0};
  doc["transformer.h.0.mlp.c_fc.weight"] = {{1, 1, 1, 1}};  // the rest of the model
  return doc;
}

LoadOptions at(std::string prefix) {
  LoadOptions options;
  options.prefix = std::move(prefix);
  return options;
}

TEST(NanoGptLayout, SplitsCAttnIntoHeadsAndKeepsBiasesAndLayerNorm) {
  std::vector<Words> warnings;
  const Weights w = load(nanogpt_doc(), at("transformer.h.0.attn."), &warnings);
  EXPECT_TRUE(warnings.empty()) << warnings.front().english();
  ASSERT_EQ(w.n_head(), 2);
  EXPECT_EQ(w.head_size(), 2);
  EXPECT_EQ(w.block_size, 3);
  // Head 1's query is rows 2..3 of c_attn, its key rows 6..7, its value rows 10..11.
  EXPECT_EQ(w.heads[1].query(0, 2), 1.0f);
  EXPECT_EQ(w.heads[1].key(1, 3), 1.0f);
  EXPECT_FLOAT_EQ(w.heads[1].value_bias(0, 1), 5.5f);
  EXPECT_FLOAT_EQ(w.heads[0].key_bias(0, 0), 2.0f);
  EXPECT_EQ(w.proj_bias(0, 3), 1.0f);
  EXPECT_TRUE(w.has_layer_norm());
}

// GPT-2's Conv1D c_attn (in × out) is used as it lies (operand AsIs): each head's projection is a
// block of its columns, the same matrix as nanoGPT's rows once transposed.
TEST(NanoGptLayout, ConvOneDWeightsAreUsedInPlaceAsTheSameProjections) {
  json doc = nanogpt_doc();
  json attn = doc["transformer.h.0.attn.c_attn.weight"];
  json transposed = json::array();
  for (int c = 0; c < 4; ++c) {
    json row = json::array();
    for (int r = 0; r < 12; ++r) row.push_back(attn[r][c]);
    transposed.push_back(row);
  }
  const Weights linear = load(doc, at("transformer.h.0.attn."));
  doc["transformer.h.0.attn.c_attn.weight"] = transposed;  // GPT-2's Conv1D: 4×12
  const Weights conv = load(doc, at("transformer.h.0.attn."));
  EXPECT_EQ(linear.operand, Operand::Transposed);
  EXPECT_EQ(conv.operand, Operand::AsIs);
  EXPECT_EQ(conv.head_size(), linear.head_size());
  for (size_t h = 0; h < linear.heads.size(); ++h) {
    EXPECT_EQ(conv.as_linear(conv.heads[h].value), linear.heads[h].value);
    EXPECT_EQ(Matrix(conv.heads[h].query.transpose()), linear.heads[h].query);
  }
}

TEST(NanoGptLayout, EachMissingOrMisshapenTensorIsNamed) {
  const std::string p = "transformer.h.0.attn.";
  json doc = nanogpt_doc();
  doc.erase("n_head");
  EXPECT_EQ(load_error(doc, at(p)),
            "m.json: \"transformer.h.0.attn.c_attn.weight\" packs every head into one matrix, so "
            "the number of heads is needed: pass --heads H (nanoGPT's n_head) or put \"n_head\" "
            "in the file");
  LoadOptions three = at(p);
  three.n_head = 3;
  EXPECT_EQ(
      load_error(doc, three),
      "m.json: n_head 3 does not divide n_embd 4 (head_size = n_embd / n_head must be whole)");
  doc = nanogpt_doc();
  doc.erase("transformer.h.0.attn.c_proj.weight");
  EXPECT_EQ(load_error(doc, at(p)),
            "m.json: missing \"transformer.h.0.attn.c_proj.weight\" (a 2-D array of numbers)");
  doc = nanogpt_doc();
  doc["transformer.h.0.attn.c_attn.weight"] = {{1, 2, 3}, {4, 5, 6}};
  EXPECT_EQ(load_error(doc, at(p)),
            "m.json: \"transformer.h.0.attn.c_attn.weight\" has shape 2×3, expected 12×4 "
            "(3·n_embd × n_embd)");
  doc.erase("transformer.wte.weight");  // n_embd then comes from c_attn's shape alone
  LoadOptions randn = at(p);
  randn.embeddings = false;
  EXPECT_EQ(load_error(doc, randn),
            "m.json: \"transformer.h.0.attn.c_attn.weight\" has shape 2×3, expected 3·n_embd × "
            "n_embd (nn.Linear) or n_embd × 3·n_embd (GPT-2's Conv1D)");
  doc = nanogpt_doc();
  doc["transformer.h.0.attn.c_attn.bias"] = {1, 2};
  EXPECT_EQ(load_error(doc, at(p)),
            "m.json: \"transformer.h.0.attn.c_attn.bias\" has shape 2, expected 12 (3·n_embd)");
  doc = nanogpt_doc();
  doc["transformer.h.0.attn.c_proj.weight"] = {{1, 0, 0, 0}};
  EXPECT_EQ(load_error(doc, at(p)),
            "m.json: \"transformer.h.0.attn.c_proj.weight\" has shape 1×4, expected 4×4 (n_embd × "
            "n_embd)");
  doc = nanogpt_doc();
  doc["transformer.h.0.ln_1.weight"] = {1, 1};
  EXPECT_EQ(load_error(doc, at(p)),
            "m.json: \"transformer.h.0.ln_1.weight\" has shape 2, expected 4 (n_embd)");
  doc = nanogpt_doc();
  doc.erase("transformer.wte.weight");
  EXPECT_EQ(load_error(doc, at(p)),
            "m.json: has no token embedding (\"token_embedding.weight\", or nanoGPT's "
            "\"transformer.wte.weight\") to turn tokens into vectors; use --input randn to attend "
            "over random x instead");
  randn.embeddings = false;  // --input randn needs no embeddings
  EXPECT_EQ(load_error(doc, randn), "");
}

TEST(NanoGptLayout, AWholeModelWithoutPrefixSaysWhichPrefixToPass) {
  EXPECT_EQ(load_error(nanogpt_doc()),
            "m.json: missing \"query.weight\" (the lesson's SelfAttention), "
            "\"heads.0.query.weight\" (MultiHeadAttention) or \"c_attn.weight\" (nanoGPT's "
            "CausalSelfAttention); the file has \"transformer.h.0.attn.c_attn.weight\": pass "
            "--prefix transformer.h.0.attn.");
}

TEST(NanoGptLayout, UnusedKeysUnderThePrefixWarnTheRestOfTheModelDoesNot) {
  json doc = nanogpt_doc();
  doc["transformer.h.0.attn.extra.weight"] = {{1}};
  std::vector<Words> warnings;
  load(doc, at("transformer.h.0.attn."), &warnings);
  EXPECT_EQ(test::english(warnings),
            std::vector<std::string>{
                "m.json: ignoring unknown key \"transformer.h.0.attn.extra.weight\""});
}

TEST(NanoGptLayout, ALaterBlockWarnsThatItsInputIsNotTheEmbeddings) {
  json doc = nanogpt_doc();
  for (const auto& key : {"attn.c_attn.weight", "attn.c_attn.bias", "attn.c_proj.weight",
                          "attn.c_proj.bias", "ln_1.weight", "ln_1.bias"}) {
    doc[std::string("transformer.h.2.") + key] = doc[std::string("transformer.h.0.") + key];
  }
  std::vector<Words> warnings;
  load(doc, at("transformer.h.2.attn."), &warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].english().find("block 2 gets the embeddings here"), std::string::npos);
}

TEST(KarpathyLayout, ABlockInsideTheWholeModel) {
  json doc = {{"vocab", {"a", "b"}}};
  doc["token_embedding_table.weight"] = {{1, 0}, {0, 1}};
  doc["blocks.0.sa.heads.0.query.weight"] = {{1, 0}};
  doc["blocks.0.sa.heads.0.key.weight"] = {{0, 1}};
  doc["blocks.0.sa.heads.0.value.weight"] = {{1, 1}};
  doc["blocks.0.sa.heads.0.tril"] = {{1, 0}, {1, 1}};
  doc["blocks.0.sa.proj.weight"] = {{1}, {0}};
  doc["blocks.0.sa.proj.bias"] = {0, 0};
  doc["blocks.0.ln1.weight"] = {2, 2};
  doc["blocks.0.ln1.bias"] = {0, 1};
  std::vector<Words> warnings;
  const Weights w = load(doc, at("blocks.0.sa."), &warnings);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(w.n_head(), 1);
  EXPECT_FLOAT_EQ(w.ln_bias(0, 1), 1.0f);
  doc.erase("blocks.0.sa.proj.bias");
  EXPECT_EQ(load_error(doc, at("blocks.0.sa.")),
            "m.json: missing \"blocks.0.sa.proj.bias\" (an array of numbers)");
}

TEST(LessonLayout, BiasesComeAllThreeOrNone) {
  json doc = {{"vocab", {"a"}}, {"token_embedding.weight", {{1, 0}}}};
  doc["query.weight"] = {{1, 0}, {0, 1}};
  doc["key.weight"] = {{1, 0}, {0, 1}};
  doc["value.weight"] = {{1, 0}, {0, 1}};
  doc["query.bias"] = {1, 2};
  EXPECT_EQ(load_error(doc), "m.json: missing \"key.bias\" (an array of numbers)");
  doc["key.bias"] = {1, 2};
  doc["value.bias"] = {1, 2, 3};
  EXPECT_EQ(load_error(doc), "m.json: \"value.bias\" has shape 3, expected 2 (head_size)");
  LoadOptions two;
  two.n_head = 2;
  doc["value.bias"] = {1, 2};
  EXPECT_EQ(load_error(doc, two),
            "m.json: --heads 2, but the file's SelfAttention (\"query.weight\") has 1 head");
}

// ---- safetensors ------------------------------------------------------------------------------

std::string safetensors(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  const uint64_t size = header.size();
  std::memcpy(out.data(), &size, 8);
  return out + header + data;
}

std::string floats(std::initializer_list<float> values) {
  std::string out(values.size() * 4, '\0');
  std::memcpy(out.data(), values.begin(), out.size());
  return out;
}

std::string open_error(const std::string& bytes) {
  return error_of([&] { open_safetensors(bytes, "m.safetensors"); });
}

TEST(Safetensors, ReadsF32F16AndBf16AsFloat32) {
  // 1.5 and -2 as F16 (0x3E00, 0xC000) and BF16 (0x3FC0, 0xC000).
  const std::string data = floats({1.5f, -2.0f}) + std::string("\x00\x3e\x00\xc0", 4) +
                           std::string("\xc0\x3f\x00\xc0", 4);
  const std::string bytes =
      safetensors(R"({"a":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},)"
                  R"("b":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},)"
                  R"("c":{"dtype":"BF16","shape":[2,1],"data_offsets":[12,16]},)"
                  R"("__metadata__":{"n_head":"2","vocab":"[\"x\",\"y\"]"}})",
                  data);
  const auto sd = open_safetensors(bytes, "m.safetensors");
  EXPECT_EQ(sd->keys(), (std::vector<std::string>{"a", "b", "c"}));
  for (const auto& [key, dims] : {std::pair{"a", 2}, {"b", 1}}) {
    const Matrix m = sd->tensor(key, dims);
    EXPECT_EQ(m(0, 0), 1.5f);
    EXPECT_EQ(m(0, 1), -2.0f);
  }
  EXPECT_EQ(sd->tensor("c", 2)(1, 0), -2.0f);
  EXPECT_EQ(sd->setting("n_head", 100), 2);
  EXPECT_EQ(sd->vocab(), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(error_of([&] { sd->tensor("a", 1); }),
            "m.safetensors: \"a\" has shape 1×2, expected 1 dimension");
  EXPECT_EQ(error_of([&] { sd->setting("n_head", 1); }),
            "m.safetensors: __metadata__ \"n_head\" is 2, larger than the limit 1");
}

TEST(Safetensors, HalfPrecisionEdgeCasesConvertExactly) {
  // Smallest subnormal, largest normal, and an infinity, which weights must not hold.
  const std::string bytes = safetensors(R"({"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},)"
                                        R"("i":{"dtype":"F16","shape":[1],"data_offsets":[4,6]}})",
                                        std::string("\x01\x00\xff\x7b\x00\x7c", 6));
  const auto sd = open_safetensors(bytes, "m.safetensors");
  const Matrix h = sd->tensor("h", 1);
  EXPECT_EQ(h(0, 0), std::ldexp(1.0f, -24));
  EXPECT_EQ(h(0, 1), 65504.0f);
  EXPECT_EQ(error_of([&] { sd->tensor("i", 1); }),
            "m.safetensors: \"i\"[0] is an infinity; weights must be finite");
  // A NaN in a matrix names its row and column: element 5 of a 2×3 BF16 tensor.
  std::string values(12, '\0');
  values[10] = '\xc0';
  values[11] = '\x7f';
  const std::string nan_bytes =  // the state dict reads from it: it must outlive `nan`
      safetensors(R"({"w":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,12]}})", values);
  const auto nan = open_safetensors(nan_bytes, "m.safetensors");
  EXPECT_EQ(error_of([&] { nan->tensor("w", 2); }),
            "m.safetensors: \"w\"[1][2] is NaN; weights must be finite");
}

TEST(Safetensors, HalfPrecisionMatricesForLinearStayAsTheFileHoldsThem) {
  // w: BF16 2×3 with a NaN at [1][2]; h: F16 2×1 (1.5, -2); f: F32 1×2, read where it lies.
  std::string w(12, '\0');
  w[0] = '\xc0', w[1] = '\x3f';  // [0][0] = 1.5
  w[10] = '\xc0', w[11] = '\x7f';
  const std::string bytes =
      safetensors(R"({"w":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,12]},)"
                  R"("h":{"dtype":"F16","shape":[2,1],"data_offsets":[12,16]},)"
                  R"("f":{"dtype":"F32","shape":[1,2],"data_offsets":[16,24]}})",
                  w + std::string("\x00\x3e\x00\xc0", 4) + floats({1.5f, -2.0f}));
  const auto sd = open_safetensors(bytes, "m.safetensors");
  const Tensor packed = sd->unchecked_linear("w");
  ASSERT_NE(packed.packed(), nullptr);
  EXPECT_EQ(packed.data(), nullptr);
  EXPECT_EQ(packed.packed()->type, QuantType::BF16);
  EXPECT_EQ(sd->unchecked_linear("w").packed(), packed.packed());  // asked twice: the same rows
  std::vector<float> row(3);
  packed.row_into(0, row.data());
  EXPECT_EQ(row, (std::vector<float>{1.5f, 0.0f, 0.0f}));
  sd->check_finite("w", 0, 1);  // row 0 is finite
  EXPECT_EQ(error_of([&] { sd->check_finite("w", 1, 1); }),
            "m.safetensors: \"w\"[1][2] is NaN; weights must be finite");
  EXPECT_EQ(error_of([&] { sd->check_finite("w", 0, 2); }),
            "m.safetensors: \"w\"[1][2] is NaN; weights must be finite");
  const Tensor half = sd->unchecked_linear("h");
  ASSERT_NE(half.packed(), nullptr);
  EXPECT_EQ(half.packed()->type, QuantType::F16);
  sd->check_finite("h", 0, 2);
  std::vector<float> value(1);
  half.row_into(1, value.data());
  EXPECT_EQ(value[0], -2.0f);
  const Tensor f32 = sd->unchecked_linear("f");  // F32: a view, as unchecked_tensor gives
  EXPECT_EQ(f32.packed(), nullptr);
  EXPECT_EQ(f32(0, 1), -2.0f);
}

TEST(Safetensors, EveryBrokenHeaderIsAnErrorBeforeAnyRead) {
  const std::string ok = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  EXPECT_EQ(open_error(safetensors(ok, floats({1, 2}))), "");
  EXPECT_EQ(open_error("abc"),
            "m.safetensors: is 3 bytes, too short for safetensors (it starts with an 8-byte "
            "header size)");
  std::string huge = safetensors(ok, floats({1, 2}));
  huge[7] = '\x7f';
  EXPECT_NE(open_error(huge).find("is larger than the rest of the file (62 bytes)"),
            std::string::npos)
      << open_error(huge);
  EXPECT_NE(open_error(safetensors("{\"a\": [", "")).find("header is not valid JSON"),
            std::string::npos);
  EXPECT_EQ(open_error(safetensors("[1]", "")),
            "m.safetensors: safetensors header is not a JSON object");
  EXPECT_EQ(open_error(safetensors(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}})",
                                   floats({1, 2}))),
            "m.safetensors: tensor \"a\" has data_offsets [0, 16] outside the 8 bytes of data");
  EXPECT_EQ(open_error(safetensors(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})",
                                   floats({1, 2}))),
            "m.safetensors: tensor \"a\" is F32 3 (12 bytes) but its data_offsets span 8 bytes");
  EXPECT_EQ(open_error(safetensors(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                   floats({1, 2}))),
            "m.safetensors: tensor \"a\" starts at data byte 4, expected 0 (tensors must follow "
            "one another with no gap or overlap)");
  EXPECT_EQ(open_error(safetensors(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                   R"("b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                                   floats({1, 2}))),
            "m.safetensors: tensor \"b\" starts at data byte 0, expected 4 (tensors must follow "
            "one another with no gap or overlap)");
  EXPECT_EQ(open_error(safetensors(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                                   floats({1, 2}))),
            "m.safetensors: the tensors end at data byte 4 but the file has 8 bytes of data");
  EXPECT_EQ(open_error(safetensors(R"({"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}})",
                                   floats({1}))),
            "m.safetensors: tensor \"a\" has an unknown dtype \"Q4\"");
  EXPECT_EQ(open_error(safetensors(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})",
                                   floats({1}))),
            "m.safetensors: tensor \"a\" has a shape entry that is not a non-negative integer");
  EXPECT_EQ(open_error(safetensors(
                R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}})",
                floats({1}))),
            "m.safetensors: tensor \"a\" has a shape of more than 2^40 elements");
  EXPECT_EQ(open_error(safetensors(R"({"a":{"dtype":"F32","shape":[1]}})", floats({1}))),
            "m.safetensors: tensor \"a\" has no \"data_offsets\" [begin, end] of non-negative "
            "integers");
  EXPECT_EQ(open_error(safetensors(R"({"__metadata__":{"n_head":4}})", "")),
            "m.safetensors: safetensors \"__metadata__\" \"n_head\" is not a string (the format "
            "allows only strings there)");
}

TEST(Safetensors, UnsupportedDtypesAndBadMetadataAreErrorsWhenUsed) {
  const std::string bytes = safetensors(R"({"i":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},)"
                                        R"("__metadata__":{"n_head":"two","vocab":"[1]"}})",
                                        std::string(8, '\0'));
  const auto sd = open_safetensors(bytes, "m.safetensors");
  EXPECT_EQ(error_of([&] { sd->tensor("i", 1); }),
            "m.safetensors: \"i\" has dtype I64; attnviz reads F32, F16, BF16 and F64");
  EXPECT_EQ(error_of([&] { sd->setting("n_head", 10); }),
            "m.safetensors: __metadata__ \"n_head\" is \"two\", expected a positive integer");
  EXPECT_EQ(error_of([&] { sd->vocab(); }),
            "m.safetensors: __metadata__ \"vocab\"[0] is not a string");
}

TEST(Safetensors, SavedWeightsLoadBackTheSame) {
  Request request;
  request.text = "Bakı";
  request.text_origin = "--text";
  request.random.n_head = 2;
  request.random.n_embd = 8;
  const Result result = run(request);
  const std::string bytes = weights_to_safetensors(result.weights);
  std::vector<Words> warnings;
  const Weights back = load_weights(*open_state_dict(bytes, "saved.safetensors"), {}, warnings);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(back.vocab, result.weights.vocab);
  EXPECT_EQ(back.position_embedding, result.weights.position_embedding);
  EXPECT_EQ(back.heads[1].value, result.weights.heads[1].value);
  EXPECT_EQ(back.proj_bias, result.weights.proj_bias);
  EXPECT_EQ(back.block_size, result.weights.block_size);
}

TEST(StateDictFormat, ChosenByExtensionElseByContent) {
  const std::string st =
      safetensors(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", floats({1}));
  EXPECT_EQ(open_state_dict(st, "weights.bin")->keys(), std::vector<std::string>{"a"});
  EXPECT_EQ(open_state_dict(R"({"a": [[1]]})", "weights.bin")->keys(),
            std::vector<std::string>{"a"});
  Limits small;
  small.max_file_bytes = 4;
  EXPECT_EQ(error_of([&] { open_state_dict(R"({"a": [[1]]})", "w.json", small); }),
            "w.json: is 12 bytes, larger than the limit of 4 bytes for JSON weights "
            "(--max-file-size raises it; safetensors has no limit)");
  EXPECT_NO_THROW(open_state_dict(st, "w.safetensors", small));
}

}  // namespace
}  // namespace attnviz
