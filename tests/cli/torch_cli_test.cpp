// The files a learner saves from PyTorch, each opened in one command as its training code opens
// it: nanoGPT's ckpt.pt with its data/DATASET/meta.pkl (or GPT-2's tokenizer, built in), gpt.py's
// model.pth with its training text, a whole-module save, a legacy file, a pytorch_model.bin
// folder — every layer's attention and the guesses equal to PyTorch's forward
// (reference/make_models.py), and a whole model converted by --save-weights opening alone.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "run_attnviz.hpp"

namespace {

namespace fs = std::filesystem;
using attnviz::test::Outcome;
using attnviz::test::slurp;
using nlohmann::json;

const std::string kModels = ATTNVIZ_REFERENCE "/models/";

json expected_of(const std::string& name) {
  return json::parse(slurp(kModels + name + ".expected.json"));
}

class TorchFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("attnviz-torch-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / ".io");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A copy of a fixture at `to` (folders made as needed); its path.
  std::string place(const std::string& fixture, const fs::path& to) const {
    fs::create_directories((dir_ / to).parent_path());
    fs::copy_file(kModels + fixture, dir_ / to, fs::copy_options::overwrite_existing);
    return (dir_ / to).string();
  }

  Outcome run(const std::vector<std::string>& args, const std::string& cwd = "") const {
    attnviz::test::RunOptions options;
    options.capture_dir = (dir_ / ".io").string();
    options.cwd = cwd;
    return attnviz::test::run_attnviz(args, options);
  }

  // `--text` of the fixture, as JSON: every layer's heads within 2e-5 of PyTorch's weights, the
  // same ids and the same guesses (probabilities within 2e-5).
  json expect_like_pytorch(const json& expected, std::vector<std::string> args,
                           const std::string& cwd = "") const {
    args.insert(args.end(), {"--text", expected["text"], "--json", "-"});
    const Outcome o = run(args, cwd);
    EXPECT_EQ(o.status, 0) << o.err;
    EXPECT_EQ(o.err, "");
    if (o.status != 0) return json();
    const json out = json::parse(o.out);
    EXPECT_EQ(out["token_ids"], expected["ids"]);
    float worst = 0, p = 0;
    for (size_t l = 0; l < expected["layers"].size(); ++l) {
      const json& heads = expected["layers"][l]["heads"];
      for (size_t h = 0; h < heads.size(); ++h) {
        const json& got = out["layers"][l]["heads"][h]["weights"];
        for (size_t i = 0; i < got.size(); ++i) {
          for (size_t j = 0; j < got[i].size(); ++j) {
            worst = std::max(worst, std::abs(got[i][j].get<float>() - heads[h][i][j].get<float>()));
          }
        }
      }
    }
    for (size_t t = 0; t < expected["predictions"].size(); ++t) {
      for (size_t r = 0; r < 5; ++r) {
        const json &got = out["predictions"][t][r], &want = expected["predictions"][t][r];
        EXPECT_EQ(got["id"], want["id"]) << "position " << t;
        p = std::max(p, std::abs(got["p"].get<float>() - want["p"].get<float>()));
      }
    }
    EXPECT_LE(worst, 2e-5f);
    EXPECT_LE(p, 2e-5f);
    return out;
  }

  void expect_error(const std::vector<std::string>& args, const std::string& message) const {
    const Outcome o = run(args);
    EXPECT_EQ(o.status, 1) << o.err;
    EXPECT_EQ(o.err.rfind("attnviz: error: ", 0), 0u) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
    EXPECT_NE(o.err.find(message), std::string::npos) << o.err;
    EXPECT_EQ(o.out, "");
  }

  fs::path dir_;
};

// nanoGPT's layout: out-shakespeare-char/ckpt.pt beside data/shakespeare_char/meta.pkl, found
// from the checkpoint's folder and from the current folder, as sample.py finds it; the zip
// checkpoint, the legacy one and torch.compile's.
TEST_F(TorchFiles, NanoGptCheckpointFindsItsMetaPkl) {
  const std::string meta = place("meta.pkl", "nanogpt/data/shakespeare_char/meta.pkl");
  for (const auto& [file, name] : {std::pair{"nanogpt_ckpt.pt", "nanogpt"},
                                   {"nanogpt_legacy.pt", "nanogpt_en"},
                                   {"nanogpt_compiled_ckpt.pt", "nanogpt_compiled"}}) {
    SCOPED_TRACE(file);
    const std::string ckpt = place(file, "nanogpt/out-shakespeare-char/ckpt.pt");
    const json out = expect_like_pytorch(expected_of(name), {"--weights", ckpt});
    EXPECT_EQ(out["config"]["tokenizer"], "codepoint");  // Python's characters
    expect_like_pytorch(expected_of(name), {"--weights", "out-shakespeare-char/ckpt.pt"},
                        (dir_ / "nanogpt").string());
  }
  // One layer's attention module (--prefix) reads the same vocabulary: layer 0 as PyTorch has it.
  const json expected = expected_of("nanogpt");
  const std::string ckpt = place("nanogpt_ckpt.pt", "nanogpt/out-layer/ckpt.pt");
  const Outcome layer0 = run({"--weights", ckpt, "--prefix", "transformer.h.0.attn.", "--text",
                              expected["text"], "--json", "-"});
  ASSERT_EQ(layer0.status, 0) << layer0.err;
  const json heads = json::parse(layer0.out)["heads"];
  ASSERT_EQ(heads.size(), 4u);
  float worst = 0;
  for (size_t h = 0; h < 4; ++h) {
    const json &got = heads[h]["weights"], &want = expected["layers"][0]["heads"][h];
    for (size_t i = 0; i < got.size(); ++i) {
      for (size_t j = 0; j < got[i].size(); ++j) {
        worst = std::max(worst, std::abs(got[i][j].get<float>() - want[i][j].get<float>()));
      }
    }
  }
  EXPECT_LE(worst, 2e-5f);
  // Given by hand: the meta.pkl, or the same vocabulary as a JSON list.
  const std::string elsewhere = place("nanogpt_ckpt.pt", "elsewhere/ckpt.pt");
  expect_like_pytorch(expected_of("nanogpt"), {"--weights", elsewhere, "--vocab", meta});
  expect_like_pytorch(expected_of("nanogpt"),
                      {"--weights", elsewhere, "--vocab", kModels + "vocab.json"});
  expect_error({"--weights", elsewhere, "--text", "salam"},
               "ckpt.pt: the checkpoint was trained on dataset \"shakespeare_char\" but "
               "data/shakespeare_char/meta.pkl is not in the current folder");
  std::ofstream(dir_ / "short.json") << R"(["a", "b"])";
  expect_error(
      {"--weights", elsewhere, "--text", "salam", "--vocab", (dir_ / "short.json").string()},
      "short.json: the vocabulary has 2 tokens but the model's embedding has 38 rows");
  expect_error({"--text", "salam", "--vocab", meta},
               "--vocab and --vocab-text give the vocabulary of a --weights file");
}

// gpt.py saves no vocabulary: its training text gives it (sorted(set(text))), for the
// state_dict, the whole module and a float64 legacy file alike.
TEST_F(TorchFiles, GptPyModelWithItsTrainingText) {
  const std::string text = kModels + "gptpy_input.txt";
  for (const char* file : {"gptpy_model.pth", "gptpy_module.pt", "gptpy_f64_legacy.pth"}) {
    SCOPED_TRACE(file);
    expect_like_pytorch(expected_of("gptpy"), {"--weights", kModels + file, "--vocab-text", text});
    expect_like_pytorch(expected_of("gptpy_en"),
                        {"--weights", kModels + file, "--vocab-text", text});
  }
  expect_error({"--weights", kModels + "gptpy_model.pth", "--text", "salam"},
               "gptpy_model.pth: the model has no vocabulary (38 embedding rows: a character "
               "model); give its training text with --vocab-text FILE");
  // A character model reads code points, as Python does: i + U+0307 are two tokens here.
  expect_error(
      {"--weights", kModels + "gptpy_model.pth", "--vocab-text", text, "--text", "i\xCC\x87"},
      "token \"\xCC\x87\" (position 1) is not in \"vocab\"");
}

// A GPT-2-sized vocabulary without a meta.pkl is GPT-2's BPE, built in, as sample.py falls back
// to tiktoken's gpt2; nanoGPT's padding rows (50 257 … 50 303) are never guessed.
TEST_F(TorchFiles, Gpt2SizedCheckpointReadsGpt2Tokens) {
  const json expected = expected_of("nanogpt_gpt2");
  const json out = expect_like_pytorch(expected, {"--weights", kModels + "nanogpt_gpt2_ckpt.pt"});
  EXPECT_EQ(out["config"]["tokenizer"], "bpe");
  EXPECT_EQ(out["tokens"][1], "⟨C9⟩");  // "Mən": ə is two byte tokens
  for (const json& row : out["predictions"]) {
    for (const json& guess : row) EXPECT_LT(guess["id"].get<int>(), 50257);
  }
}

// A Hugging Face folder with pytorch_model.bin and no safetensors.
TEST_F(TorchFiles, PytorchModelBinFolder) {
  place("gpt2_bpe.bin", "gpt2/pytorch_model.bin");
  place("gpt2_bpe.config.json", "gpt2/config.json");
  expect_like_pytorch(expected_of("gpt2_bpe"), {"--weights", (dir_ / "gpt2").string()});
}

// A folder whose pytorch_model.bin is split in two, as save_pretrained shards a large model: each
// tensor read from the file the index names; a broken index refused by name.
TEST_F(TorchFiles, ShardedPytorchModelBin) {
  const fs::path folder = dir_ / "sharded";
  fs::copy(kModels + "gpt2_sharded", folder);
  const std::vector<std::string> args = {"--weights", folder.string(), "--vocab",
                                         kModels + "vocab.json"};
  expect_like_pytorch(expected_of("gpt2_hf"), args);
  const std::string index_path = (folder / "pytorch_model.bin.index.json").string();
  const std::string index = slurp(index_path);
  const auto with_index = [&](const std::string& text) {
    std::ofstream(index_path, std::ios::binary | std::ios::trunc) << text;
    std::vector<std::string> a = args;
    a.insert(a.end(), {"--text", "salam"});
    return a;
  };
  std::string moved = index;
  moved.replace(moved.find("00001-of"), 8, "00002-of");  // the first tensor, in the other file
  expect_error(with_index(moved), "pytorch_model.bin.index.json: places \"");
  expect_error(with_index(R"({"weight_map": {"wte.weight": "../model.bin"}})"),
               "pytorch_model.bin.index.json: names the shard \"../model.bin\", which is not a "
               "file name in the index's folder");
  expect_error(with_index("[]"), "pytorch_model.bin.index.json: not a checkpoint index");
  expect_error(with_index(R"({"weight_map": {"wte.weight": "gone.bin"}})"), "gone.bin");
}

// A folder sharded as safetensors (model.safetensors.index.json): the same index, each shard
// opened by content.
TEST_F(TorchFiles, ShardedSafetensors) {
  const fs::path folder = dir_ / "sharded";
  place("gpt2_hf.safetensors", "sharded/model-00001-of-00001.safetensors");
  place("gpt2_sharded/config.json", "sharded/config.json");
  json index = json::parse(slurp(kModels + "gpt2_sharded/pytorch_model.bin.index.json"));
  for (auto& [key, file] : index["weight_map"].items()) file = "model-00001-of-00001.safetensors";
  std::ofstream(folder / "model.safetensors.index.json") << index.dump();
  expect_like_pytorch(expected_of("gpt2_hf"), {"--weights", folder.string()});
}

// --save-weights of a whole model: safetensors with its settings and vocabulary, which opens
// alone and runs to the same numbers.
TEST_F(TorchFiles, SaveWeightsConvertsAWholeModel) {
  place("meta.pkl", "data/shakespeare_char/meta.pkl");
  const std::string ckpt = place("nanogpt_ckpt.pt", "out/ckpt.pt");
  const std::string converted = (dir_ / "nanogpt.safetensors").string();
  const Outcome save =
      run({"--weights", ckpt, "--text", "salam", "--no-table", "--save-weights", converted});
  ASSERT_EQ(save.status, 0) << save.err;
  // Its header: the settings and vocabulary, and the tied lm_head (one storage with wte in the
  // checkpoint) left out, as the loader ties a missing one.
  const std::string bytes = slurp(converted);
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  const json header = json::parse(bytes.substr(8, n));
  EXPECT_FALSE(header.contains("lm_head.weight"));
  EXPECT_TRUE(header.contains("transformer.wte.weight"));
  EXPECT_EQ(header["__metadata__"]["n_head"], "4");
  EXPECT_EQ(json::parse(header["__metadata__"]["vocab"].get<std::string>()),
            json::parse(slurp(kModels + "vocab.json")));
  const json out = expect_like_pytorch(expected_of("nanogpt"), {"--weights", converted});
  EXPECT_EQ(out["config"]["n_layer"], 3);
  const std::string json_file = (dir_ / "model.json").string();
  expect_error({"--weights", ckpt, "--text", "salam", "--save-weights", json_file},
               "--save-weights writes a whole model as safetensors");
  EXPECT_FALSE(fs::exists(json_file));
}

}  // namespace
