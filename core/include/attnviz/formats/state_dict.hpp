// A state_dict as a file holds it (torch.save's, safetensors, JSON): named tensors and a few
// settings, read on demand. Knows bytes, not models: model/ turns the tensors into modules.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "attnviz/error.hpp"
#include "attnviz/formats/model_folder.hpp"
#include "attnviz/limits.hpp"
#include "attnviz/matrix.hpp"

namespace attnviz {

class GgufFile;  // formats/gguf.hpp

// Named tensors, read on demand: a whole-model file costs only the tensors a layout uses.
class StateDict {
 public:
  explicit StateDict(std::string name) : name_(std::move(name)) {}
  virtual ~StateDict() = default;
  StateDict(const StateDict&) = delete;
  StateDict& operator=(const StateDict&) = delete;

  const std::string& name() const { return name_; }  // the file, first word of every error
  // Throws Error "NAME: message".
  [[noreturn]] void fail(Err id, std::vector<Words> args) const;

  virtual std::vector<std::string> keys() const = 0;  // every tensor, in file order
  virtual bool has(const std::string& key) const = 0;
  virtual std::vector<int64_t> shape(const std::string& key) const = 0;  // of a present tensor
  // Whether a present tensor holds floats (tensor() reads it), not integers or bools (buffers).
  virtual bool is_float(const std::string& key) const {
    (void)key;
    return true;
  }
  // A tensor of `dims` dimensions (1 or 2) as float32: a 1-D tensor becomes one row (1, n). An
  // F32 tensor of a safetensors file is a view of the file's bytes (no copy), the others are
  // converted. Throws Error for a missing key, another number of dimensions, an unsupported
  // dtype, or a value that is not a finite float32.
  virtual Tensor tensor(const std::string& key, int dims) const = 0;
  // As tensor(), except that the values are not read yet: check_finite() reads them later, rows
  // at a time, just before they are used, so a run reads only what it uses, once. A view's values
  // are the file's; a tensor that must be converted (F16, BF16, F32 not aligned for float) is
  // converted there too, rows at a time, and holds nothing meaningful before. A parsed tensor
  // (JSON) is checked here all the same.
  virtual Tensor unchecked_tensor(const std::string& key, int dims) const {
    return tensor(key, dims);
  }
  // As unchecked_tensor(key, 2), for a matrix used only as nn.Linear's weight (transposed) or a
  // table of rows: F16 and BF16 are kept as the file holds them (Tensor::packed), half the bytes
  // of float32, and widened by the products as they read them. check_finite() reads them too.
  virtual Tensor unchecked_linear(const std::string& key) const { return unchecked_tensor(key, 2); }
  // Throws the Error tensor() would at the first value of rows [first, first + rows) of a tensor
  // from unchecked_tensor() that is not finite; nothing for a tensor checked already. Rows outside
  // the tensor are std::out_of_range.
  virtual void check_finite(const std::string& key, Eigen::Index first, Eigen::Index rows) const {
    (void)key, (void)first, (void)rows;
  }
  // Rows [first, first + rows) of a tensor from unchecked_tensor() that was converted (F16, BF16)
  // leave memory: their floats read as zeros until check_finite() converts them again. A run
  // holds one block's converted weights at a time, not a float32 copy of the whole model.
  // Nothing for a view of the file, or a tensor read whole.
  virtual void release(const std::string& key, Eigen::Index first, Eigen::Index rows) const {
    (void)key, (void)first, (void)rows;
  }
  // A positive integer setting ("n_embd", "n_head", "block_size") if the file gives one; above
  // `max` is an Error.
  virtual std::optional<int> setting(const std::string& key, int max) const = 0;
  // A text setting ("activation_function") if the file gives one.
  virtual std::optional<std::string> text_setting(const std::string& key) const = 0;
  // The token text of each embedding row, if the file gives it.
  virtual std::optional<std::vector<std::string>> vocab() const = 0;
  // Entries that are neither tensors nor known settings, for "ignoring unknown key" warnings.
  virtual std::vector<std::string> other_entries() const { return {}; }
  // What a file that describes its model whole (GGUF) says of it, in place of a config.json.
  virtual const ModelSettings* file_settings() const { return nullptr; }
  // The GGUF file behind the tensors, for its tokenizer; nullptr for other formats.
  virtual const GgufFile* gguf() const { return nullptr; }

