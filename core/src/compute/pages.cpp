// madvise over the whole pages (4 KiB, or 2 MiB huge pages) that lie inside a buffer.
#include "compute/pages.hpp"

#include <cstdint>
#include <cstring>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace attnviz {
namespace {

#if defined(__linux__)
// madvise(advice) on the whole `unit`-sized, `unit`-aligned pieces of [data, data + bytes).
void advise(const void* data, size_t bytes, uintptr_t unit, int advice) {
  const auto begin = reinterpret_cast<uintptr_t>(data);
  const uintptr_t first = (begin + unit - 1) & ~(unit - 1), last = (begin + bytes) & ~(unit - 1);
  if (last > first) ::madvise(reinterpret_cast<void*>(first), last - first, advice);
}
#endif

}  // namespace

Matrix square_on_huge_pages(Eigen::Index T) {
  Matrix m(T, T);
  on_huge_pages(m.data(), static_cast<size_t>(m.size()) * sizeof(float));
  return m;
}

void populate_pages(const void* data, size_t bytes, bool write) {
#if defined(__linux__) && defined(MADV_POPULATE_READ) && defined(MADV_POPULATE_WRITE)
  advise(data, bytes, static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE)),
         write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ);
#else
  (void)data, (void)bytes, (void)write;
#endif
}

void on_huge_pages(void* data, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  advise(data, bytes, uintptr_t{2} << 20, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

void release_pages(const void* data, size_t bytes) {
#if defined(__linux__) && defined(MADV_DONTNEED)
  advise(data, bytes, static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE)), MADV_DONTNEED);
#else
  (void)data;
  (void)bytes;
#endif
}

void discard_pages(void* data, size_t bytes) {
#if defined(__linux__) && defined(MADV_DONTNEED)
  advise(data, bytes, static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE)), MADV_DONTNEED);
#else
  std::memset(data, 0, bytes);  // nothing leaves memory, but the contents are as promised
#endif
}

void release_pages(const Tensor& t) {
  if (t.owned() || t.size() == 0) return;
  release_pages(t.data(),
                static_cast<size_t>((t.rows() - 1) * t.outerStride() + t.cols()) * sizeof(float));
}

}  // namespace attnviz
