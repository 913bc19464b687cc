// The bad-input table: each case runs the real binary and must give one line on stderr
// ("attnviz: error: …" naming what is wrong), the documented exit status (1 bad input or I/O,
// 2 usage), no crash or sanitizer report, and leave every output file as it was: an existing
// one unchanged, a new one not created, no temporary file behind.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include "../gguf_bytes.hpp"
#include "run_attnviz.hpp"

namespace {

namespace fs = std::filesystem;
using attnviz::test::gguf_file;
using attnviz::test::gguf_info;
using attnviz::test::gguf_key;
using attnviz::test::GgufBytes;

const std::string kOld = "yesterday's output\n";

struct BadInput {
  std::string name;
  std::vector<std::string> args;  // "{dir}" stands for the case's directory
  int status;
  std::string message;                              // must appear in the error line
  std::function<void(const fs::path&)> setup = {};  // files the case needs
  bool add_outputs = true;                          // also ask for --json old.json --svg new.svg
  long file_size_limit = -1;
  std::string stdout_path;              // e.g. /dev/full
  bool same_in_both_languages = false;  // the message is only names and values
};

void write_file(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

// A weights file for the vocab {a, b} and n_embd 2: valid unless a tensor given here is not.
std::string weights(const std::string& extra = "", const std::string& query = "[[1, 0], [0, 1]]",
                    const std::string& key = "[[1, 0], [0, 1]]",
                    const std::string& vocab = R"(["a", "b"])") {
  return R"({"n_embd": 2, "vocab": )" + vocab +
         R"(, "token_embedding.weight": [[1, 0], [0, 1]], "query.weight": )" + query +
         R"(, "key.weight": )" + key + R"(, "value.weight": [[1, 0], [0, 1]])" + extra + "}";
}

std::function<void(const fs::path&)> file(const std::string& name, const std::string& content) {
  return [=](const fs::path& dir) { write_file(dir / name, content); };
}

// A GGUF file {dir}/m.gguf of these bytes, run as a model.
BadInput gguf_case(const std::string& name, const std::string& bytes, const std::string& message) {
  return {name, {"--text", "ab", "--weights", "{dir}/m.gguf"}, 1, message, file("m.gguf", bytes)};
}

// The GGUF fixture (tests/reference/gguf) with `from`'s bytes replaced by `to`'s, as m.gguf.
BadInput tiny_gguf_case(const std::string& name, const std::string& from, const std::string& to,
                        const std::string& message) {
  std::string bytes = attnviz::test::slurp(ATTNVIZ_REFERENCE "/gguf/tiny-llama-Q8_0.gguf");
  bytes.replace(bytes.find(from), from.size(), to);
  return gguf_case(name, bytes, message);
}

// A GGUF key-value pair of type uint32.
std::string gguf_u32(const std::string& key, uint32_t value) {
  return GgufBytes().str(key).put<uint32_t>(4).put<uint32_t>(value).s;
}

// A Hugging Face model folder {dir}/model: the gpt2_hf fixture with a config.json and GPT-2's
// tokenizer files, each replaceable by a broken one.
std::function<void(const fs::path&)> model_folder(const std::string& config,
                                                  const std::string& merges = "") {
  return [=](const fs::path& dir) {
    const std::string models = ATTNVIZ_REFERENCE "/models/";
    fs::create_directories(dir / "model");
    fs::copy_file(models + "gpt2_hf.safetensors", dir / "model" / "model.safetensors");
    write_file(dir / "model" / "config.json", config);
    if (!merges.empty()) {
      fs::copy_file(ATTNVIZ_DATA "/gpt2/encoder.json", dir / "model" / "vocab.json");
      write_file(dir / "model" / "merges.txt", merges);
    }
  };
}

// A Llama-style folder {dir}/model: the qwen2 fixture (hf/qwen2), its config.json and
// tokenizer.json each replaceable by a broken one (empty: the fixture's own).
std::function<void(const fs::path&)> decoder_folder(const std::string& config,
                                                    const std::string& tokenizer = "") {
  return [=](const fs::path& dir) {
    const std::string qwen2 = ATTNVIZ_REFERENCE "/hf/qwen2/";
    fs::create_directories(dir / "model");
    fs::copy_file(qwen2 + "model.safetensors", dir / "model" / "model.safetensors");
    if (config.empty()) {
      fs::copy_file(qwen2 + "config.json", dir / "model" / "config.json");
    } else {
      write_file(dir / "model" / "config.json", config);
    }
    if (tokenizer.empty()) {
      fs::copy_file(qwen2 + "tokenizer.json", dir / "model" / "tokenizer.json");
    } else {
      write_file(dir / "model" / "tokenizer.json", tokenizer);
    }
  };
}

const std::string kConfig =
    R"({"model_type": "gpt2", "n_layer": 2, "n_head": 4, "n_embd": 32, "n_positions": 64})";

std::vector<BadInput> table() {
  const std::string w = "{dir}/w.json";
  return {
      // Text.
      {"empty text", {"--text", ""}, 1, "--text: text is empty"},
      {"only whitespace (word)", {"--text", " \t ", "--tokenizer", "word"}, 1, "no words"},
      {"truncated UTF-8", {"--text", "Az\xC9"}, 1, "byte 2: truncated sequence"},
      {"overlong UTF-8", {"--text", "a\xC0\xAF"}, 1, "byte 1: overlong encoding"},
      {"encoded surrogate", {"--text", "\xED\xA0\x80"}, 1, "encoded UTF-16 surrogate"},
      {"stray continuation byte", {"--text", "a\x80"}, 1, "byte 1: stray continuation byte 0x80"},
      {"byte never in UTF-8", {"--text", "\xFF"}, 1, "byte 0xFF never appears in UTF-8"},
      {"NUL byte in a text file",
       {"--file", "{dir}/t.txt"},
       1,
       "byte 1: NUL byte",
       file("t.txt", std::string("a\0b", 3))},
      {"longer than block_size",
       {"--text", std::string(300, 'x')},
       1,
       "300 tokens, more than block_size 256"},
      {"10 MB text",
       {"--file", "{dir}/big.txt", "--block-size", "65536"},
       1,
       "more than 8192 tokens, the limit (--max-tokens raises it)",
       file("big.txt", std::string(10 << 20, 'a'))},
      {"text file over --max-file-size",
       {"--file", "{dir}/big.txt", "--max-file-size", "1"},
       1,
       "larger than the limit of 1048576 bytes",
       file("big.txt", std::string(2 << 20, 'a'))},
      {"missing text file", {"--file", "{dir}/none.txt"}, 1, "none.txt: cannot open"},
      {"text file is a directory", {"--file", "{dir}"}, 1, "is a directory, expected a file"},
      {"empty token in list", {"--tokens", "a||b"}, 1, "--tokens: token 2 is empty"},
      {"unknown escape in list", {"--tokens", "a\\n"}, 1, "unknown escape at byte 1"},
      {"invalid UTF-8 in list", {"--tokens", "a|\xC3"}, 1, "--tokens: invalid UTF-8 at byte 2"},
      // PyTorch's files (torch.save) and binary files of no format.
      {"a pickle that is not torch.save's",
       {"--text", "ab", "--weights", "{dir}/p.bin"},
       1,
       "p.bin: not a file torch.save wrote (no legacy magic number)",
       file("p.bin", std::string("\x80\x02"
                                 "abc",
                                 5))},
      {"a pickle that calls posix.system",
       {"--text", "ab", "--weights", "{dir}/evil.pth"},
       1,
       "evil.pth: the pickle calls \"posix.system\" to build what attnviz reads; attnviz never "
       "runs code from a file",
       file("evil.pth", attnviz::test::slurp(ATTNVIZ_REFERENCE "/torch_files/evil_system.pth"))},
      {"a torch.save archive cut short",
       {"--text", "ab", "--weights", "{dir}/cut.pth"},
       1,
       "cut.pth: not a readable zip archive: ",
       file("cut.pth",
            attnviz::test::slurp(ATTNVIZ_REFERENCE "/torch_files/tensors.pth").substr(0, 1500))},
      {"a binary file of no format",
       {"--text", "ab", "--weights", "{dir}/w.bin"},
       1,
       "w.bin: not a weights file attnviz reads: PyTorch's .pth/.pt/.bin (torch.save), "
       "safetensors, or attnviz's JSON",
       file("w.bin", std::string("\x7f"
                                 "ELF\x02\x01\x01\x00",
                                 8))},
      // A character model's vocabulary given beside it.
      {"a meta.pkl cut short",
       {"--text", "ab", "--weights", ATTNVIZ_REFERENCE "/models/gptpy_model.pth", "--vocab",
        "{dir}/meta.pkl"},
       1,
       "meta.pkl: pickle byte 39: the data ends inside",
       file("meta.pkl", attnviz::test::slurp(ATTNVIZ_REFERENCE "/models/meta.pkl").substr(0, 40))},
      {"a training text that is not UTF-8",
       {"--text", "ab", "--weights", ATTNVIZ_REFERENCE "/models/gptpy_model.pth", "--vocab-text",
        "{dir}/input.txt"},
       1,
       "input.txt: invalid UTF-8 at byte 3",
       file("input.txt", "abc\xFF")},
      {"a vocabulary file both ways",
       {"--text", "ab", "--vocab", "{dir}/v.json", "--vocab-text", "{dir}/v.json"},
       2,
       "--vocab cannot be used with --vocab-text"},
      // Weights JSON.
      {"not JSON",
       {"--text", "ab", "--weights", w},
       1,
       "not valid JSON: parse error at line 3, column 3",
       file("w.json", "{\n \"vocab\": [\"a\"],\n  oops\n}")},
      {"wrong top-level type",
       {"--text", "ab", "--weights", w},
       1,
       "top level is an array",
       file("w.json", "[1, 2, 3]")},
      {"missing tensor",
       {"--text", "ab", "--weights", w},
       1,
       "missing \"key.weight\"",
       file("w.json", R"({"vocab": ["a", "b"], "token_embedding.weight": [[1, 0], [0, 1]],
                         "query.weight": [[1, 0], [0, 1]], "value.weight": [[1, 0], [0, 1]]})")},
      {"ragged rows",
       {"--text", "ab", "--weights", w},
       1,
       "\"query.weight\"[1] has 1 numbers, expected 2 like row 0",
       file("w.json", weights("", "[[1, 0], [1]]"))},
      {"wrong shape",
       {"--text", "ab", "--weights", w},
       1,
       "\"query.weight\" has shape 1×2, expected 2×2 (n_embd × n_embd)",
       file("w.json", weights("", "[[1, 0]]"))},
      {"string for a number",
       {"--text", "ab", "--weights", w},
       1,
       "\"query.weight\"[0][1] is a string \"0\", expected a number",
       file("w.json", weights("", "[[1, \"0\"], [0, 1]]"))},
      {"null for a number",
       {"--text", "ab", "--weights", w},
       1,
       "[0][0] is null, expected a number",
       file("w.json", weights("", "[[null, 0], [0, 1]]"))},
      {"boolean for a number",
       {"--text", "ab", "--weights", w},
       1,
       "[1][1] is false",
       file("w.json", weights("", "[[1, 0], [0, false]]"))},
      {"NaN",
       {"--text", "ab", "--weights", w},
       1,
       "\"query.weight\"[0][0] (line 1, column 98): NaN is not a JSON number",
       file("w.json", weights("", "[[NaN, 0], [0, 1]]"))},
      {"Infinity",
       {"--text", "ab", "--weights", w},
       1,
       "\"query.weight\"[0][0] (line 1, column 98): Infinity is not a JSON number",
       file("w.json", weights("", "[[Infinity, 0], [0, 1]]"))},
      {"-Infinity",
       {"--text", "ab", "--weights", w},
       1,
       "\"query.weight\"[0][1] (line 1, column 101): -Infinity is not a JSON number",
       file("w.json", weights("", "[[1, -Infinity], [0, 1]]"))},
      {"overflows float32",
       {"--text", "ab", "--weights", w},
       1,
       "\"query.weight\"[0][0] (line 1, column 98): number 3.5e38 does not fit in float32",
       file("w.json", weights("", "[[3.5e38, 0], [0, 1]]"))},
      {"empty vocab",
       {"--text", "ab", "--weights", w},
       1,
       "\"vocab\" is empty",
       file("w.json", weights("", "[[1, 0], [0, 1]]", "[[1, 0], [0, 1]]", "[]"))},
      {"duplicate vocab entry",
       {"--text", "ab", "--weights", w},
       1,
       "\"vocab\"[1] \"a\" repeats \"vocab\"[0]",
       file("w.json", weights("", "[[1, 0], [0, 1]]", "[[1, 0], [0, 1]]", R"(["a", "a"])"))},
      {"n_embd 0",
       {"--text", "ab", "--weights", w},
       1,
       "\"n_embd\" is 0, expected a positive integer",
       file("w.json", R"({"n_embd": 0, "vocab": ["a"], "query.weight": [[1]]})")},
      {"n_embd negative",
       {"--text", "ab", "--weights", w},
       1,
       "\"n_embd\" is -3",
       file("w.json", R"({"n_embd": -3, "vocab": ["a"], "query.weight": [[1]]})")},
      {"n_embd absurdly large",
       {"--text", "ab", "--weights", w},
       1,
       "\"n_embd\" is 1000000000000, larger than the limit 4096",
       file("w.json", R"({"n_embd": 1000000000000, "vocab": ["a"], "query.weight": [[1]]})")},
      {"1 GB weights file",
       {"--text", "ab", "--weights", w},
       1,
       "is 1073741824 bytes, larger than the limit of 268435456 bytes",
       [](const fs::path& dir) {
         write_file(dir / "w.json", std::string(1024, ' ') + "{");  // text, then
         fs::resize_file(dir / "w.json", size_t{1} << 30);          // sparse: no disk used
       }},
      // Whole models: config.json, the tokenizer's files, a missing block tensor.
      {"config.json not JSON",
       {"--text", "ab", "--weights", "{dir}/model"},
       1,
       "{dir}/model/config.json: not valid JSON",
       model_folder("{\"n_layer\": ")},
      {"config.json absurd n_head",
       {"--text", "ab", "--weights", "{dir}/model"},
       1,
       "config.json: \"n_head\" is 0, expected an integer from 1 to 32",
       model_folder(R"({"n_layer": 2, "n_head": 0, "n_embd": 32})")},
      {"config.json n_layer disagrees",
       {"--text", "ab", "--weights", "{dir}/model"},
       1,
       "n_layer is 12 but the file has 2 blocks (h.0. … h.1.)",
       model_folder(R"({"n_layer": 12, "n_head": 4, "n_embd": 32})")},
      {"broken merges.txt",
       {"--text", "ab", "--weights", "{dir}/model"},
       1,
       "{dir}/model/merges.txt: line 2: expected two tokens separated by one space",
       model_folder(kConfig, "#version: 0.2\nĠt\n")},
      {"tokenizer larger than the model's vocabulary",
       {"--text", "ab", "--weights", "{dir}/model"},
       1,
       "the tokenizer has 50257 tokens but the model's embedding has",
       model_folder(kConfig, "#version: 0.2\nĠ t\n")},
      // Llama-style folders: config.json, tokenizer.json, the tensors against the config.
      {"decoder config.json: key/value heads that do not divide the heads",
       {"--text", "ab", "--weights", "{dir}/model"},
       1,
       "config.json: num_key_value_heads 3 does not divide num_attention_heads 4",
       decoder_folder(R"({"model_type": "qwen2", "hidden_size": 48, "num_hidden_layers": 2,
                          "num_attention_heads": 4, "num_key_value_heads": 3,
                          "intermediate_size": 96, "vocab_size": 38})")},
      {"decoder config.json: an unknown rope type",
       {"--text", "ab", "--weights", "{dir}/model"},
       1,
       "rope type \"yarn\" is not computed by attnviz",
       decoder_folder(R"({"model_type": "qwen2", "hidden_size": 48, "num_hidden_layers": 2,
                          "num_attention_heads": 4, "num_key_value_heads": 1,
                          "intermediate_size": 96, "vocab_size": 38,
                          "rope_scaling": {"rope_type": "yarn", "factor": 4}})")},
      {"decoder config.json: an architecture attnviz does not read",
       {"--text", "ab", "--weights", "{dir}/model"},
       1,
       "model_type is \"phi3\"; attnviz reads gpt2, llama",
       decoder_folder(R"({"model_type": "phi3"})")},
      {"decoder config.json against the tensors",
       {"--text", "ab", "--weights", "{dir}/model"},
       1,
       "\"model.layers.0.mlp.gate_proj.weight\" has shape 96×48, expected 64×48",
       decoder_folder(R"({"model_type": "qwen2", "hidden_size": 48, "num_hidden_layers": 2,
                          "num_attention_heads": 4, "num_key_value_heads": 1,
                          "intermediate_size": 64, "vocab_size": 38,
                          "tie_word_embeddings": true})")},
      {"decoder without its token embedding",
       {"--text", "ab", "--weights", "{dir}/model"},
       1,
       "model.safetensors: missing tensor \"model.embed_tokens.weight\"",
       [](const fs::path& dir) {
         decoder_folder("")(dir);
         const fs::path tensors = dir / "model" / "model.safetensors";
         std::string bytes = attnviz::test::slurp(tensors.string());
         bytes.replace(bytes.find("model.embed_tokens."), 19, "model.embed_tokenX.");
         write_file(tensors, bytes);
       }},
      {"tokenizer.json: a step attnviz does not compute",
       {"--text", "ab", "--weights", "{dir}/model"},
       1,
       "{dir}/model/tokenizer.json: normalizer \"Precompiled\" is not computed by attnviz",
       decoder_folder("", R"({"normalizer": {"type": "Precompiled"},
                              "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}})")},
      {"tokenizer.json: a pattern that is no regular expression",
       {"--text", "ab", "--weights", "{dir}/model"},
       1,
       "pre_tokenizer.pattern: the pattern (unclosed is not a regular expression attnviz reads",
       decoder_folder("", R"({"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(unclosed"}},
                              "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}})")},
      {"tokenizer.json: a WordPiece model",
       {"--text", "ab", "--weights", "{dir}/model"},
       1,
       "model.type is \"WordPiece\", expected \"BPE\"",
       decoder_folder("", R"({"model": {"type": "WordPiece", "vocab": {"a": 0}}})")},
      {"a decoder's weights without their config.json",
       {"--text", "ab", "--weights", ATTNVIZ_REFERENCE "/hf/llama/model.safetensors", "--vocab",
        ATTNVIZ_REFERENCE "/hf/llama/chars.json"},
       1,
       "holds a Llama-style decoder (\"model.layers.0.self_attn.q_proj.weight\"), which needs its "
       "folder's config.json"},
      {"tokenizer folder without its files",
       {"--text", "ab", "--tokenizer", "{dir}"},
       1,
       "{dir}: no tokenizer files in the folder"},
      {"a missing tensor in a later block",
       {"--text", "ab", "--weights", "{dir}/w.json"},
       1,
       "missing \"h.1.mlp.c_proj.weight\"",
       file("w.json", R"({"vocab": ["a", "b"], "n_head": 1,
                          "wte.weight": [[1, 0], [0, 1]], "wpe.weight": [[1, 0], [0, 1]],
                          "h.0.attn.c_attn.weight": [[1,0,1,0,1,0],[0,1,0,1,0,1]],
                          "h.0.attn.c_proj.weight": [[1,0],[0,1]],
                          "h.0.ln_1.weight": [1, 1], "h.0.ln_2.weight": [1, 1],
                          "h.0.mlp.c_fc.weight": [[1,0,0,0,0,0,0,0],[0,1,0,0,0,0,0,0]],
                          "h.0.mlp.c_proj.weight": [[1,0],[0,1],[0,0],[0,0],[0,0],[0,0],[0,0],[0,0]],
                          "h.1.attn.c_attn.weight": [[1,0,1,0,1,0],[0,1,0,1,0,1]],
                          "h.1.attn.c_proj.weight": [[1,0],[0,1]],
                          "h.1.ln_1.weight": [1, 1], "h.1.ln_2.weight": [1, 1],
                          "h.1.mlp.c_fc.weight": [[1,0,0,0,0,0,0,0],[0,1,0,0,0,0,0,0]],
                          "ln_f.weight": [1, 1]})")},
      {"--layer beyond the model",
       {"--text", "ab", "--weights", "{dir}/model", "--layer", "0,7"},
       1,
       "--layer 7: the model has 2 layers (0–1)",
       model_folder(kConfig)},
      {"unknown shipped model",
       {"--text", "ab", "--model", "klingon"},
       1,
       "--model klingon: attnviz ships no such model; it has: az"},
      {"--model and --weights",
       {"--text", "ab", "--model", "az", "--weights", "{dir}/model"},
       2,
       "--model and --weights both name a model; give one",
       model_folder(kConfig)},
      {"--threads 0", {"--text", "ab", "--threads", "0"}, 2, "--threads 0: not in 1 … 1024"},
      {"--layer without a model",
       {"--text", "ab", "--layer", "1"},
       2,
       "--layer needs a whole model: --model NAME or --weights FILE|DIR"},
      {"--heads-report without a model",
       {"--text", "ab", "--heads-report"},
       2,
       "--heads-report needs a whole model"},
      {"--heads-report with one attention module",
       {"--text", "ab", "--weights", w, "--heads-report"},
       1,
       "--heads-report needs a whole model",
       file("w.json", weights())},
      {"--induction-test longer than the context",
       {"--text", "ab", "--model", "az", "--induction-test", "40"},
       1,
       "--induction-test 40: the repeated sequence (2 × 40 tokens) is longer than the model's "
       "context; at most 32"},
      {"--induction-test of one token",
       {"--text", "ab", "--model", "az", "--induction-test", "1"},
       2,
       "--induction-test"},
      {"--n-embd with a shipped model",
       {"--text", "ab", "--model", "az", "--n-embd", "8"},
       2,
       "--model"},
      {"--seed with a shipped model",
       {"--text", "ab", "--model", "az", "--seed", "3"},
       2,
       "--seed draws random weights, but the model's are given"},
      {"weights folder without a model",
       {"--text", "ab", "--weights", "{dir}"},
       1,
       "{dir}: no model.safetensors or pytorch_model.bin in the folder"},
      {"missing weights file",
       {"--text", "ab", "--weights", "{dir}/none.json"},
       1,
       "none.json: cannot open: No such file or directory"},
      {"unreadable weights file",
       {"--text", "ab", "--weights", "/proc/self/mem"},
       1,
       "/proc/self/mem: cannot read: Input/output error"},
      {"deeply nested arrays",
       {"--text", "ab", "--weights", w},
       1,
       "top level is an array",
       file("w.json", std::string(200000, '[') + std::string(200000, ']'))},
      {"token not in vocab",
       {"--text", "abc", "--weights", w},
       1,
       "token \"c\" (position 2) is not in \"vocab\" (2 entries)",
       file("w.json", weights())},
      {"longer than the position table",
       {"--text", "abab", "--weights", w},
       1,
       "4 tokens, more than block_size 3",
       file("w.json", weights(R"(, "position_embedding.weight": [[1, 0], [0, 1], [1, 1]])"))},
      {"products overflow float32",
       {"--text", "ab", "--weights", w},
       1,
       "head 0: q·kᵀ overflows float32 at row 0, column 0",
       file("w.json", weights("", "[[3e38, 3e38], [3e38, 3e38]]", "[[3e38, 3e38], [3e38, 3e38]]"))},
      {"two modules in one file",
       {"--text", "ab", "--weights", w},
       1,
       "has both \"query.weight\" (the lesson's SelfAttention) and \"heads.0.query.weight\"",
       file("w.json", weights(R"(, "heads.0.query.weight": [[1, 0]])"))},
      {"safetensors header past the end",
       {"--text", "ab", "--weights", "{dir}/w.safetensors"},
       1,
       "w.safetensors: safetensors header size 1000 is larger than the rest of the file (2 bytes)",
       file("w.safetensors", std::string("\xe8\x03\0\0\0\0\0\0{}", 10))},
      {"safetensors offsets outside the data",
       {"--text", "ab", "--weights", "{dir}/w.safetensors"},
       1,
       "tensor \"query.weight\" has data_offsets [0, 4000] outside the 0 bytes of data",
       file("w.safetensors",
            std::string("\x47\0\0\0\0\0\0\0", 8) +  // 71 bytes of header, no data
                R"({"query.weight":{"dtype":"F32","shape":[1000],"data_offsets":[0,4000]}})")},
      {"safetensors integer tensor",
       {"--text", "ab", "--weights", "{dir}/w.safetensors", "--input", "randn"},
       1,
       "\"query.weight\" has dtype I32; attnviz reads F32, F16, BF16 and F64",
       file("w.safetensors",
            std::string("\x48\0\0\0\0\0\0\0", 8) +  // 72 bytes of header, 4 of data
                R"({"query.weight":{"dtype":"I32","shape":[1,1],"data_offsets":[0,4]}}     )" +
                std::string(4, '\0'))},
      {"c_attn without n_head",
       {"--text", "ab", "--weights", w, "--input", "randn"},
       1,
       "\"c_attn.weight\" packs every head into one matrix, so the number of heads is needed",
       file("w.json", R"({"c_attn.weight": [[1], [2], [3]], "c_proj.weight": [[1]]})")},
      {"prefix that matches nothing",
       {"--text", "ab", "--weights", w, "--prefix", "transformer.h.9.attn."},
       1,
       "missing \"transformer.h.9.attn.query.weight\" (the lesson's SelfAttention)",
       file("w.json", weights())},
      // Flags.
      {"unknown flag", {"--text", "a", "--bogus"}, 2, "--bogus"},
      {"missing value", {"--text"}, 2, "--text", {}, false},
      {"no input", {"--seed", "3"}, 2, "give the input with --text, --file or --tokens"},
      {"--heads not dividing n_embd",
       {"--text", "a", "--heads", "3"},
       2,
       "--heads 3 does not divide --n-embd 16"},
      {"negative n_embd", {"--text", "a", "--n-embd", "-4"}, 2, "--n-embd"},
      {"negative block size", {"--text", "a", "--block-size", "-1"}, 2, "--block-size"},
      {"n_embd above --max-embd",
       {"--text", "a", "--n-embd", "8192"},
       2,
       "--n-embd 8192 is above the limit 4096; --max-embd raises it"},
      {"unknown tokenizer", {"--text", "a", "--tokenizer", "bpe"}, 2, "bpe"},
      {"unknown colormap", {"--text", "a", "--cmap", "jet"}, 2, "jet"},
      {"unknown language", {"--text", "a", "--lang", "tr"}, 2, "tr"},
      {"unknown theme", {"--text", "a", "--theme", "sepia"}, 2, "sepia"},
      {"bad head",
       {"--text", "a", "--head", "first"},
       2,
       "expected all, mean, a head or a list such as 1,3"},
      {"conflicting flags",
       {"--text", "a", "--weights", "w.json", "--n-embd", "8"},
       2,
       "--weights cannot be used with --n-embd"},
      {"head beyond the model",
       {"--text", "a", "--head", "1"},
       1,
       "--head 1: the model has 1 head (0)"},
      {"two outputs to one path",
       {"--text", "a", "--json", "{dir}/old.json", "--png", "{dir}/old.json"},
       2,
       "--json and --png both write",
       {},
       false},
      // Outputs.
      {"output directory missing",
       {"--text", "a", "--png", "{dir}/no/such/a.png"},
       1,
       "cannot write: directory {dir}/no/such does not exist"},
      {"output where nothing may be written",
       {"--text", "a", "--png", "/proc/attnviz.png"},
       1,
       "--png /proc/attnviz.png: cannot write in /proc"},
      {"output path is a directory",
       {"--text", "a", "--png", "{dir}/sub"},
       1,
       "is a directory, expected a file",
       [](const fs::path& dir) { fs::create_directory(dir / "sub"); }},
      {"disk full on standard output",
       {"--text", "a"},
       1,
       "standard output: cannot write: No space left on device",
       {},
       true,
       -1,
       "/dev/full"},
      {"file too large for the disk",
       {"--text", "Azərbaycan dili"},
       1,
       "cannot write: File too large",
       {},
       true,
       4096},
      {"heatmap too large",
       {"--text", std::string(300, 'a'), "--block-size", "300", "--png", "{dir}/big.png",
        "--cell-size", "50", "--scale", "8"},
       1,
       "more than 100 million; lower --scale or --cell-size"},
      {"missing font", {"--text", "a", "--font", "{dir}/none.ttf"}, 1, "none.ttf: cannot open"},
      {"generate without a model",
       {"--text", "a", "--generate", "3"},
       2,
       "--generate needs a whole model"},
      {"top-p of zero",
       {"--model", "az", "--text", "a", "--generate", "3", "--top-p", "0"},
       2,
       "--top-p 0 keeps no token"},
      {"explain a step past the last",
       {"--model", "az", "--text", "a", "--generate", "3", "--explain", "--explain-step", "5"},
       2,
       "--explain-step 5: --generate 3 writes steps 1 to 3"},
      {"animation of another format",
       {"--model", "az", "--text", "a", "--generate", "3", "--animate", "{dir}/a.webp"},
       2,
       "a.webp: writes a GIF or an APNG"},
      {"not a font",
       {"--text", "a", "--font", "{dir}/fake.ttf"},
       1,
       "fake.ttf: not a TrueType or OpenType font",
       file("fake.ttf", "OTTO but not really a font")},
      // GGUF: each header defect the reader names, then what a file must say about its model.
      gguf_case("truncated GGUF header", gguf_file(3, 2, "").substr(0, 14),
                "m.gguf: the file ends inside the header (at byte 8 of 14)"),
      gguf_case("GGUF count past the end", gguf_file(1u << 30, 0, std::string(40, '\0')),
                "the header's tensor count gives a count of 1073741824, more than the 40 bytes"),
      gguf_case("GGUF string past the end",
                gguf_file(0, 1, GgufBytes().put<uint64_t>(1u << 20).s + "abcd"),
                "key 0 gives a count of 1048576, more than the 4 bytes left can hold"),
      gguf_case("GGUF five dimensions", gguf_file(1, 0, gguf_info("w", {1, 1, 1, 1, 1}, 0, 0)),
                "tensor \"w\" has 5 dimensions, expected 1 to 4"),
      gguf_case("GGUF dimensions that overflow",
                gguf_file(1, 0, gguf_info("w", {1ull << 40, 1ull << 40}, 0, 0)),
                "tensor \"w\" has shape 1099511627776 × 1099511627776, more than 2^63 values"),
      gguf_case("GGUF offset outside the data",
                gguf_file(1, 0, gguf_info("w", {8}, 0, 1u << 20)) + std::string(18, '\0'),
                "tensor \"w\" (32 bytes at offset 1048576) runs past the end of the data"),
      gguf_case("GGUF misaligned offset", gguf_file(1, 0, gguf_info("w", {8}, 0, 8)),
                "tensor \"w\" starts at offset 8, not a multiple of the alignment 32"),
      gguf_case("GGUF unknown type", gguf_file(1, 0, gguf_info("w", {32}, 77, 0)),
                "tensor \"w\" has type 77, which is no ggml type"),
      gguf_case("GGUF type refused by name", gguf_file(1, 0, gguf_info("w", {256}, 23, 0)),
                "tensor \"w\" is iq4_xs; attnviz reads f32, f16, bf16, q4_0"),
      gguf_case("GGUF duplicate key",
                gguf_file(0, 2,
                          gguf_key("k", 4, std::string(4, '\0')) +
                              gguf_key("k", 4, std::string(4, '\0'))),
                "key \"k\" appears twice"),
      gguf_case("GGUF duplicate tensor",
                gguf_file(2, 0, gguf_info("w", {8}, 0, 0) + gguf_info("w", {8}, 0, 32)),
                "tensor \"w\" appears twice"),
      gguf_case("GGUF rows not whole blocks", gguf_file(1, 0, gguf_info("w", {40, 2}, 8, 0)),
                "tensor \"w\" has rows of 40 values, not whole q8_0 blocks of 32"),
      gguf_case("GGUF nested arrays",
                gguf_file(0, 1, gguf_key("k", 9, GgufBytes().put<uint32_t>(9).put<uint64_t>(0).s)),
                "key \"k\" is an array of arrays, which attnviz does not read"),
      // What the model's metadata says against its tensors, named as the file names them.
      tiny_gguf_case("GGUF tensor shape against the metadata",
                     gguf_u32("llama.feed_forward_length", 128),
                     gguf_u32("llama.feed_forward_length", 96),
                     "m.gguf: \"blk.0.ffn_gate.weight\" has shape 128×64, expected 96×64 "
                     "(llama.feed_forward_length × llama.embedding_length)"),
      tiny_gguf_case("GGUF block count against the blocks", gguf_u32("llama.block_count", 2),
                     gguf_u32("llama.block_count", 3),
                     "m.gguf: llama.block_count is 3 but the file has 2 blocks (blk.0. … blk.1.)"),
      tiny_gguf_case("GGUF missing tensor", "blk.1.ffn_down.weight", "blk.1.ffn_dowX.weight",
                     "m.gguf: missing tensor \"blk.1.ffn_down.weight\""),
      gguf_case("GGUF version 1", gguf_file(0, 0, "", 1), "m.gguf: is GGUF version 1"),
      gguf_case("GGUF of another architecture",
                gguf_file(0, 1, gguf_key("general.architecture", 8, GgufBytes().str("bert").s)) +
                    std::string(28, '\0'),  // 68 bytes of header, padded to 96
                "m.gguf: general.architecture is \"bert\"; attnviz reads llama, qwen2"),
  };
}

std::string expand(std::string s, const fs::path& dir) {
  for (size_t at = s.find("{dir}"); at != std::string::npos; at = s.find("{dir}")) {
    s.replace(at, 5, dir.string());
  }
  return s;
}

class BadInputs : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputs, OneLineErrorExitStatusAndNothingWritten) {
  const BadInput& c = GetParam();
  // The parameterised test's name is "Suite/Case": one folder level, not two, so that nothing
  // is left behind in the temporary folder.
  std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::replace(name.begin(), name.end(), '/', '-');
  const fs::path dir =
      fs::temp_directory_path() / ("attnviz-bad-" + std::to_string(::getpid()) + "-" + name);
  const fs::path io = dir.string() + ".io";
  fs::remove_all(dir);
  fs::remove_all(io);
  fs::create_directories(dir);
  fs::create_directories(io);
  if (c.setup) c.setup(dir);
  write_file(dir / "old.json", kOld);
  std::set<fs::path> before;
  for (const auto& e : fs::directory_iterator(dir)) before.insert(e.path());

  std::vector<std::string> args;
  for (const std::string& a : c.args) args.push_back(expand(a, dir));
  if (c.add_outputs) {
    for (const char* a : {"--json", "{dir}/old.json", "--svg", "{dir}/new.svg"}) {
      args.push_back(expand(a, dir));
    }
  }
  attnviz::test::RunOptions options;
  options.capture_dir = io.string();
  options.file_size_limit = c.file_size_limit;
  options.stdout_path = c.stdout_path;
  const attnviz::test::Outcome o = attnviz::test::run_attnviz(args, options);

  EXPECT_EQ(o.status, c.status) << o.err;
  EXPECT_EQ(o.err.rfind("attnviz: error: ", 0), 0u) << o.err;
  EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;  // no second line, no report
  EXPECT_NE(o.err.find(expand(c.message, dir)), std::string::npos) << o.err;
  EXPECT_EQ(attnviz::test::slurp((dir / "old.json").string()), kOld);

  // The same error in Azerbaijani (--lang az): one line, the same status, other words — except
  // where the message is all names and values. Nothing is written either.
  args.insert(args.begin(), {"--lang", "az"});
  const attnviz::test::Outcome az = attnviz::test::run_attnviz(args, options);
  EXPECT_EQ(az.status, c.status) << az.err;
  EXPECT_EQ(az.err.rfind("attnviz: xəta: ", 0), 0u) << az.err;
  EXPECT_EQ(std::count(az.err.begin(), az.err.end(), '\n'), 1) << az.err;
  if (!c.same_in_both_languages) {
    EXPECT_NE(az.err.substr(az.err.find(": ", 9)), o.err.substr(o.err.find(": ", 9))) << az.err;
  }
  EXPECT_EQ(attnviz::test::slurp((dir / "old.json").string()), kOld);
  std::set<fs::path> after;
  for (const auto& e : fs::directory_iterator(dir)) after.insert(e.path());
  EXPECT_EQ(after, before) << "an output was created or a temporary file left behind";
  fs::remove_all(dir);
  fs::remove_all(io);
}

TEST(BadInputTable, HasFortyDistinctCases) {
  std::set<std::string> names;
  for (const BadInput& c : table()) names.insert(c.name);
  EXPECT_EQ(names.size(), table().size());
  EXPECT_GE(names.size(), 40u);
}

std::string case_name(const ::testing::TestParamInfo<BadInput>& info) {
  std::string name;
  for (const char c : info.param.name)
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Table, BadInputs, ::testing::ValuesIn(table()), case_name);

}  // namespace
