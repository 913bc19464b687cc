// The Compute a benchmark runs with: `threads` threads and the kernels ATTNVIZ_KERNELS names, as
// the command takes them ("": the fastest this CPU has), so one program measures every path.
#pragma once

#include <cstdlib>
#include <string>

#include "attnviz/compute/compute.hpp"

namespace attnviz {

inline ComputeSettings bench_compute(int threads) {
  const char* kernels = std::getenv("ATTNVIZ_KERNELS");
  return ComputeSettings{threads, kernels != nullptr ? kernels : ""};
}

}  // namespace attnviz
