// The compiled kernels' table, as Compute chooses from it.
#pragma once

#include <string>

namespace attnviz {

// The entry of the table named `name` (one of kernel_targets()), or for "" the fastest this CPU
// supports. Throws Error for a name this binary lacks or this CPU cannot run.
int kernel_index(const std::string& name);

}  // namespace attnviz
