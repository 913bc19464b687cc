// A small pool of worker threads, started on the first parallel loop that has more than one task,
// so a short run (the lesson's 15 tokens) never creates one.
#include "attnviz/compute/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

namespace attnviz {
namespace {

thread_local bool in_task = false;

class Pool {
 public:
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  // Runs the loop on `width` threads: this one and width - 1 workers.
  void run(size_t n, const std::function<void(size_t)>& task, int width) {
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
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return busy_ == 0; });
    task_ = nullptr;
    lock.unlock();
    for (const std::exception_ptr& e : errors) {
      if (e) std::rethrow_exception(e);
    }
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
    unsigned long seen = 0;
    for (;;) {
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

  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  const std::function<void(size_t)>* task_ = nullptr;
  std::vector<std::exception_ptr>* errors_ = nullptr;
  size_t n_ = 0;
  std::atomic<size_t> next_{0};
  int helpers_ = 0, busy_ = 0;
  unsigned long generation_ = 0;
  bool stop_ = false;
};

int chosen_threads = 0;  // 0: available_cores()

}  // namespace

int available_cores() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
#endif
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void set_threads(int n) { chosen_threads = n; }

int threads() { return chosen_threads > 0 ? chosen_threads : available_cores(); }

void parallel_for(size_t n, const std::function<void(size_t)>& task) {
  const int width = static_cast<int>(std::min<size_t>(n, static_cast<size_t>(threads())));
  if (width <= 1 || in_task) {
    for (size_t i = 0; i < n; ++i) task(i);
    return;
  }
  static Pool pool;
  pool.run(n, task, width);
}

}  // namespace attnviz