  // Names as the file writes them, for errors: a tensor's key or a block's prefix (a GGUF's
  // "blk.0.attn_q.weight" for model.layers.0.self_attn.q_proj.weight, "blk.0." for
  // model.layers.0.), a setting ("llama.embedding_length" for hidden_size), and a text of
  // settings' names ("num_key_value_heads·head_dim × hidden_size") with each named so.
  virtual std::string file_key(const std::string& key) const { return key; }
  virtual std::string file_setting(const std::string& setting) const { return setting; }
  std::string quoted_key(const std::string& key) const;  // file_key, quoted
  std::string settings_text(std::string_view text) const;

 private:
  std::string name_;
};

// The weights JSON format (see README): state_dict keys → nested arrays of numbers, plus
// "n_embd", "n_head", "block_size" and "vocab". Throws Error for text that is not a JSON object.
std::unique_ptr<StateDict> open_json_state_dict(std::string_view text, std::string name);

// safetensors: an 8-byte little-endian header size, a JSON header {name: {dtype, shape,
// data_offsets}, "__metadata__": {...}}, then the data. F32, F16 and BF16 tensors are read (as
// float32); the header is checked whole before any tensor is touched — dtypes, shapes against
// byte sizes, offsets inside the file and back to back — so a bad file is an Error, never a read
// out of bounds. Settings and vocab come from __metadata__ ("vocab": a JSON array as a string).
// `bytes` must outlive the result and every model loaded from it (F32 tensors are views).
std::unique_ptr<StateDict> open_safetensors(std::string_view bytes, std::string name,
                                            bool mapped = false);

// A file torch.save wrote, read by content: the zip archive (PyTorch ≥ 1.6) or the legacy
// format. Its pickle is read as data and never run (see formats/pickle.hpp); the tensors are a
// state_dict, a dict holding one (nanoGPT's checkpoint['model'], 'state_dict',
// 'model_state_dict'), or a whole module's parameters and buffers under their state_dict names.
// nanoGPT's checkpoint['model_args'] gives the settings. F32 tensors are views of `bytes`, which
// must outlive the result; F16, BF16 and F64 are converted as the run reaches them.
std::unique_ptr<StateDict> open_torch_file(std::string_view bytes, std::string name,
                                           bool mapped = false);
// True when `bytes` start as a pickle of protocol 2 to 5 does (PROTO): torch.save's legacy format.
bool looks_like_pickle(std::string_view bytes);

// GGUF (formats/gguf.hpp): llama.cpp's tensors under Hugging Face's names, the settings from
// its metadata (file_settings()), every matrix kept as the file stores it (Tensor::packed). Throws
// Error for a file that is no GGUF attnviz reads, or an architecture it does not know.
std::unique_ptr<StateDict> open_gguf(std::string_view bytes, std::string name, bool mapped = false,
                                     const Limits& limits = {});

// Any of the three, by content: torch.save's formats, safetensors, JSON text. A binary file that
// is none of them is an error naming the formats attnviz reads (never a JSON parse error).
// A JSON file over `limits.max_file_bytes` is refused (it is parsed whole); the others are not,
// since only the tensors used are read.
// `mapped`: the bytes are a read-only mapping of the file, so a safetensors tensor's pages may
// leave memory once checked (read again from the file when used).
std::unique_ptr<StateDict> open_state_dict(std::string_view bytes, std::string name,
                                           const Limits& limits = {}, bool mapped = false);

// One file of a checkpoint split over several (a sharded save_pretrained): its path and bytes.
struct Shard {
  std::string name;
  std::string_view bytes;  // must outlive the state dict
  bool mapped = false;     // as open_state_dict's `mapped`
};

// The shard files a checkpoint index names — transformers' model.safetensors.index.json and
// pytorch_model.bin.index.json: {"metadata": {…}, "weight_map": {tensor: file}} — in order of
// first appearance. Each must be a plain file name, in the index's folder. Throws Error naming
// `index_name` for anything else.
std::vector<std::string> shard_files(std::string_view index_text, const std::string& index_name);

// The tensors of every shard as one state dict, each found in the shard the index names for it
// (each shard any format open_state_dict reads). `shards` are shard_files()' files, in that
// order. Throws Error when a shard lacks a tensor the index places in it.
std::unique_ptr<StateDict> open_sharded(std::string_view index_text, const std::string& index_name,
                                        const std::vector<Shard>& shards,
                                        const Limits& limits = {});

// One tensor to write: a (rows, cols) matrix, or with `vector` a 1-D tensor of cols values.
struct NamedTensor {
  std::string key;
  Matrix value;
  bool vector = false;
};

// A safetensors file (F32) of these tensors in this order, `metadata` as __metadata__, the data
// 8-byte aligned as the safetensors library writes it.
std::string to_safetensors(const std::vector<NamedTensor>& tensors,
                           const std::vector<std::pair<std::string, std::string>>& metadata);

}  // namespace attnviz
