// Hugging Face folders of the decoders after GPT-2 from the command line: each family's folder
// (reference/hf, made by make_hf_models.py) opens with --weights DIR and its own tokenizer.json,
// and every view shows the attention PyTorch computed, the grouped heads named by their key/value
// head and each layer's sliding window.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_fixture.hpp"

namespace attnviz::test {
namespace {

using nlohmann::json;

const std::string kFolders = ATTNVIZ_REFERENCE "/hf/";

json expected_of(const std::string& name) {
  std::ifstream in(kFolders + name + ".expected.json");
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str());
}

class DecoderFolder : public CliTest {};

TEST_F(DecoderFolder, EachFamilysJsonHoldsThePyTorchAttention) {
  for (const char* name : {"llama", "mistral", "qwen2", "qwen3", "gemma", "gemma2", "gemma3"}) {
    const json want = expected_of(name);
    const Outcome o =
        run({"--weights", kFolders + name, "--text", want["text"], "--json", "-", "--no-table"});
    ASSERT_EQ(o.status, 0) << name << ": " << o.err;
    const json got = json::parse(o.out);
    EXPECT_EQ(got["token_ids"], want["ids"]) << name;  // its tokenizer.json read the text
    ASSERT_EQ(got["layers"].size(), want["layers"].size()) << name;
    float worst = 0;
    for (size_t l = 0; l < want["layers"].size(); ++l) {
      for (size_t h = 0; h < want["layers"][l]["heads"].size(); ++h) {
        const json& a = got["layers"][l]["heads"][h]["weights"];
        const json& b = want["layers"][l]["heads"][h];
        for (size_t i = 0; i < b.size(); ++i) {
          for (size_t j = 0; j < b[i].size(); ++j) {
            worst = std::max(worst, std::abs(a[i][j].get<float>() - b[i][j].get<float>()));
          }
        }
      }
    }
    EXPECT_LE(worst, 2e-5f) << name;
    EXPECT_EQ(got["config"]["rotary"], true) << name;
    const int n_head = want["n_head"], n_kv = want["n_kv_head"];
    if (n_kv < n_head) {  // each query head's key/value head
      ASSERT_EQ(got["config"]["kv_head_of"].size(), static_cast<size_t>(n_head)) << name;
      EXPECT_EQ(got["config"]["kv_head_of"][n_head - 1], n_kv - 1) << name;
    }
  }
}

TEST_F(DecoderFolder, TheViewsNameGroupedHeadsAndSlidingWindows) {
  const json want = expected_of("gemma3");
  const std::string text = want["text"];
  // The table: layer 0 slides over 7 tokens, head 3 shares key/value head 1.
  Outcome o =
      run({"--weights", kFolders + "gemma3", "--text", text, "--layer", "0", "--head", "3"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("layer 0 · head 3 ← KV 1 · window 7"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("this layer attends through a sliding window"), std::string::npos);
  EXPECT_NE(o.out.find("rotary positions"), std::string::npos);
  // JSON: each sliding layer's window.
  o = run({"--weights", kFolders + "gemma3", "--text", text, "--json", "-", "--no-table"});
  const json got = json::parse(o.out);
  EXPECT_EQ(got["layers"][0]["sliding_window"], 7);
  EXPECT_FALSE(got["layers"][1].contains("sliding_window"));
  // --explain: RMSNorm and the rotation, in English and Azerbaijani.
  o = run({"--weights", kFolders + "qwen3", "--text", "Mən çayı", "--explain", "--layer", "1",
           "--head", "1"});
  ASSERT_EQ(o.status, 0) << o.err;
  for (const char* part : {"RMSNorm(x)", "Rotary positions", "pos · θ", "q turned", "k turned",
                           "key/value head 0", "q_norm, k_norm"}) {
    EXPECT_NE(o.out.find(part), std::string::npos) << part;
  }
  o = run({"--weights", kFolders + "qwen3", "--text", "Mən çayı", "--explain", "--lang", "az"});
  EXPECT_NE(o.out.find("Fırlanan mövqelər"), std::string::npos);
  // The pictures, the page and --generate.
  o = run({"--weights", kFolders + "gemma2", "--text", text, "--png", path("a.png"), "--svg",
           path("a.svg"), "--html", path("a.html"), "--no-table"});
  ASSERT_EQ(o.status, 0) << o.err;
  for (const char* file : {"a.png", "a.svg", "a.html"}) {
    EXPECT_GT(std::filesystem::file_size(path(file)), 1000u) << file;
  }
  o = run({"--weights", kFolders + "llama", "--text", "Mən", "--generate", "8", "--json", "-",
           "--no-table"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(json::parse(o.out)["generation"]["steps"].size(), 8u);
}

// A BF16 folder's matrices are kept as the file holds them and checked as the pass reaches them:
// a NaN in layer 1's q_proj is named by its row and column, and no picture is written.
TEST_F(DecoderFolder, ANaNInABf16MatrixIsNamedAndNothingIsWritten) {
  const fs::path folder = path("llama");
  fs::copy(kFolders + "llama", folder);
  const std::string file = (folder / "model.safetensors").string();
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    std::stringstream all;
    all << in.rdbuf();
    bytes = all.str();
  }
  uint64_t header = 0;
  std::memcpy(&header, bytes.data(), 8);
  const json tensors = json::parse(bytes.substr(8, header));
  const std::string key = "model.layers.1.self_attn.q_proj.weight";
  ASSERT_EQ(tensors[key]["dtype"], "BF16");
  const int cols = tensors[key]["shape"][1];
  const size_t at = 8 + header + tensors[key]["data_offsets"][0].get<size_t>() + 2 * (2 * cols + 3);
  bytes[at] = '\xc0', bytes[at + 1] = '\x7f';  // [2][3] = NaN
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  expect_error({"--weights", folder.string(), "--text", "Mən çayı", "--png", path("a.png")}, 1,
               file + ": \"" + key + "\"[2][3] is NaN; weights must be finite");
  EXPECT_FALSE(fs::exists(path("a.png")));
}

}  // namespace
}  // namespace attnviz::test
