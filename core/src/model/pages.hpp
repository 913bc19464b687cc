// Memory pages of a mapped file that this process is done with (private header).
#pragma once

#include <cstddef>

#include "attnviz/matrix.hpp"

namespace attnviz {

// Tells the kernel the pages that lie wholly inside a view of a mapped file (a Tensor that does
// not own its floats) can leave this process's resident memory; read again, they come back from
// the file (its page cache). Owned tensors are left alone. Linux only; elsewhere nothing.
void release_pages(const Tensor& t);
// The same for the whole pages inside [data, data + bytes) of a mapped file.
void release_pages(const void* data, size_t bytes);

}  // namespace attnviz
