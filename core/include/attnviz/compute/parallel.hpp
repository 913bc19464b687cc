// The threads attnviz computes with: how many, and a parallel loop whose results never depend on
// that number (each task writes its own part, in the same arithmetic order as alone).
#pragma once

#include <cstddef>
#include <functional>

namespace attnviz {

// The cores this process may run on (its CPU affinity), at least 1.
int available_cores();

// Threads for the work that follows (--threads); 0 means available_cores(). Call before any
// parallel_for, not during one.
void set_threads(int n);
int threads();

// Runs task(0) … task(n-1), on up to threads() threads, the caller's included, and returns when
// all are done. Inside a task it runs serially (no nested fan-out). If tasks throw, the exception
// of the lowest-numbered one is rethrown, so errors name the same place whatever the thread count.
void parallel_for(size_t n, const std::function<void(size_t)>& task);

}  // namespace attnviz
