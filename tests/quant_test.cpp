// ggml's quantized blocks read back against ggml itself, by each kernel target: llama.cpp's
// prebuilt libggml-base (ggml_quantize_chunk makes the blocks, to_float reads them) through
// tests/llama's llama_reference; and the products over packed rows against the same products over
// the unpacked matrix, bit for bit, on every kernel target and thread count.
#include "attnviz/compute/quant.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "attnviz/compute/compute.hpp"
#include "attnviz/compute/kernels.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

const QuantType kTypes[] = {QuantType::F16,  QuantType::BF16, QuantType::Q4_0, QuantType::Q4_1,
                            QuantType::Q5_0, QuantType::Q5_1, QuantType::Q8_0, QuantType::Q2_K,
                            QuantType::Q3_K, QuantType::Q4_K, QuantType::Q5_K, QuantType::Q6_K};

const QuantLayout& layout_of(QuantType t) { return *quant_layout(static_cast<uint32_t>(t)); }

std::string write_temp(const std::string& name, const void* data, size_t size) {
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  FILE* f = std::fopen(path.c_str(), "wb");
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  return path;
}

#ifdef ATTNVIZ_LLAMA_REFERENCE
// llama_reference's blocks of `type` for `values` (quantize) or floats for `blocks` (dequantize).
std::string reference(const char* what, QuantType type, size_t n, const std::string& in) {
  const std::string out = in + ".out";
  const std::string command = std::string(ATTNVIZ_LLAMA_REFERENCE) + " " + what + " " +
                              std::to_string(static_cast<uint32_t>(type)) + " " +
                              std::to_string(n) + " " + in + " " + out;
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return test::slurp(out);
}
#endif

// Weights as a model has them: mostly small, a few large (what the K types' scales are for).
std::vector<float> weights(size_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> normal(0.0f, 0.02f);
  std::vector<float> w(n);
  for (size_t i = 0; i < n; ++i) w[i] = normal(gen) * (i % 97 == 0 ? 40.0f : 1.0f);
  return w;
}

TEST(Quant, EveryTypeReadsAsGgmlReadsIt) {
#ifndef ATTNVIZ_LLAMA_REFERENCE
  GTEST_FAIL() << "llama.cpp's libraries are not installed: npm install --prefix tests/llama "
                  "--omit=optional --ignore-scripts, then configure again";
#else
  constexpr size_t n = 256 * 24;
  const std::vector<float> w = weights(n, 7);
  const std::string values = write_temp("attnviz_quant_values", w.data(), n * 4);
  std::mt19937 gen(11);
  for (const QuantType type : kTypes) {
    const QuantLayout& l = layout_of(type);
    // Blocks ggml made from weights, and blocks of random bytes (any scale, any integer).
    std::string made = reference("quantize", type, n, values);
    ASSERT_EQ(made.size(), n / l.block_values * l.block_bytes) << l.name;
    std::string random(made.size(), '\0');
    for (char& c : random) c = static_cast<char>(gen());
    for (const std::string* blocks : {&made, &random}) {
      const std::string path = write_temp("attnviz_quant_blocks", blocks->data(), blocks->size());
      const std::string theirs = reference("dequantize", type, n, path);
      ASSERT_EQ(theirs.size(), n * 4) << l.name;
      std::vector<float> ours(n);
      for (const std::string& target : kernel_targets()) {  // each target's own kernels
        const Compute compute({1, target});
        const ComputeScope scope(compute);
        dequantize(type, blocks->data(), ours.data(), n);
        EXPECT_EQ(std::memcmp(ours.data(), theirs.data(), n * 4), 0) << l.name << " " << target;
        // A run of values that starts and ends inside the vectors' stride (F16, BF16).
        if (l.block_values == 1) {
          dequantize(type, blocks->data() + 2 * l.block_bytes, ours.data(), 13);
          EXPECT_EQ(std::memcmp(ours.data(), theirs.data() + 8, 13 * 4), 0) << l.name << target;
        }
      }
      // Finite from the scales alone, exactly when every value is.
      bool finite = true;
      for (const float v : ours) finite = finite && std::isfinite(v);
      EXPECT_EQ(quant_finite(type, blocks->data(), n), finite) << l.name;
    }
    // The values ggml's blocks stand for are close to the weights (the types do quantize).
    std::vector<float> back(n);
    dequantize(type, made.data(), back.data(), n);
    double error = 0, scale = 0;
    for (size_t i = 0; i < n; ++i) {
      error += std::abs(back[i] - w[i]);
      scale += std::abs(w[i]);
    }
    EXPECT_LT(error / scale, 0.7) << l.name;
  }
#endif
}

