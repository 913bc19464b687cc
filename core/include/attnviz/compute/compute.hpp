// How a run computes: how many threads, which instruction set's kernels, and the worker threads
// themselves. A Compute is an object, not process state, so two runs in one process (two threads
// of a program that embeds the core) each compute as they were asked, side by side. The parallel
// loop's results never depend on the thread count (each task writes its own part, in the same
// arithmetic order as alone).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace attnviz {

// The cores this process may run on (its CPU affinity), at least 1.
int available_cores();

// Asks the C library to keep the memory a run frees for its next allocations rather than hand it
// back to the system and fault it in again: a forward pass frees and allocates tens of megabytes
// per layer (each head's (T, T) weights, the MLP's hidden layer), and on a virtual machine a page
// fault costs microseconds (GPT-2 small at T = 1 024 spent a third of its time in them). Process-
// wide, so a program calls it once, at its start: attnviz's main() and its benchmarks do.
void keep_freed_memory();

struct ComputeSettings {
  int threads = 0;      // --threads; 0: available_cores()
  std::string kernels;  // one of kernel_targets() (ATTNVIZ_KERNELS); "": the fastest this CPU has
};

class Compute {
 public:
  // Throws Error when `settings.kernels` names no kernels this binary has for this CPU.
  explicit Compute(const ComputeSettings& settings = {});
  ~Compute();
  Compute(const Compute&) = delete;
  Compute& operator=(const Compute&) = delete;

  int threads() const { return threads_; }
  int kernels() const { return kernels_; }  // which compiled kernels: kernel_target() names them
  // Runs task(0) … task(n-1) on up to threads() threads, the caller's included, and returns when
  // all are done. Inside a task it runs serially (no nested fan-out). If tasks throw, the
  // exception of the lowest-numbered one is rethrown, so errors name the same place whatever the
  // thread count. Workers start on the first loop that needs them: a short run starts none.
  void parallel_for(size_t n, const std::function<void(size_t)>& task) const;

 private:
  class Pool;
  int threads_;
  int kernels_;
  std::unique_ptr<Pool> pool_;
};

// Makes `compute` the calling thread's until the scope ends (scopes nest). The kernels, threads()
// and parallel_for() below use the scope's Compute; a task of its parallel loop does too, on
// whichever worker runs it.
class ComputeScope {
 public:
  explicit ComputeScope(const Compute& compute);
  ~ComputeScope();
  ComputeScope(const ComputeScope&) = delete;
  ComputeScope& operator=(const ComputeScope&) = delete;

 private:
  const Compute* outer_;
};

// The calling thread's Compute: its innermost scope's, else one with the default settings.
const Compute& compute();

// compute().threads() and compute().parallel_for().
int threads();
void parallel_for(size_t n, const std::function<void(size_t)>& task);

}  // namespace attnviz
