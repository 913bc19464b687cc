// ggml's types: their layouts and names, whether a row's values are finite; and a quantized
// Tensor's rows. The values themselves: dequantize.cpp.
#include "attnviz/compute/quant.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "attnviz/compute/compute.hpp"
#include "attnviz/error.hpp"
#include "attnviz/matrix.hpp"
#include "compute/quant_blocks.hpp"

namespace attnviz {

namespace {

using namespace ggml;  // NOLINT: the block layouts

// The float16 scales of every block: at `offset` in each of the blocks, `count` of them.
bool halves_finite(const void* blocks, size_t n_blocks, size_t block_bytes, size_t offset,
                   size_t count) {
  const auto* p = static_cast<const unsigned char*>(blocks) + offset;
  for (size_t i = 0; i < n_blocks; ++i, p += block_bytes) {
    for (size_t c = 0; c < count; ++c) {
      const uint16_t bits = bits_at(p + 2 * c);
      if ((bits & 0x7C00u) == 0x7C00u) return false;  // exponent all ones: infinity or NaN
    }
  }
  return true;
}

}  // namespace

const QuantLayout* quant_layout(uint32_t ggml_type) {
  static const QuantLayout kF32{"f32", 1, 4}, kF16{"f16", 1, 2}, kBf16{"bf16", 1, 2},
      kQ4_0{"q4_0", QK, sizeof(BlockQ4_0)}, kQ4_1{"q4_1", QK, sizeof(BlockQ4_1)},
      kQ5_0{"q5_0", QK, sizeof(BlockQ5_0)}, kQ5_1{"q5_1", QK, sizeof(BlockQ5_1)},
      kQ8_0{"q8_0", QK, sizeof(BlockQ8_0)}, kQ2_K{"q2_K", QK_K, sizeof(BlockQ2_K)},
      kQ3_K{"q3_K", QK_K, sizeof(BlockQ3_K)}, kQ4_K{"q4_K", QK_K, sizeof(BlockQ4_K)},
      kQ5_K{"q5_K", QK_K, sizeof(BlockQ5_K)}, kQ6_K{"q6_K", QK_K, sizeof(BlockQ6_K)};
  switch (static_cast<QuantType>(ggml_type)) {
    case QuantType::F32:
      return &kF32;
    case QuantType::F16:
      return &kF16;
    case QuantType::BF16:
      return &kBf16;
    case QuantType::Q4_0:
      return &kQ4_0;
    case QuantType::Q4_1:
      return &kQ4_1;
    case QuantType::Q5_0:
      return &kQ5_0;
    case QuantType::Q5_1:
      return &kQ5_1;
    case QuantType::Q8_0:
      return &kQ8_0;
    case QuantType::Q2_K:
      return &kQ2_K;
    case QuantType::Q3_K:
      return &kQ3_K;
    case QuantType::Q4_K:
      return &kQ4_K;
    case QuantType::Q5_K:
      return &kQ5_K;
    case QuantType::Q6_K:
      return &kQ6_K;
  }
  return nullptr;
}

const char* ggml_type_name(uint32_t ggml_type) {
  if (const QuantLayout* l = quant_layout(ggml_type)) return l->name;
  switch (ggml_type) {  // ggml's other types (ggml.h), none of them read here
    case 9:
      return "q8_1";
    case 15:
      return "q8_K";
    case 16:
      return "iq2_xxs";
    case 17:
      return "iq2_xs";
    case 18:
      return "iq3_xxs";
    case 19:
      return "iq1_s";
    case 20:
      return "iq4_nl";
    case 21:
      return "iq3_s";
    case 22:
      return "iq2_s";
    case 23:
      return "iq4_xs";
    case 24:
      return "i8";
    case 25:
      return "i16";
    case 26:
      return "i32";
    case 27:
      return "i64";
    case 28:
      return "f64";
    case 29:
      return "iq1_m";
    case 34:
      return "tq1_0";
    case 35:
      return "tq2_0";
    case 39:
      return "mxfp4";
    case 40:
      return "nvfp4";
    case 41:
      return "q1_0";
    case 42:
      return "q2_0";
    default:
      return nullptr;
  }
}

bool quant_finite(QuantType type, const void* blocks, size_t n) {
  const QuantLayout& l = *quant_layout(static_cast<uint32_t>(type));
  const size_t nb = n / l.block_values;
  switch (type) {
    case QuantType::F32: {
      const auto* p = static_cast<const unsigned char*>(blocks);
      for (size_t i = 0; i < n; ++i) {
        float f;
        std::memcpy(&f, p + 4 * i, 4);
        if (!std::isfinite(f)) return false;
      }
      return true;
    }
    case QuantType::F16:
      return halves_finite(blocks, n, 2, 0, 1);
    case QuantType::BF16: {
      const auto* p = static_cast<const unsigned char*>(blocks);
      for (size_t i = 0; i < n; ++i) {
        if ((bits_at(p + 2 * i) & 0x7F80u) == 0x7F80u) return false;
      }
      return true;
    }
    case QuantType::Q4_0:
    case QuantType::Q5_0:
    case QuantType::Q8_0:
      return halves_finite(blocks, nb, l.block_bytes, 0, 1);
    case QuantType::Q4_1:
    case QuantType::Q5_1:
    case QuantType::Q4_K:
    case QuantType::Q5_K:
      return halves_finite(blocks, nb, l.block_bytes, 0, 2);
    case QuantType::Q2_K:
      return halves_finite(blocks, nb, l.block_bytes, offsetof(BlockQ2_K, d), 2);
    case QuantType::Q3_K:
      return halves_finite(blocks, nb, l.block_bytes, offsetof(BlockQ3_K, d), 1);
    case QuantType::Q6_K:
      return halves_finite(blocks, nb, l.block_bytes, offsetof(BlockQ6_K, d), 1);
  }
  return false;
}

// Tensor's packed rows (matrix.hpp).
Tensor Tensor::part(Eigen::Index row, Eigen::Index col, Eigen::Index rows,
                    Eigen::Index cols) const {
  if (!packed_) return Tensor(data() + row * outerStride() + col, rows, cols, outerStride(), keep_);
  if (col != 0 || cols != this->cols()) {
    throw Error(Err::Internal, {"a part of a quantized tensor that is not whole rows"});
  }
  Tensor t = packed(packed_, rows, cols);
  t.packed_first_ = packed_first_ + row;
  return t;
}

void Tensor::row_into(Eigen::Index i, float* out) const {
  if (!packed_) {
    std::copy(data() + i * outerStride(), data() + i * outerStride() + cols(), out);
    return;
  }
  dequantize(packed_->type, packed_->row(packed_first_ + i), out, static_cast<size_t>(cols()));
}

int64_t first_row_not_finite(const PackedRows& rows, int64_t first, int64_t count, size_t cols) {
  std::vector<char> finite(static_cast<size_t>(count), 1);
  parallel_for(finite.size(), [&](size_t i) {
    finite[i] = quant_finite(rows.type, rows.row(first + static_cast<int64_t>(i)), cols);
  });
  const auto bad = std::find(finite.begin(), finite.end(), 0);
  return bad == finite.end() ? -1 : first + (bad - finite.begin());
}

}  // namespace attnviz
