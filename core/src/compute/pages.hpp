// Advice to the kernel about memory pages (private header): huge pages for a large fresh matrix,
// and the pages of a mapped file this process is done with.
#pragma once

#include <cstddef>

#include "attnviz/matrix.hpp"

namespace attnviz {

// A (T, T) matrix, not yet touched, on transparent huge pages where Linux offers them on request:
// a long text's weights fault in 2 MiB at a time instead of 4 KiB (T = 8192: 130 faults, not
// 65 000). Nothing changes if the request is refused.
Matrix square_on_huge_pages(Eigen::Index T);
// The same advice for [data, data + bytes) of this process's own memory, not yet touched.
void on_huge_pages(void* data, size_t bytes);

// Maps the pages of [data, data + bytes) (of a file mapping, or fresh memory with `write`) in one
// call, before a pass reads or writes them all: one system call, not a fault per 4 KiB page.
// Nothing where the kernel has no MADV_POPULATE_READ / _WRITE (Linux before 5.14).
void populate_pages(const void* data, size_t bytes, bool write);

// Tells the kernel the whole pages inside [data, data + bytes) of a read-only file mapping can
// leave this process's resident memory; read again, they come back from the file (its page
// cache). Never for ordinary memory, whose contents would be lost. Linux only; elsewhere nothing.
void release_pages(const void* data, size_t bytes);
// The same for a Tensor that views such a mapping; owned tensors are left alone.
void release_pages(const Tensor& t);

// The whole pages inside [data, data + bytes) of this process's own memory leave it: their
// contents are lost, and read as zeros until written again. For floats that can be made again
// (weights converted from BF16).
void discard_pages(void* data, size_t bytes);

}  // namespace attnviz
