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

// OpenAI's files, Hugging Face's GPT-2 files, and tokenizer.json before both (a Qwen folder has
// all three; only tokenizer.json says how Qwen splits a text), with tokenizer_config.json.
TEST_F(ModelFolderTest, TokenizerFilesInEachLayout) {
  EXPECT_FALSE(find_tokenizer_files(dir_.string()));
  write("encoder.json", "{}");
  write("vocab.bpe", "");
  EXPECT_EQ(find_tokenizer_files(dir_.string())->merges, (dir_ / "vocab.bpe").string());
  write("vocab.json", "{}");
  write("merges.txt", "");
  EXPECT_EQ(find_tokenizer_files(dir_.string())->merges, (dir_ / "merges.txt").string());
  write("tokenizer.json", "{}");
  TokenizerFiles files = *find_tokenizer_files(dir_.string());
  EXPECT_EQ(files.vocab, (dir_ / "tokenizer.json").string());
  EXPECT_EQ(files.merges, "");
  EXPECT_EQ(files.config, "");
  write("tokenizer_config.json", "{}");
  EXPECT_EQ(find_tokenizer_files(dir_.string())->config, (dir_ / "tokenizer_config.json").string());
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

json decoder_config(const std::string& name) {
  return json::parse(test::slurp(ATTNVIZ_REFERENCE "/hf/" + name + "/config.json"));
}

DecoderSettings decoder_settings(const json& doc) {
  return *parse_model_config(doc.dump(), "config.json").decoder;
}

// Each family's fields as transformers' configuration classes read them, their defaults included.
TEST(DecoderConfig, FieldsAndTheClassesDefaults) {
  DecoderSettings s = decoder_settings(decoder_config("llama"));
  EXPECT_EQ(s.model_type, "llama");
  EXPECT_EQ(s.n_layer, 2);
  EXPECT_EQ(s.n_kv_head, 2);
  EXPECT_EQ(s.head_dim, 12);  // hidden_size / num_attention_heads
  EXPECT_EQ(s.rope.type, "llama3");
  EXPECT_EQ(s.rope.original_max_positions, 64);
  EXPECT_FALSE(s.tie_word_embeddings);
  EXPECT_EQ(s.sliding, std::vector<bool>(2, false));
  s = decoder_settings(decoder_config("qwen3"));
  EXPECT_EQ(s.head_dim, 16);  // given, not 48 / 4
  // Gemma 2 without layer_types: every other layer slides, from the first; the caps given.
  s = decoder_settings(decoder_config("gemma2"));
  EXPECT_EQ(s.sliding, (std::vector<bool>{true, false}));
  EXPECT_EQ(s.sliding_window, 5);
  EXPECT_EQ(s.attn_softcap, 4.0f);
  EXPECT_EQ(s.hidden_act, "gelu_pytorch_tanh");
  // Gemma 3: the sliding layers turn with rope_local_base_freq, unscaled.
  s = decoder_settings(decoder_config("gemma3"));
  EXPECT_EQ(s.sliding, (std::vector<bool>{true, false, true}));
  EXPECT_EQ(s.local_rope.theta, 10000.0);
  EXPECT_EQ(s.local_rope.type, "default");
  EXPECT_EQ(s.rope.type, "linear");
  EXPECT_EQ(s.rope.theta, 1e6);
  EXPECT_TRUE(s.tie_word_embeddings);  // Gemma's default
  // Gemma 3's multimodal config: the text model's in text_config.
  json wrapped = {{"model_type", "gemma3"}, {"text_config", decoder_config("gemma3")}};
  EXPECT_EQ(decoder_settings(wrapped).n_layer, 3);
  // Mistral's window set to null: full attention everywhere; Qwen's only with use_sliding_window.
  json c = decoder_config("mistral");
  c["sliding_window"] = nullptr;
  EXPECT_EQ(decoder_settings(c).sliding, std::vector<bool>(2, false));
  c = decoder_config("qwen2");
  c["use_sliding_window"] = true;
  c["max_window_layers"] = 1;
  EXPECT_EQ(decoder_settings(c).sliding, (std::vector<bool>{false, true}));
  // Without model_type, the class in architectures says which.
  c = decoder_config("qwen3");
  c.erase("model_type");
  EXPECT_EQ(decoder_settings(c).model_type, "qwen3");
  // Gemma's early configs said "gelu": transformers computes the tanh GELU all the same.
  c = decoder_config("gemma");
  c.erase("hidden_activation");
  EXPECT_EQ(decoder_settings(c).hidden_act, "gelu_pytorch_tanh");
}

TEST(DecoderConfig, EachAbsurdOrMissingFieldIsNamed) {
  const auto error = [](json c) { return config_error(c); };
  json c = decoder_config("llama");
  EXPECT_EQ(error(c), "");
  c.erase("hidden_size");
  EXPECT_EQ(error(c), "config.json: missing \"hidden_size\"");
  c = decoder_config("llama");
  c["num_key_value_heads"] = 3;
  EXPECT_EQ(error(c), "config.json: num_key_value_heads 3 does not divide num_attention_heads 4");
  c = decoder_config("llama");
  c["head_dim"] = 13;
  EXPECT_EQ(error(c),
            "config.json: \"head_dim\" is 13, expected an even number (rotary "
            "embedding turns pairs)");
  c = decoder_config("llama");
  c["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0}};
  EXPECT_EQ(error(c),
            "config.json: rope type \"yarn\" is not computed by attnviz; it computes "
            "default, linear and llama3");
  c = decoder_config("llama");
  c["rope_scaling"].erase("factor");
  EXPECT_EQ(error(c), "config.json: \"rope_scaling.factor\" is null, expected a number");
  c = decoder_config("llama");
  c["rope_scaling"]["low_freq_factor"] = -1;
  EXPECT_EQ(error(c),
            "config.json: \"rope_scaling.low_freq_factor\" is -1, expected a number "
            "above 0.0 and at most 1000000.0");
  c = decoder_config("llama");
  c["partial_rotary_factor"] = 0.5;
  EXPECT_EQ(error(c),
            "config.json: partial_rotary_factor = 0.5, which attnviz does not compute; "
            "its attention would differ from the model's");
  c = decoder_config("gemma3");
  c["layer_types"] = {"sliding_attention", "full_attention"};
  EXPECT_EQ(error(c),
            "config.json: \"layer_types\" is [\"sliding_attention\",\"full_at…, "
            "expected a list of 3 layer types, one per layer");
  c = decoder_config("gemma3");
  c["layer_types"][1] = "chunked_attention";
  EXPECT_EQ(error(c),
            "config.json: \"layer_types[1]\" is \"chunked_attention\", expected "
            "\"full_attention\" or \"sliding_attention\"");
  c = decoder_config("gemma3");
  c["use_bidirectional_attention"] = true;
  EXPECT_EQ(error(c),
            "use_bidirectional_attention is true, which attnviz does not compute; its "
            "attention would differ from the model's");
  EXPECT_EQ(error(json{{"model_type", "gemma3"}}), "config.json: missing \"text_config\"");
  c = decoder_config("qwen2");
  c.erase("model_type");
  c["architectures"] = {"Phi3ForCausalLM"};
  EXPECT_EQ(error(c),
            "config.json: model_type is \"Phi3ForCausalLM\"; attnviz reads gpt2, "
            "llama, mistral, qwen2, qwen3, gemma, gemma2, gemma3 and gemma3_text");
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
  c["model_type"] = "bert";
  EXPECT_EQ(config_error(c),
            "config.json: model_type is \"bert\"; attnviz reads gpt2, llama, mistral, qwen2, "
            "qwen3, gemma, gemma2, gemma3 and gemma3_text");
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
