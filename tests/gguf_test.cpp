// The GGUF reader: files written by llama.cpp's own gguf-py (tests/llama/write_gguf.py) read back
// value for value, and each bad header one Error naming what is wrong.
#include "attnviz/formats/gguf.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "attnviz/error.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "gguf_bytes.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

using test::gguf_file;
using test::gguf_info;
using test::gguf_key;
using Bytes = test::GgufBytes;

std::string error_of(const std::string& bytes) {
  try {
    GgufFile file(bytes, "m.gguf");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Gguf, ReadsAFileItsHeaderDescribes) {
  Bytes kv;
  kv.str("general.architecture").put<uint32_t>(8).str("llama");
  kv.str("llama.block_count").put<uint32_t>(4).put<uint32_t>(2);
  kv.str("scores").put<uint32_t>(9).put<uint32_t>(6).put<uint64_t>(2).put(0.5f).put(-1.0f);
  kv.str("tokens").put<uint32_t>(9).put<uint32_t>(8).put<uint64_t>(2).str("a").str("bc");
  std::string header =
      gguf_file(2, 4, kv.s + gguf_info("x", {32, 2}, 8, 0) + gguf_info("y", {4}, 0, 96));
  header.resize((header.size() + 31) / 32 * 32, '\0');
  const std::string bytes = header + std::string(96 + 16, '\0');
  const GgufFile f(bytes, "m.gguf");
  EXPECT_EQ(f.version(), 3u);
  EXPECT_EQ(*f.text("general.architecture"), "llama");
  EXPECT_EQ(*f.integer("llama.block_count"), 2);
  EXPECT_EQ(*f.numbers("scores"), (std::vector<double>{0.5, -1.0}));
  EXPECT_EQ(f.texts("tokens")->at(1), "bc");
  ASSERT_EQ(f.tensors().size(), 2u);
  EXPECT_EQ(f.tensors()[0].type, QuantType::Q8_0);
  EXPECT_EQ(f.tensors()[0].bytes.size(), 68u);  // 2 rows of one 34-byte block
  EXPECT_EQ(f.tensors()[0].rows(), 2);
  EXPECT_EQ(f.tensors()[1].bytes.size(), 16u);
  EXPECT_FALSE(f.integer("missing"));
  EXPECT_THROW(f.integer("general.architecture"), Error);
}

TEST(Gguf, EachBadHeaderIsOneErrorNamingIt) {
  const auto key = gguf_key;
  Bytes u32;
  u32.put<uint32_t>(7);
  Bytes nested;
  nested.put<uint32_t>(9).put<uint64_t>(1);
  Bytes huge_array;
  huge_array.put<uint32_t>(8).put<uint64_t>(uint64_t{1} << 60);
  const std::string ok_key = key("a", 4, u32.s);
  const struct {
    std::string bytes;
    const char* says;
  } kCases[] = {
      {"GGU", "the file ends inside the header (at byte 0 of 3)"},
      {gguf_file(0, 0, "", 1), "is GGUF version 1"},
      {gguf_file(0, 0, "", 0x03000000), "is a big-endian GGUF (version 3)"},
      {gguf_file(0, 0, "", 7), "is GGUF version 7; attnviz reads versions 2 and 3"},
      {gguf_file(0, 5, ""), "the header's key-value count gives a count of 5"},
      {gguf_file(9, 0, ""), "the header's tensor count gives a count of 9"},
      {gguf_file(0, 1, key("a", 4, "")), "the file ends inside key \"a\" (at byte 37 of 37)"},
      {gguf_file(0, 1, Bytes().put<uint64_t>(1000).s + "xxxx"),
       "key 0 gives a count of 1000, more than the 4 bytes left can hold"},
      {gguf_file(0, 1, key("a", 13, "")), "key \"a\" has value type 13, which is no GGUF type"},
      {gguf_file(0, 1, key("a", 9, nested.s)), "key \"a\" is an array of arrays"},
      {gguf_file(0, 1, key("a", 9, huge_array.s)),
       "key \"a\" gives a count of 1152921504606846976"},
      {gguf_file(0, 2, ok_key + ok_key), "key \"a\" appears twice"},
      {gguf_file(0, 1, key("general.alignment", 4, Bytes().put<uint32_t>(24).s)),
       "general.alignment is 24, expected a power of 2"},
      {gguf_file(0, 1, key("general.alignment", 5, Bytes().put<int32_t>(32).s)),
       "\"general.alignment\" is int32, expected uint32"},
      {gguf_file(1, 0, gguf_info(std::string(64, 'n'), {32}, 0, 0)), "tensor 0's name is 64 bytes"},
      {gguf_file(2, 0, gguf_info("x", {32}, 0, 0) + gguf_info("x", {32}, 0, 128)),
       "tensor \"x\" appears twice"},
      {gguf_file(1, 0, gguf_info("x", {1, 1, 1, 1, 1}, 0, 0)), "tensor \"x\" has 5 dimensions"},
      {gguf_file(1, 0, gguf_info("x", {uint64_t{1} << 32, uint64_t{1} << 32}, 0, 0)),
       "tensor \"x\" has shape 4294967296 × 4294967296, more than 2^63 values"},
      {gguf_file(1, 0, gguf_info("x", {4, 0}, 0, 0)), "tensor \"x\" has shape 4 × 0, no values"},
      {gguf_file(1, 0, gguf_info("x", {256}, 16, 0)), "tensor \"x\" is iq2_xxs; attnviz reads f32"},
      {gguf_file(1, 0, gguf_info("x", {256}, 99, 0)),
       "tensor \"x\" has type 99, which is no ggml type"},
      {gguf_file(1, 0, gguf_info("x", {48}, 12, 0)),
       "tensor \"x\" has rows of 48 values, not whole q4_K blocks of 256"},
      {gguf_file(1, 0, gguf_info("x", {8}, 0, 4)),
       "tensor \"x\" starts at offset 4, not a multiple"},
      {gguf_file(1, 0, gguf_info("x", {8}, 0, 0)) + std::string(7 + 16, '\0'),
       "tensor \"x\" (32 bytes at offset 0) runs past the end of the data (16 bytes)"},
      {gguf_file(1, 0, gguf_info("x", {8}, 0, 0)),
       "the file ends inside the padding before the data"},
      {gguf_file(2, 0, gguf_info("x", {16}, 0, 0) + gguf_info("y", {8}, 0, 32)) +
           std::string(100, '\0'),
       "tensors \"x\" and \"y\" overlap"},
  };
  for (const auto& c : kCases) {
    const std::string error = error_of(c.bytes);
    EXPECT_NE(error.find(c.says), std::string::npos) << "got: " << error << "\nwanted: " << c.says;
    EXPECT_EQ(error.rfind("m.gguf: ", 0), 0u) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
}

const std::string kTiny = ATTNVIZ_REFERENCE "/gguf/tiny-llama-Q8_0.gguf";

// The fixture with `from` (first occurrence) replaced by `to`, of the same length.
std::string tiny_with(const std::string& from, const std::string& to) {
  std::string bytes = test::slurp(kTiny);
  bytes.replace(bytes.find(from), from.size(), to);
  return bytes;
}

std::string open_error(const std::string& bytes) {
  try {
    open_gguf(bytes, "m.gguf");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(GgufModel, ReadsLlamaCppsNamesAsHuggingFacesWithTheSettings) {
  const std::string bytes = test::slurp(kTiny);
  const auto sd = open_gguf(bytes, "tiny.gguf");
  const DecoderSettings& d = *sd->file_settings()->decoder;
  EXPECT_EQ(d.model_type, "llama");
  EXPECT_EQ(d.n_layer, 2);
  EXPECT_EQ(d.n_embd, 64);
  EXPECT_EQ(d.n_head, 4);
  EXPECT_EQ(d.n_kv_head, 2);
  EXPECT_EQ(d.head_dim, 16);
  EXPECT_EQ(d.intermediate_size, 128);
  EXPECT_FALSE(d.tie_word_embeddings);
  EXPECT_TRUE(sd->has("model.layers.1.self_attn.k_proj.weight"));
  EXPECT_TRUE(sd->has("model.layers.0.post_attention_layernorm.weight"));  // ffn_norm
  EXPECT_EQ(sd->shape("model.layers.0.mlp.down_proj.weight"), (std::vector<int64_t>{64, 128}));
  // A matrix stays packed; its rows unpack to what the whole tensor reads as.
  const Tensor packed = sd->unchecked_tensor("model.layers.0.self_attn.q_proj.weight", 2);
  ASSERT_NE(packed.packed(), nullptr);
  const Tensor whole = sd->tensor("model.layers.0.self_attn.q_proj.weight", 2);
  std::vector<float> row(64);
  packed.row_into(5, row.data());
  for (Eigen::Index j = 0; j < 64; ++j) EXPECT_EQ(row[static_cast<size_t>(j)], whole(5, j));
}

TEST(GgufModel, WhatTheMetadataMustSayIsChecked) {
  // The same file said to be a qwen3: its keys are llama.*, so qwen3.block_count is missing.
  EXPECT_NE(open_error(tiny_with("llama", "qwen3"))
                .find("m.gguf: has no \"qwen3.block_count\", which a qwen3 model needs"),
            std::string::npos);
  EXPECT_NE(open_error(tiny_with("llama", "bertx"))
                .find("general.architecture is \"bertx\"; attnviz reads llama"),
            std::string::npos);
  // A block_count said to be a float.
  Bytes count;
  count.str("llama.block_count").put<uint32_t>(4);
  Bytes as_float;
  as_float.str("llama.block_count").put<uint32_t>(6);
  EXPECT_NE(open_error(tiny_with(count.s, as_float.s))
                .find("\"llama.block_count\" is float32, expected an integer"),
            std::string::npos);
}

TEST(GgufModel, NamesItsFileTypeAsLlamaCppDoes) {
  const auto type_is = [](uint32_t value_type, uint32_t value) {
    Bytes b;
    b.str("general.file_type").put(value_type).put(value);
    return b.s;
  };
  const std::string q8_0 = type_is(4, 7);  // the fixture's: uint32, LLAMA_FTYPE_MOSTLY_Q8_0
  const std::string tiny = test::slurp(kTiny), q4_k_m = tiny_with(q8_0, type_is(4, 15)),
                    unknown = tiny_with(q8_0, type_is(4, 99)),
                    as_float = tiny_with(q8_0, type_is(6, 7));
  EXPECT_EQ(gguf_file_type(GgufFile(tiny, "m.gguf")), "Q8_0");
  EXPECT_EQ(gguf_file_type(GgufFile(q4_k_m, "m.gguf")), "Q4_K - Medium");
  EXPECT_EQ(gguf_file_type(GgufFile(unknown, "m.gguf")), std::nullopt);
  try {
    gguf_file_type(GgufFile(as_float, "m.gguf"));
    ADD_FAILURE() << "a float file type was read";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("\"general.file_type\" is float32, expected an integer"),
              std::string::npos)
        << e.what();
  }
}

TEST(GgufModel, ANaNScaleIsFoundBeforeUse) {
  std::string bytes = test::slurp(kTiny);
  const GgufFile file(bytes, "m.gguf");
  const GgufTensor* embedding = nullptr;
  for (const GgufTensor& t : file.tensors()) {
    if (t.name == "token_embd.weight") embedding = &t;
  }
  ASSERT_NE(embedding, nullptr);
  ASSERT_EQ(embedding->type, QuantType::Q8_0);
  // Row 2's first block: its float16 scale made a NaN.
  const size_t at = static_cast<size_t>(embedding->bytes.data() - bytes.data()) + 2 * 68;
  bytes[at] = '\x00';
  bytes[at + 1] = '\x7e';
  const auto sd = open_gguf(bytes, "m.gguf");
  sd->unchecked_tensor("model.embed_tokens.weight", 2);
  EXPECT_NO_THROW(sd->check_finite("model.embed_tokens.weight", 0, 2));
  try {
    sd->check_finite("model.embed_tokens.weight", 1, 3);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("\"token_embd.weight\"[2][0] is NaN"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace attnviz
