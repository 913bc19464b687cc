// libFuzzer target: PyTorch's files — the zip container, the legacy format, the pickle read as a
// state_dict, a checkpoint or a module — and every tensor they describe, read.
#include <cstddef>
#include <cstdint>
#include <string>

#include "attnviz/error.hpp"
#include "attnviz/formats/state_dict.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const auto sd = attnviz::open_torch_file(bytes, "fuzz.pth");  // zip or legacy, by content
    for (const std::string& key : sd->keys()) {
      const auto dims = static_cast<int>(sd->shape(key).size());
      try {
        const attnviz::Tensor t = sd->tensor(key, dims == 1 ? 1 : 2);
        // Every value of a view lies inside the file's bytes, or the tensor owns a copy.
        volatile float sum = 0;
        for (Eigen::Index i = 0; i < t.size(); ++i) sum = sum + t.data()[i];
      } catch (const attnviz::Error&) {
      }
    }
    (void)sd->setting("n_head", 64);
  } catch (const attnviz::Error& e) {
    (void)e.message(attnviz::Lang::Az);
  }
  return 0;
}
