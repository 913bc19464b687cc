// A StateDict over tensors that lie in bytes it does not own (private header): a mapped file's,
// each tensor a dtype, a shape and its bytes. safetensors files and PyTorch's files are both read
// through it, so a tensor is converted, checked and released one way whatever file it came from.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "attnviz/formats/state_dict.hpp"

namespace attnviz {

struct TableEntry {
  std::string dtype;  // safetensors' names; F32, F16, BF16 and F64 are read, the rest refused
  std::vector<int64_t> shape;
  std::string_view bytes;   // the values, row-major, exactly shape's product of them
  bool big_endian = false;  // a PyTorch file written on a big-endian machine
};

// Bytes per element of a dtype, 0 for a name that is none.
int dtype_size(const std::string& dtype);

// F32 that is aligned and little-endian is used in place; everything else is converted rows at a
// time as check_finite() reaches them (see StateDict::unchecked_tensor). Settings and the
// vocabulary are strings, as safetensors' __metadata__ holds them ("vocab": a JSON array).
class TensorTable : public StateDict {
 public:
  TensorTable(std::string name, bool mapped) : StateDict(std::move(name)), mapped_(mapped) {}

  void add(const std::string& key, TableEntry e);  // in file order; a key is added once
  void set_metadata(const std::string& key, std::string value) {
    metadata_[key] = std::move(value);
  }
  // Where the settings are in the file, for errors: "__metadata__", "model_args".
  void set_settings_origin(std::string origin) { settings_origin_ = std::move(origin); }
  // Keeps `owner` alive as long as the table: bytes an entry views that the file does not hold.
  void keep(std::shared_ptr<const void> owner) { kept_.push_back(std::move(owner)); }

  std::vector<std::string> keys() const override { return order_; }
  bool has(const std::string& key) const override { return entries_.count(key) > 0; }
  std::vector<int64_t> shape(const std::string& key) const override {
    return entries_.at(key).shape;
  }
  bool is_float(const std::string& key) const override;
  Tensor tensor(const std::string& key, int dims) const override;
  Tensor unchecked_tensor(const std::string& key, int dims) const override;
  Tensor unchecked_linear(const std::string& key) const override;
  void check_finite(const std::string& key, Eigen::Index first, Eigen::Index rows) const override;
  void release(const std::string& key, Eigen::Index first, Eigen::Index rows) const override;
  std::optional<int> setting(const std::string& key, int max) const override;
  std::optional<std::string> text_setting(const std::string& key) const override;
  std::optional<std::vector<std::string>> vocab() const override;

 private:
  const TableEntry& entry(const std::string& key, int dims) const;
  bool in_place(const TableEntry& e) const;
  Tensor read(const TableEntry& e, int dims) const;
  void convert(const TableEntry& e, float* out, size_t first, size_t n) const;
  void check_finite(const std::string& key, const float* values, size_t n, Eigen::Index cols,
                    int dims, Eigen::Index first = 0, bool release = false) const;

  bool mapped_;  // the bytes are a read-only file mapping: checked pages may be released
  // Tensors unchecked_tensor() gave out to be converted later: the matrix, and which rows are.
  // Changed by the const check_finite(): a StateDict belongs to one run.
  struct Later {
    std::shared_ptr<Matrix> matrix;
    std::vector<char> done;
  };
  mutable std::map<std::string, Later> later_;
  // Matrices unchecked_linear() gave out as the file's F16 or BF16 rows.
  mutable std::map<std::string, std::shared_ptr<const PackedRows>> packed_;
  std::map<std::string, TableEntry> entries_;
  std::vector<std::string> order_;
  std::map<std::string, std::string> metadata_;
  std::string settings_origin_ = "__metadata__";
  std::vector<std::shared_ptr<const void>> kept_;
};

}  // namespace attnviz
