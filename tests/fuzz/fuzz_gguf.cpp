// libFuzzer target: GGUF files, the reader. The header must read or fail with an Error; what reads
// must give every tensor's shape, each matrix packed and each vector unpacked, its rows checked,
// unpacked and multiplied (within a budget of values), and its tokenizer's tables or an Error.
// (fuzz_gguf_tokenizer builds and runs the tokenizers.)
#include <cstddef>
#include <cstdint>
#include <string>

#include "attnviz/compute/compute.hpp"
#include "attnviz/compute/kernels.hpp"
#include "attnviz/error.hpp"
#include "attnviz/formats/gguf.hpp"
#include "attnviz/formats/state_dict.hpp"

namespace {

void use_tensors(const attnviz::StateDict& sd) {
  size_t budget = size_t{1} << 12;  // values unpacked per input, at most
  int products = 2;                 // matrices multiplied per input (the kernels have their tests)
  for (const std::string& key : sd.keys()) {
    const std::vector<int64_t> shape = sd.shape(key);
    if (shape.empty() || shape.size() > 2) continue;
    const auto dims = static_cast<int>(shape.size());
    try {
      const attnviz::Tensor t = sd.unchecked_tensor(key, dims);
      if (dims != 2 || t.packed() == nullptr || products-- == 0) continue;
      const auto cells = static_cast<size_t>(t.rows()) * static_cast<size_t>(t.cols());
      if (cells > budget) continue;
      budget -= cells;
      sd.check_finite(key, 0, t.rows());
      std::vector<float> row(static_cast<size_t>(t.cols()));
      t.row_into(t.rows() - 1, row.data());
      attnviz::Matrix x = attnviz::Matrix::Ones(2, t.cols());  // (2, cols) · (cols, rows)
      attnviz::Matrix y(2, t.rows());
      attnviz::matmul_weight(x, t, attnviz::Operand::Transposed, y);
      sd.release(key, 0, t.rows());
    } catch (const attnviz::Error& e) {
      (void)e.message(attnviz::Lang::Az);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const attnviz::Compute one_thread({1, ""});  // no worker threads to wake per input
  const attnviz::ComputeScope scope(one_thread);
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const attnviz::GgufFile file(bytes, "fuzz.gguf");
    for (const attnviz::GgufTensor& t : file.tensors()) {
      if (t.bytes.data() < bytes.data() || t.bytes.data() + t.bytes.size() > bytes.data() + size) {
        __builtin_trap();  // every tensor inside the file
      }
    }
    (void)attnviz::gguf_tokenizer(file);
    (void)attnviz::gguf_file_type(file);
    const auto sd = attnviz::open_gguf(bytes, "fuzz.gguf");  // the model's settings and names
    use_tensors(*sd);
  } catch (const attnviz::Error& e) {
    (void)e.message(attnviz::Lang::Az);
  }
  return 0;
}
