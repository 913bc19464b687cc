// libFuzzer target: the safetensors header parser and tensor reader, the layouts on what it
// accepted (with and without embeddings, at the prefix the file suggests), and saving it back.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "attnviz/error.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/model/attention_load.hpp"

namespace {

// The attention module's prefix the file's keys suggest ("transformer.h.0.attn."), or "".
std::string suggested_prefix(const attnviz::StateDict& sd) {
  for (const std::string& key : sd.keys()) {
    for (const std::string suffix : {"c_attn.weight", "heads.0.query.weight", "query.weight"}) {
      if (key.size() >= suffix.size() &&
          key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0) {
        return key.substr(0, key.size() - suffix.size());
      }
    }
  }
  return "";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    const auto sd = attnviz::open_safetensors(bytes, "fuzz.safetensors");
    for (const std::string& key : sd->keys()) {
      const auto dims = static_cast<int>(sd->shape(key).size());
      try {
        sd->tensor(key, dims == 1 ? 1 : 2);
      } catch (const attnviz::Error&) {
      }
      // Read unchecked and checked later, a matrix fails exactly when tensor() fails on it.
      if (dims != 2) continue;
      try {
        const attnviz::Tensor t = sd->unchecked_tensor(key, 2);
        const auto fails = [](const std::function<void()>& f) {
          try {
            f();
          } catch (const attnviz::Error&) {
            return true;
          }
          return false;
        };
        const bool later = fails([&] { sd->check_finite(key, 0, t.rows()); });
        if (later != fails([&] { sd->tensor(key, 2); })) __builtin_trap();
        if (!later && fails([&] { sd->check_finite(key, t.rows() / 2, t.rows() - t.rows() / 2); }))
          __builtin_trap();
        // Kept as the file holds it (F16, BF16), the same: it fails when tensor() fails, and
        // its rows are tensor()'s, bit for bit.
        const attnviz::Tensor packed = sd->unchecked_linear(key);
        if (fails([&] { sd->check_finite(key, 0, packed.rows()); }) != later) __builtin_trap();
        if (!later) {
          const attnviz::Tensor whole = sd->tensor(key, 2);
          std::vector<float> row(static_cast<size_t>(packed.cols()));
          for (Eigen::Index r = 0; r < packed.rows(); ++r) {
            packed.row_into(r, row.data());
            if (std::memcmp(row.data(), whole.row(r).data(), row.size() * sizeof(float)) != 0)
              __builtin_trap();
          }
        }
      } catch (const attnviz::Error&) {
      }
    }
    attnviz::LoadOptions options;
    options.prefix = suggested_prefix(*sd);
    options.n_head = 1 + static_cast<int>(size % 4);
    options.max_embd = 256;
    for (const bool embeddings : {false, true}) {
      options.embeddings = embeddings;
      try {
        std::vector<attnviz::Words> warnings;
        const attnviz::Weights w = attnviz::load_weights(*sd, options, warnings);
        // Saved weights must load back.
        const std::string saved = attnviz::weights_to_safetensors(w);
        attnviz::LoadOptions plain;
        plain.embeddings = embeddings;
        attnviz::load_weights(*attnviz::open_safetensors(saved, "saved.safetensors"), plain,
                              warnings);
      } catch (const attnviz::Error&) {
      }
    }
  } catch (const attnviz::Error& e) {
    // A clear error is the right answer to a bad file, in either language.
    (void)e.message(attnviz::Lang::Az);
  }
  return 0;
}
