// The Compute a benchmark runs with: `threads` threads and the kernels ATTNVIZ_KERNELS names, as
// the command takes them ("": the fastest this CPU has), so one program measures every path.
#pragma once

#include <cstdlib>
#include <string>

#include "attnviz/compute/compute.hpp"

namespace attnviz {

// The process as attnviz's main() sets it up (keep_freed_memory), once, before any benchmark.
inline const bool kProcessLikeTheCommand = (keep_freed_memory(), true);

inline ComputeSettings bench_compute(int threads) {
  const char* kernels = std::getenv("ATTNVIZ_KERNELS");
  return ComputeSettings{threads, kernels != nullptr ? kernels : ""};
}

}  // namespace attnviz
