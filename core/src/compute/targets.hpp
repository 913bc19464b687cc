// The instruction sets foreach_target.h compiles attnviz's kernels for, fastest first, as one
// list that every kernel's table is written from, so the tables' entries line up: entry i of each
// is the same instruction set (Compute::kernels() is that i). ATTNVIZ_EACH_TARGET(X) expands
// X(NAMESPACE, "NAME") for each; Highway's names, AVX3 being AVX-512. Include after highway.h.
#pragma once

#include "hwy/highway.h"

#if defined(HWY_COMPILE_ONLY_STATIC)  // -march=native: this CPU's instructions only
#define ATTNVIZ_EACH_TARGET(X) X(HWY_NAMESPACE, "native")
#else
#if HWY_TARGETS & HWY_AVX3
#define ATTNVIZ_IF_AVX3(X) X(N_AVX3, "AVX3")
#else
#define ATTNVIZ_IF_AVX3(X)
#endif
#if HWY_TARGETS & HWY_AVX2
#define ATTNVIZ_IF_AVX2(X) X(N_AVX2, "AVX2")
#else
#define ATTNVIZ_IF_AVX2(X)
#endif
#if HWY_TARGETS & HWY_SSE4
#define ATTNVIZ_IF_SSE4(X) X(N_SSE4, "SSE4")
#else
#define ATTNVIZ_IF_SSE4(X)
#endif
#if HWY_TARGETS & HWY_SSSE3
#define ATTNVIZ_IF_SSSE3(X) X(N_SSSE3, "SSSE3")
#else
#define ATTNVIZ_IF_SSSE3(X)
#endif
#if HWY_TARGETS & HWY_EMU128
#define ATTNVIZ_IF_EMU128(X) X(N_EMU128, "EMU128")
#else
#define ATTNVIZ_IF_EMU128(X)
#endif
#if HWY_TARGETS & HWY_SCALAR
#define ATTNVIZ_IF_SCALAR(X) X(N_SCALAR, "SCALAR")
#else
#define ATTNVIZ_IF_SCALAR(X)
#endif
#define ATTNVIZ_EACH_TARGET(X) \
  ATTNVIZ_IF_AVX3(X)           \
  ATTNVIZ_IF_AVX2(X)           \
  ATTNVIZ_IF_SSE4(X) ATTNVIZ_IF_SSSE3(X) ATTNVIZ_IF_EMU128(X) ATTNVIZ_IF_SCALAR(X)
#endif
