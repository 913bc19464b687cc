// The GGUF reader: files written by llama.cpp's own gguf-py (tests/llama/write_gguf.py) read back
// value for value, and each bad header one Error naming what is wrong.
#include "attnviz/formats/gguf.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "attnviz/error.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

// A GGUF header written by hand, little-endian, for the bad cases.
struct Bytes {
  std::string s;
  template <typename T>
  Bytes& put(T v) {
    s.append(reinterpret_cast<const char*>(&v), sizeof v);
    return *this;
  }
  Bytes& str(const std::string& text) {
    put<uint64_t>(text.size());
    s += text;
    return *this;
  }
};

// "GGUF", version 3, the counts, then `body`.
std::string gguf(uint64_t tensors, uint64_t keys, const std::string& body, uint32_t version = 3) {
  Bytes b;
  b.put<uint32_t>(0x46554747).put(version).put(tensors).put(keys);
  return b.s + body;
}

// One tensor info: name, dims, type, offset.
std::string info(const std::string& name, std::vector<uint64_t> ne, uint32_t type,
                 uint64_t offset) {
  Bytes b;
  b.str(name).put<uint32_t>(static_cast<uint32_t>(ne.size()));
  for (const uint64_t n : ne) b.put(n);
  b.put(type).put(offset);
  return b.s;
}

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
  std::string header = gguf(2, 4, kv.s + info("x", {32, 2}, 8, 0) + info("y", {4}, 0, 96));
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
  const auto key = [](const std::string& name, uint32_t type, const std::string& value) {
    Bytes b;
    b.str(name).put(type);
    return b.s + value;
  };
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
      {gguf(0, 0, "", 1), "is GGUF version 1"},
      {gguf(0, 0, "", 0x03000000), "is a big-endian GGUF (version 3)"},
      {gguf(0, 0, "", 7), "is GGUF version 7; attnviz reads versions 2 and 3"},
      {gguf(0, 5, ""), "the header's key-value count gives a count of 5"},
      {gguf(9, 0, ""), "the header's tensor count gives a count of 9"},
      {gguf(0, 1, key("a", 4, "")), "the file ends inside key \"a\" (at byte 37 of 37)"},
      {gguf(0, 1, Bytes().put<uint64_t>(1000).s + "xxxx"),
       "key 0 gives a count of 1000, more than the 4 bytes left can hold"},
      {gguf(0, 1, key("a", 13, "")), "key \"a\" has value type 13, which is no GGUF type"},
      {gguf(0, 1, key("a", 9, nested.s)), "key \"a\" is an array of arrays"},
      {gguf(0, 1, key("a", 9, huge_array.s)), "key \"a\" gives a count of 1152921504606846976"},
      {gguf(0, 2, ok_key + ok_key), "key \"a\" appears twice"},
      {gguf(0, 1, key("general.alignment", 4, Bytes().put<uint32_t>(24).s)),
       "general.alignment is 24, expected a power of 2"},
      {gguf(0, 1, key("general.alignment", 5, Bytes().put<int32_t>(32).s)),
       "\"general.alignment\" is int32, expected uint32"},
      {gguf(1, 0, info(std::string(64, 'n'), {32}, 0, 0)), "tensor 0's name is 64 bytes"},
      {gguf(2, 0, info("x", {32}, 0, 0) + info("x", {32}, 0, 128)), "tensor \"x\" appears twice"},
      {gguf(1, 0, info("x", {1, 1, 1, 1, 1}, 0, 0)), "tensor \"x\" has 5 dimensions"},
      {gguf(1, 0, info("x", {uint64_t{1} << 32, uint64_t{1} << 32}, 0, 0)),
       "tensor \"x\" has shape 4294967296 × 4294967296, more than 2^63 values"},
      {gguf(1, 0, info("x", {4, 0}, 0, 0)), "tensor \"x\" has shape 4 × 0, no values"},
      {gguf(1, 0, info("x", {256}, 16, 0)), "tensor \"x\" is iq2_xxs; attnviz reads f32"},
      {gguf(1, 0, info("x", {256}, 99, 0)), "tensor \"x\" has type 99, which is no ggml type"},
      {gguf(1, 0, info("x", {48}, 12, 0)),
       "tensor \"x\" has rows of 48 values, not whole q4_K blocks of 256"},
      {gguf(1, 0, info("x", {8}, 0, 4)), "tensor \"x\" starts at offset 4, not a multiple"},
      {gguf(1, 0, info("x", {8}, 0, 0)) + std::string(7 + 16, '\0'),
       "tensor \"x\" (32 bytes at offset 0) runs past the end of the data (16 bytes)"},
      {gguf(1, 0, info("x", {8}, 0, 0)), "the file ends inside the padding before the data"},
      {gguf(2, 0, info("x", {16}, 0, 0) + info("y", {8}, 0, 32)) + std::string(100, '\0'),
       "tensors \"x\" and \"y\" overlap"},
  };
  for (const auto& c : kCases) {
    const std::string error = error_of(c.bytes);
    EXPECT_NE(error.find(c.says), std::string::npos) << "got: " << error << "\nwanted: " << c.says;
    EXPECT_EQ(error.rfind("m.gguf: ", 0), 0u) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace attnviz
