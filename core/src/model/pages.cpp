// madvise(MADV_DONTNEED) on the whole pages of a file view: for a private mapping never written,
// the next read faults the page in from the file again, so the view stays valid.
#include "model/pages.hpp"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace attnviz {

void release_pages(const void* data, size_t bytes) {
#if defined(__linux__) && defined(MADV_DONTNEED)
  const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = reinterpret_cast<uintptr_t>(data);
  const uintptr_t first = (begin + page - 1) & ~(page - 1), last = (begin + bytes) & ~(page - 1);
  if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
#else
  (void)data;
  (void)bytes;
#endif
}

void release_pages(const Tensor& t) {
  if (t.owned() || t.size() == 0) return;
  release_pages(t.data(),
                static_cast<size_t>((t.rows() - 1) * t.outerStride() + t.cols()) * sizeof(float));
}

}  // namespace attnviz
