// The matrix products and elementwise functions of the forward pass, compiled for several
// instruction sets (SSE4, AVX2+FMA, AVX-512, and a portable fallback) with the fastest this CPU
// has chosen at run time (or the one the calling thread's Compute names), and spread over its
// threads without changing a bit of the result.
#pragma once

#include <string>
#include <vector>

#include "attnviz/matrix.hpp"

namespace attnviz {

// C (M, N) = A (M, K) · B (K, N), or with Operand::Transposed A · Bᵀ for B (N, K) (nn.Linear's
// weight; q·kᵀ). Each entry is summed over K in the same
// order whatever the thread count and vector width: AVX2 and AVX-512 give the same bits, the
// fallbacks (no FMA) differ in the last bits.
void matmul(const ConstMatrixRef& a, const ConstMatrixRef& b, Operand b_is, MatrixRef c);
// The same with a weight Tensor, which may be kept quantized (Tensor::packed(), only Transposed):
// its rows are unpacked a panel at a time, and the result has the bits of the product with the
// unpacked matrix.
void matmul_weight(const ConstMatrixRef& a, const Tensor& b, Operand b_is, MatrixRef c);

// One row of attention weights from one row of scores, in place: scale, then softmax over the
// first n entries (the keys the query sees). False when an entry is not finite.
bool softmax_row(float* row, Eigen::Index n, float scale);

// True when none of the n values is an infinity or NaN.
bool all_finite(const float* values, size_t n);

// Elementwise, in place, on (rows, cols).
void gelu_erf(MatrixRef x);   // x·Φ(x) = ½x(1 + erf(x/√2)), nn.GELU()
void gelu_tanh(MatrixRef x);  // ½x(1 + tanh(√(2/π)(x + 0.044715x³))), GPT-2's gelu_new
void silu(MatrixRef x);       // x / (1 + e^−x), nn.SiLU (Llama's gate)

// The instruction set the calling thread's Compute runs its kernels with ("AVX3" is AVX-512),
// and every one this binary has that this CPU supports, fastest first (ComputeSettings::kernels
// and ATTNVIZ_KERNELS take these names).
std::string kernel_target();
std::vector<std::string> kernel_targets();

}  // namespace attnviz
