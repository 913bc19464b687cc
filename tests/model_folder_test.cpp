// Hugging Face model folders: the files found in them, config.json read and checked field by
// field, and its settings held against the weights.
#include "attnviz/formats/model_folder.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "attnviz/model/transformer.hpp"
#include "reference_util.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kModels = ATTNVIZ_REFERENCE "/models/";

// config.json of the gpt2_hf fixture, as save_pretrained writes it for GPT-2.
json gpt2_config() {
  return {{"model_type", "gpt2"},
          {"architectures", {"GPT2LMHeadModel"}},
          {"activation_function", "gelu_new"},
          {"n_layer", 2},
          {"n_head", 4},
          {"n_embd", 32},
          {"n_positions", 64},
          {"n_ctx", 64},
          {"vocab_size",
           json::parse(test::slurp(kModels + "gpt2_hf.expected.json"))["logits"][0].size()},
          {"layer_norm_epsilon", 1e-5},
          {"scale_attn_by_inverse_layer_idx", false},
          {"reorder_and_upcast_attn", false}};
}

class ModelFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("attnviz-folder-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& content) const {
    std::ofstream(dir_ / name, std::ios::binary) << content;
  }
  fs::path dir_;
};

std::string config_error(const json& doc) {
  return test::error_of([&] { parse_model_config(doc.dump(), "config.json"); });
}

TEST_F(ModelFolderTest, AFolderLoadsAndComputesAsPyTorch) {
  fs::copy_file(kModels + "gpt2_hf.safetensors", dir_ / "model.safetensors");
  write("config.json", gpt2_config().dump(2));
  write("vocab.json", "{}");
  write("merges.txt", "#version: 0.2\n");
  const ModelFolder folder = find_model_files(dir_.string());
  EXPECT_EQ(folder.weights, (dir_ / "model.safetensors").string());
  ASSERT_TRUE(folder.config);
  ASSERT_TRUE(folder.tokenizer);
  EXPECT_EQ(folder.tokenizer->vocab, (dir_ / "vocab.json").string());
  EXPECT_EQ(folder.tokenizer->merges, (dir_ / "merges.txt").string());

  const ModelSettings settings = parse_model_config(test::slurp(*folder.config), "config.json");
  EXPECT_EQ(settings.n_layer, 2);
  EXPECT_EQ(settings.n_head, 4);
  const std::string bytes = test::slurp(folder.weights);
  std::vector<Words> warnings;
  const Transformer model =
      load_transformer(*open_state_dict(bytes, "model.safetensors"), settings, warnings);
  EXPECT_EQ(model.activation, Activation::GeluTanh);
  const json expected = json::parse(test::slurp(kModels + "gpt2_hf.expected.json"));
  const ForwardTrace trace = forward(model, expected["ids"].get<std::vector<int>>());
  EXPECT_LE(test::max_difference(trace.logits, expected["logits"]), 1e-4f);
}

TEST_F(ModelFolderTest, TokenizerFilesInEachLayout) {
  EXPECT_FALSE(find_tokenizer_files(dir_.string()));
  write("tokenizer.json", "{}");
  EXPECT_EQ(find_tokenizer_files(dir_.string())->merges, "");
  write("encoder.json", "{}");
  write("vocab.bpe", "");
  EXPECT_EQ(find_tokenizer_files(dir_.string())->merges, (dir_ / "vocab.bpe").string());
}

TEST_F(ModelFolderTest, AFolderWithoutWeightsSaysWhatItHas) {
  EXPECT_EQ(test::error_of([&] { find_model_files(dir_.string()); }),
            dir_.string() + ": no model.safetensors or pytorch_model.bin in the folder");
  write("tf_model.h5", "");
  EXPECT_EQ(test::error_of([&] { find_model_files(dir_.string()); }),
            dir_.string() +
                ": no model.safetensors or pytorch_model.bin in the folder, which has "
                "tf_model.h5; attnviz reads PyTorch's weights (save them with save_pretrained "
                "from PyTorch)");
}

// A sharded checkpoint's index when there is no single file; safetensors' first.
TEST_F(ModelFolderTest, AShardedCheckpointsIndex) {
  write("pytorch_model.bin.index.json", "{}");
  EXPECT_EQ(find_model_files(dir_.string()).weights,
            (dir_ / "pytorch_model.bin.index.json").string());
  write("model.safetensors.index.json", "{}");
  EXPECT_EQ(find_model_files(dir_.string()).weights,
            (dir_ / "model.safetensors.index.json").string());
  write("pytorch_model.bin", "");
  EXPECT_EQ(find_model_files(dir_.string()).weights, (dir_ / "pytorch_model.bin").string());
}

