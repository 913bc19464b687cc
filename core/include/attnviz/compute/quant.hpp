// Rows of weights as ggml stores them (ggml-common.h, dequantize_row_* in ggml-quants.c): each
// row a run of blocks, each block a scale or two (float16) and packed small integers. The floats
// they stand for are computed here and only here: by the file readers, by the products that
// unpack a panel of a quantized matrix as they go, and by the embedding lookup.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace attnviz {

// The element types ggml names and attnviz reads, in ggml's own numbering (enum ggml_type).
enum class QuantType : uint32_t {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  BF16 = 30,
};

struct QuantLayout {
  const char* name;  // as ggml names it: "q4_K"
  size_t block_values;
  size_t block_bytes;
};

// The layout of a type attnviz reads; nullptr for any other ggml type number.
const QuantLayout* quant_layout(uint32_t ggml_type);
// ggml's name of any type number it has defined ("iq2_xxs", "tq1_0"), or nullptr: for the error
// that refuses a type by name.
const char* ggml_type_name(uint32_t ggml_type);

// n values (a multiple of the type's block) from `blocks`, as ggml's dequantize_row_* computes
// them: the same float32 bits.
void dequantize(QuantType type, const void* blocks, float* out, size_t n);

// Whether every value of n (a multiple of the block) is finite, read from the blocks' scales
// alone: the integers times a finite float16 scale cannot overflow float32.
bool quant_finite(QuantType type, const void* blocks, size_t n);

// IEEE binary16, exact; a NaN made quiet as the processor's conversion (F16C) makes it.
inline float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1Fu;
  const uint32_t mantissa = h & 0x3FFu;
  if (exponent == 0) {  // zero or subnormal: mantissa · 2^-24, exact in float
    const float magnitude = static_cast<float>(mantissa) * 0x1p-24f;
    return sign ? -magnitude : magnitude;
  }
  const uint32_t bits = exponent == 0x1F
                            ? sign | 0x7F800000u | (mantissa << 13) | (mantissa ? 0x00400000u : 0u)
                            : sign | ((exponent + 112) << 23) | (mantissa << 13);  // 15 → 127
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// The top half of a float32.
inline float bfloat16_to_float(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// A matrix whose rows stay as the file holds them: row r's blocks at data + row_bytes · row_of[r]
// (row_of empty: r). Its values are read a panel at a time by the products (matmul on a Tensor)
// and the lookups (Tensor::row_into), never expanded whole.
struct PackedRows {
  QuantType type = QuantType::F32;
  const unsigned char* data = nullptr;  // must outlive every Tensor holding these rows
  size_t row_bytes = 0;
  std::vector<int64_t> row_of;  // the file's row for each row (llama.cpp's permuted q and k)

  const unsigned char* row(int64_t r) const {
    return data + row_bytes * static_cast<size_t>(row_of.empty() ? r : row_of[r]);
  }
};

// The first of rows [first, first + count) of `rows` (cols values each) that holds a value that
// is not finite, or -1; the rows read with quant_finite() on every thread.
int64_t first_row_not_finite(const PackedRows& rows, int64_t first, int64_t count, size_t cols);

}  // namespace attnviz
