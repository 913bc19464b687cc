// A Compute and its pool of worker threads. The pool starts on the first parallel loop that has
// more than one task, so a short run (the lesson's 15 tokens) never creates a thread.
#include "attnviz/compute/compute.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

#include "compute/kernel_table.hpp"

#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace attnviz {
namespace {

thread_local bool in_task = false;             // inside a parallel loop's task
thread_local const Compute* scoped = nullptr;  // the innermost ComputeScope's, or a worker's

// Tells the core that this thread is waiting in a loop (x86's pause, ARM's yield): less power,
// and the other hardware thread of the core runs faster meanwhile.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Waits up to kSpin for ready() without sleeping. A new token's one-row products come
// microseconds apart, and a thread put to sleep between them takes tens of microseconds to wake
// (more on a virtual machine), on both sides of every loop: the workers and the loop's caller spin
// first, then sleep.
constexpr std::chrono::microseconds kSpin{100};

template <class Ready>
void spin_until(const Ready& ready) {
  const auto end = std::chrono::steady_clock::now() + kSpin;
  while (!ready() && std::chrono::steady_clock::now() < end) cpu_relax();
}

}  // namespace

class Compute::Pool {
 public:
  explicit Pool(const Compute& owner) : owner_(owner) {}
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  // Runs the loop on `width` threads: this one and width - 1 workers. False, with nothing run,
  // while another thread's loop has the pool.
  bool run(size_t n, const std::function<void(size_t)>& task, int width) {
    std::unique_lock<std::mutex> in_use(in_use_, std::try_to_lock);
    if (!in_use.owns_lock()) return false;
    std::vector<std::exception_ptr> errors(n);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      while (static_cast<int>(workers_.size()) < width - 1) {
        workers_.emplace_back([this] { work(); });
      }
      task_ = &task;
      errors_ = &errors;
      n_ = n;
      next_ = 0;
      helpers_ = width - 1;
      busy_ = width - 1;
      ++generation_;
    }
    wake_.notify_all();
    drain();
    spin_until([this] { return busy_ == 0; });
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return busy_ == 0; });
    task_ = nullptr;
    lock.unlock();
    for (const std::exception_ptr& e : errors) {
      if (e) std::rethrow_exception(e);
    }
    return true;
  }

 private:
  // Takes tasks until none is left; each task's exception is kept under its number.
  void drain() {
    in_task = true;
    for (size_t i = next_.fetch_add(1); i < n_; i = next_.fetch_add(1)) {
      try {
        (*task_)(i);
      } catch (...) {
        (*errors_)[i] = std::current_exception();
      }
    }
    in_task = false;
  }

  void work() {
    scoped = &owner_;  // a task computes as the loop's Compute was asked to
    unsigned long seen = 0;
    for (;;) {
      spin_until([&] { return stop_ || generation_ != seen; });
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || (generation_ != seen && helpers_ > 0); });
        if (stop_) return;
        seen = generation_;
        --helpers_;
      }
      drain();
      std::lock_guard<std::mutex> lock(mutex_);
      if (--busy_ == 0) done_.notify_one();
    }
  }

  const Compute& owner_;
  std::mutex in_use_;  // held by the thread whose loop runs
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  const std::function<void(size_t)>* task_ = nullptr;
  std::vector<std::exception_ptr>* errors_ = nullptr;
  size_t n_ = 0;
  std::atomic<size_t> next_{0};
  // Changed under mutex_; the atomics are also read by threads spinning before they sleep.
  int helpers_ = 0;
  std::atomic<int> busy_{0};
  std::atomic<unsigned long> generation_{0};
  std::atomic<bool> stop_{false};
};

int available_cores() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
#endif
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void keep_freed_memory() {
#if defined(__GLIBC__)
  // Blocks below 32 MiB (glibc's largest threshold; every per-layer buffer up to T = 2 048) come
  // from the heap, and a free heap top is never trimmed: freed memory is reused, not re-faulted.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
#endif
}

Compute::Compute(const ComputeSettings& settings)
    : threads_(settings.threads > 0 ? settings.threads : available_cores()),
      kernels_(kernel_index(settings.kernels)),
      pool_(std::make_unique<Pool>(*this)) {}

Compute::~Compute() = default;

void Compute::parallel_for(size_t n, const std::function<void(size_t)>& task) const {
  const int width = static_cast<int>(std::min<size_t>(n, static_cast<size_t>(threads_)));
  if (width > 1 && !in_task && pool_->run(n, task, width)) return;
  // One thread, a task's own loop, or a pool busy with another thread's loop: here, in order.
  for (size_t i = 0; i < n; ++i) task(i);
}

ComputeScope::ComputeScope(const Compute& compute) : outer_(scoped) { scoped = &compute; }

ComputeScope::~ComputeScope() { scoped = outer_; }

const Compute& compute() {
  if (scoped != nullptr) return *scoped;
  static const Compute default_compute;
  return default_compute;
}

int threads() { return compute().threads(); }

void parallel_for(size_t n, const std::function<void(size_t)>& task) {
  compute().parallel_for(n, task);
}

}  // namespace attnviz