// transformers' older default, torch.save's pytorch_model.bin, when there is no safetensors.
TEST_F(ModelFolderTest, PytorchModelBinWhenThereIsNoSafetensors) {
  write("pytorch_model.bin", "");
  EXPECT_EQ(find_model_files(dir_.string()).weights, (dir_ / "pytorch_model.bin").string());
  write("model.safetensors", "");
  EXPECT_EQ(find_model_files(dir_.string()).weights, (dir_ / "model.safetensors").string());
}

TEST(ModelConfig, EachAbsurdOrMissingFieldIsNamed) {
  EXPECT_EQ(config_error(gpt2_config()), "");
  json c = gpt2_config();
  c.erase("n_head");
  EXPECT_EQ(config_error(c), "config.json: missing \"n_head\"");
  c = gpt2_config();
  c["n_layer"] = 0;
  EXPECT_EQ(config_error(c), "config.json: \"n_layer\" is 0, expected an integer from 1 to 1024");
  c = gpt2_config();
  c["n_embd"] = "32";
  EXPECT_EQ(config_error(c),
            "config.json: \"n_embd\" is \"32\", expected an integer from 1 to 4096");
  c = gpt2_config();
  c["n_head"] = 5;
  EXPECT_EQ(config_error(c), "config.json: n_head 5 does not divide n_embd 32");
  c = gpt2_config();
  c["layer_norm_epsilon"] = -1;
  EXPECT_EQ(config_error(c),
            "config.json: \"layer_norm_epsilon\" is -1, expected a number above "
            "0 and below 0.1");
  c["layer_norm_epsilon"] = 1e-50;  // positive, but 0 as float32 (found by the fuzz target)
  EXPECT_EQ(config_error(c),
            "config.json: \"layer_norm_epsilon\" is 1e-50, expected a number above "
            "0 and below 0.1");
  c = gpt2_config();
  c["scale_attn_by_inverse_layer_idx"] = "yes";
  EXPECT_EQ(config_error(c),
            "config.json: \"scale_attn_by_inverse_layer_idx\" is \"yes\", "
            "expected true or false");
  c = gpt2_config();
  c["model_type"] = "llama";
  EXPECT_EQ(config_error(c),
            "config.json: model_type is \"llama\"; attnviz reads GPT-2 models (\"gpt2\")");
  EXPECT_EQ(config_error(json::array()), "config.json: expected a JSON object of settings");
  EXPECT_EQ(test::error_of([] {
              parse_model_config("{\"n_layer\": ", "config.json");
            }).rfind("config.json: not valid JSON: parse error", 0),
            0u);
}

TEST(ModelConfig, SettingsThatDisagreeWithTheWeightsAreErrors) {
  const std::string bytes = test::slurp(kModels + "gpt2_hf.safetensors");
  const auto sd = open_state_dict(bytes, "model.safetensors");
  const auto error = [&](const json& config) {
    std::vector<Words> warnings;
    return test::error_of(
        [&] { load_transformer(*sd, parse_model_config(config.dump(), "config.json"), warnings); });
  };
  json c = gpt2_config();
  c["n_layer"] = 3;
  EXPECT_EQ(error(c), "model.safetensors: n_layer is 3 but the file has 2 blocks (h.0. … h.1.)");
  c = gpt2_config();
  c["n_embd"] = 64;
  EXPECT_EQ(error(c),
            "model.safetensors: config.json says n_embd = 64, but \"wte.weight\" has "
            "32 columns");
  c = gpt2_config();
  c["n_positions"] = 1024;
  EXPECT_EQ(error(c),
            "model.safetensors: config.json says n_positions = 1024, but "
            "\"wpe.weight\" has 64 rows");
  c = gpt2_config();
  c["activation_function"] = "swish";
  EXPECT_EQ(error(c),
            "model.safetensors: activation_function \"swish\" is not supported; "
            "attnviz computes gelu_new, gelu and relu");
  c = gpt2_config();
  c["scale_attn_by_inverse_layer_idx"] = true;
  EXPECT_EQ(error(c),
            "model.safetensors: scale_attn_by_inverse_layer_idx is true, which attnviz "
            "does not compute; its attention would differ from the model's");
}

}  // namespace
}  // namespace attnviz