TEST(Quant, NamesTheTypesItDoesNotRead) {
  EXPECT_STREQ(ggml_type_name(16), "iq2_xxs");
  EXPECT_STREQ(ggml_type_name(35), "tq2_0");
  EXPECT_EQ(quant_layout(16), nullptr);
  EXPECT_EQ(ggml_type_name(4), nullptr);  // removed from ggml long ago
  EXPECT_STREQ(quant_layout(12)->name, "q4_K");
}

// A packed matrix (rows, cols) of `type` from random weights, with its rows in `row_of` order.
struct Packed {
  std::string blocks;
  std::shared_ptr<PackedRows> rows = std::make_shared<PackedRows>();
  Matrix unpacked;
};

Packed pack(QuantType type, Eigen::Index rows, Eigen::Index cols, bool permuted) {
  const QuantLayout& l = layout_of(type);
  Packed p;
  const size_t row_bytes = static_cast<size_t>(cols) / l.block_values * l.block_bytes;
  std::mt19937 gen(static_cast<uint32_t>(rows * 31 + cols));
  p.blocks.resize(row_bytes * static_cast<size_t>(rows));
  // Random bytes with every scale made a small finite float16 (exponent bits never all ones).
  for (char& c : p.blocks) c = static_cast<char>(gen() & 0x3B);
  p.rows->type = type;
  p.rows->data = reinterpret_cast<const unsigned char*>(p.blocks.data());
  p.rows->row_bytes = row_bytes;
  if (permuted) {
    for (Eigen::Index r = 0; r < rows; ++r) p.rows->row_of.push_back((r * 7 + 3) % rows);
  }
  p.unpacked = Matrix(rows, cols);
  for (Eigen::Index r = 0; r < rows; ++r) {
    dequantize(type, p.rows->row(r), p.unpacked.row(r).data(), static_cast<size_t>(cols));
  }
  return p;
}

TEST(Quant, PackedProductsHaveTheBitsOfTheUnpackedOnes) {
  const struct {
    QuantType type;
    Eigen::Index n, k;
  } kCases[] = {{QuantType::Q4_K, 70, 512}, {QuantType::Q8_0, 130, 96}, {QuantType::Q6_K, 9, 768},
                {QuantType::Q5_1, 300, 64}, {QuantType::F16, 33, 40},   {QuantType::F32, 17, 300},
                {QuantType::BF16, 21, 600}, {QuantType::F16, 40, 576},  {QuantType::Q4_0, 19, 128},
                {QuantType::Q4_1, 8, 96},   {QuantType::Q5_0, 11, 64},  {QuantType::Q5_K, 6, 256},
                {QuantType::Q3_K, 5, 256},  {QuantType::Q2_K, 7, 512}};
  for (const std::string& target : kernel_targets()) {
    for (const int threads : {1, 2}) {
      const Compute compute({threads, target});
      const ComputeScope scope(compute);
      for (const auto& c : kCases) {
        const Packed p = pack(c.type, c.n, c.k, c.n % 2 == 1);
        const Tensor packed = Tensor::packed(p.rows, c.n, c.k);
        for (const Eigen::Index m : {1, 5, 16, 17, 64, 300}) {
          Matrix a(m, c.k);
          std::mt19937 gen(static_cast<uint32_t>(m));
          std::normal_distribution<float> normal;
          for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = normal(gen);
          Matrix want(m, c.n), got(m, c.n);
          matmul(a, p.unpacked, Operand::Transposed, want);
          matmul_weight(a, packed, Operand::Transposed, got);
          ASSERT_EQ(std::memcmp(want.data(), got.data(), sizeof(float) * want.size()), 0)
              << target << " threads " << threads << " " << layout_of(c.type).name << " m " << m;
          // Whole rows of it, as a head's view of q_proj: its own rows.
          const Eigen::Index first = c.n / 3, rows = c.n / 2;
          Matrix part(m, rows);
          matmul_weight(a, packed.part(first, 0, rows, c.k), Operand::Transposed, part);
          Matrix part_want(m, rows);
          matmul(a, p.unpacked.middleRows(first, rows), Operand::Transposed, part_want);
          ASSERT_EQ(std::memcmp(part.data(), part_want.data(), sizeof(float) * part.size()), 0);
        }
        std::vector<float> row(static_cast<size_t>(c.k));
        packed.row_into(c.n - 1, row.data());
        EXPECT_EQ(std::memcmp(row.data(), p.unpacked.row(c.n - 1).data(), row.size() * 4), 0);
      }
    }
  }
}

TEST(Quant, APartOfAPackedTensorIsWholeRows) {
  const Packed p = pack(QuantType::Q8_0, 4, 64, false);
  const Tensor packed = Tensor::packed(p.rows, 4, 64);
  EXPECT_THROW(packed.part(0, 32, 4, 32), Error);
  EXPECT_EQ(packed.part(1, 0, 2, 64).packed_first(), 1);
  EXPECT_EQ(packed.part(1, 0, 2, 64).data(), nullptr);
}

}  // namespace
}  // namespace attnviz
