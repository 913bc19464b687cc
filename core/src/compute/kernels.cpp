// The instruction sets the kernels are compiled for (targets.hpp), which of them this CPU can run,
// and their names. Chosen here, not by Highway's run-time library: loading that costs every run
// 2.5 ms (it measures a timer as it loads), a fifth of the lesson's whole PNG.
#include "attnviz/compute/kernels.hpp"

#include <iterator>
#include <string>
#include <vector>

#include "attnviz/compute/compute.hpp"
#include "attnviz/error.hpp"
#include "compute/kernel_table.hpp"
#include "compute/targets.hpp"

namespace attnviz {
namespace {

bool has_ssse3() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse3") && __builtin_cpu_supports("ssse3");
}
bool has_sse4() {
  return has_ssse3() && __builtin_cpu_supports("sse4.1") && __builtin_cpu_supports("sse4.2") &&
         __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("aes");
}
// The CPU's support and the operating system's (libgcc checks XCR0 for the AVX registers).
bool has_avx2() {
  return has_sse4() && __builtin_cpu_supports("avx") && __builtin_cpu_supports("avx2") &&
         __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi") &&
         __builtin_cpu_supports("bmi2");
}
bool has_avx512() {
  return has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
}

// Whether this CPU runs the kernels of the instruction set named so.
bool supported(const std::string& name) {
  if (name == "AVX3") return has_avx512();
  if (name == "AVX2") return has_avx2();
  if (name == "SSE4") return has_sse4();
  if (name == "SSSE3") return has_ssse3();
  return true;  // native (this CPU's own build), EMU128, SCALAR
}

#define ATTNVIZ_NAME_OF(NS, NAME) NAME,
const char* const kNames[] = {ATTNVIZ_EACH_TARGET(ATTNVIZ_NAME_OF)};

}  // namespace

int kernel_index(const std::string& name) {
  for (size_t i = 0; i < std::size(kNames); ++i) {
    if ((name.empty() || name == kNames[i]) && supported(kNames[i])) return static_cast<int>(i);
  }
  std::string names;
  for (const std::string& t : kernel_targets()) names += (names.empty() ? "" : ", ") + t;
  throw Error(Err::UnknownKernels, {name, names});
}

std::vector<std::string> kernel_targets() {
  std::vector<std::string> names;
  for (const char* name : kNames) {
    if (supported(name)) names.emplace_back(name);
  }
  return names;
}

std::string kernel_target() { return kNames[compute().kernels()]; }

}  // namespace attnviz
