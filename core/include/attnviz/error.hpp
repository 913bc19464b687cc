// The one error type the core library throws; only main() turns it into an exit status.
#pragma once

#include <stdexcept>
#include <string>

namespace attnviz {

// The message names what is wrong and where (file, key, position), what was expected and what was
// found, e.g. `w.json: "key.weight" has shape 16×8, expected 16×16 (n_embd × n_embd)`.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace attnviz
