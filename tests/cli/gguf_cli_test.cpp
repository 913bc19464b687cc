// GGUF files and Ollama's store from the command line: reference/gguf/tiny-llama-Q8_0.gguf (made by
// tests/llama/make_gguf_fixture.py: quantized by llama.cpp, carrying its own SentencePiece
// vocabulary) opens with --weights FILE and with --weights ollama:NAME from a store laid out as
// Ollama lays it out; every view runs on it; a store's broken parts are each one error.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_fixture.hpp"

namespace attnviz::test {
namespace {

using nlohmann::json;

const std::string kTiny = ATTNVIZ_REFERENCE "/gguf/tiny-llama-Q8_0.gguf";
const std::string kText = "Mən çayı sevirəm";

// What `command` writes on its standard output.
std::string output_of(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  for (size_t n; pipe && (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  if (pipe) pclose(pipe);
  return out;
}

class Gguf : public CliTest {
 protected:
  // An Ollama store in the test's folder holding the fixture as NAME:TAG, its manifest written by
  // `manifest` (given the blob's digest and size), as Ollama writes one by default.
  std::string store(const std::string& name = "tiny", const std::string& tag = "latest",
                    std::string manifest = "") {
    const fs::path root = dir_ / "ollama";
    const std::string hex = output_of("sha256sum " + kTiny).substr(0, 64);
    digest_ = "sha256:" + hex;
    fs::create_directories(root / "blobs");
    fs::copy_file(kTiny, root / "blobs" / ("sha256-" + hex), fs::copy_options::overwrite_existing);
    if (manifest.empty()) {
      manifest =
          R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"
          R"("config":{"mediaType":"application/vnd.docker.container.image.v1+json",)"
          R"("digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":2},)"
          R"("layers":[{"mediaType":"application/vnd.ollama.image.model","digest":")" +
          digest_ + R"(","size":)" + std::to_string(fs::file_size(kTiny)) +
          R"(},{"mediaType":"application/vnd.ollama.image.template","digest":"sha256:11","size":3}]})";
    }
    const fs::path folder = root / "manifests" / "registry.ollama.ai" / "library" / name;
    fs::create_directories(folder);
    std::ofstream(folder / tag) << manifest;
    return "OLLAMA_MODELS=" + root.string();
  }

  // A failing run with the store: one error line naming `message`, status 1, nothing written.
  void expect_store_error(const std::vector<std::string>& args, const std::string& env,
                          const std::string& message) {
    const Outcome o = run(args, {env});
    EXPECT_EQ(o.status, 1) << o.err;
    EXPECT_EQ(o.err.rfind("attnviz: error: ", 0), 0u) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
    EXPECT_NE(o.err.find(message), std::string::npos) << o.err;
    EXPECT_EQ(o.out, "");
  }

  std::string digest_;
};

TEST_F(Gguf, OpensWithItsOwnTokenizerAndEveryViewRuns) {
  const Outcome table = run({"--weights", kTiny, "--text", kText, "--color", "never"});
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("Llama, 2 layers × 4 heads, 16 tokens"), std::string::npos);
  EXPECT_NE(table.out.find("layer 0 · head 1 ← KV 0"), std::string::npos);
  // What llama.cpp quantized it to (general.file_type), after the file's name
  EXPECT_NE(table.out.find(kTiny + " (Q8_0)"), std::string::npos) << table.out;
  const Outcome views =
      run({"--weights", kTiny, "--text", kText, "--json", path("a.json"), "--png", path("a.png"),
           "--svg", path("a.svg"), "--html", path("a.html"), "--trace", "--rollout"});
  ASSERT_EQ(views.status, 0) << views.err;
  const json doc = json::parse(slurp(path("a.json")));
  EXPECT_EQ(doc["config"]["family"], "llama");
  EXPECT_EQ(doc["layers"].size(), 2u);
  // The tokens are the file's: a space is ▁ there, shown as ␣.
  EXPECT_EQ(doc["tokens"][3], "␣");
  for (const json& head : doc["layers"][1]["heads"]) {
    for (size_t i = 0; i < head["weights"].size(); ++i) {
      double sum = 0;
      for (size_t j = 0; j < head["weights"][i].size(); ++j) {
        sum += head["weights"][i][j].get<double>();
        if (j > i) {
          EXPECT_EQ(head["weights"][i][j].get<double>(), 0.0);
        }
      }
      EXPECT_NEAR(sum, 1.0, 1e-5);
    }
  }
  for (const char* f : {"a.png", "a.svg", "a.html"}) EXPECT_GT(fs::file_size(path(f)), 1000u);
  const Outcome explain =
      run({"--weights", kTiny, "--text", kText, "--explain", "--layer", "1", "--color", "never"});
  ASSERT_EQ(explain.status, 0) << explain.err;
  EXPECT_NE(explain.out.find("rotary"), std::string::npos);
  const Outcome written = run({"--weights", kTiny, "--text", "Mən", "--generate", "12", "--seed",
                               "3", "--animate", path("g.gif"), "--no-summary"});
  ASSERT_EQ(written.status, 0) << written.err;
  EXPECT_GT(fs::file_size(path("g.gif")), 1000u);
}

TEST_F(Gguf, OllamaNamesTheSameFile) {
  const std::string env = store("tiny", "q8");
  const Outcome listed = run({"--model", "list"}, {env});
  ASSERT_EQ(listed.status, 0) << listed.err;
  EXPECT_NE(listed.out.find("ollama:tiny:q8"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("0 MB (GGUF)"), std::string::npos) << listed.out;
  const Outcome by_file = run({"--weights", kTiny, "--text", kText, "--json", "-", "--no-table"});
  const Outcome by_name = run({"--weights", "ollama:tiny:q8", "--text", kText, "--json", "-",
                               "--no-table", "--check-digest"},
                              {env});
  ASSERT_EQ(by_name.status, 0) << by_name.err;
  EXPECT_EQ(json::parse(by_file.out)["layers"], json::parse(by_name.out)["layers"]);
  EXPECT_EQ(json::parse(by_name.out)["config"]["file_type"], "Q8_0");  // the blob's name says none
}

TEST_F(Gguf, EachBrokenStoreIsOneError) {
  expect_store_error({"--weights", "ollama:tiny:7b", "--text", kText}, store(),
                     "ollama:tiny:7b: not in Ollama's store");
  expect_store_error({"--weights", "ollama:../../etc/passwd", "--text", kText}, store(),
                     "not a model name as Ollama writes one");
  expect_store_error({"--weights", "ollama:bad", "--text", kText},
                     store("bad", "latest", "{\"layers\": [oops"), "not an Ollama manifest");
  expect_store_error({"--weights", "ollama:nomodel", "--text", kText},
                     store("nomodel", "latest", R"({"layers": []})"),
                     "the manifest has no layer of media type application/vnd.ollama.image.model");
  const std::string missing = R"({"layers": [{"mediaType": "application/vnd.ollama.image.model",)"
                              R"( "digest": "sha256:)" +
                              std::string(64, 'a') + R"(", "size": 5}]})";
  expect_store_error({"--weights", "ollama:gone", "--text", kText},
                     store("gone", "latest", missing), "names the blob sha256:aaaa");
  // A blob whose bytes changed: caught only when asked to check its digest.
  const std::string env = store();
  const fs::path blob = dir_ / "ollama" / "blobs" / ("sha256-" + digest_.substr(7));
  {
    std::fstream f(blob, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-1, std::ios::end);
    f.put('\x7f');
  }
  expect_store_error({"--weights", "ollama:tiny", "--text", kText, "--check-digest"}, env,
                     "not " + digest_ + " as its manifest says");
}

}  // namespace
}  // namespace attnviz::test
