// A checkpoint split over files: the index's weight_map says which file holds each tensor, and
// each file is a StateDict of its own, opened by content.
#include <algorithm>
#include <map>

#include "attnviz/error.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/text/utf8.hpp"
#include "io/json.hpp"

namespace attnviz {
namespace {

// weight_map as (tensor, file) pairs, in the index's order.
std::vector<std::pair<std::string, std::string>> weight_map(std::string_view text,
                                                            const std::string& name) {
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end());
  } catch (const Json::exception&) {
    throw Error(Err::InFile, {name, Words(Err::ShardIndexBad, {})});
  }
  if (!doc.is_object() || !doc.contains("weight_map") || !doc["weight_map"].is_object() ||
      doc["weight_map"].empty()) {
    throw Error(Err::InFile, {name, Words(Err::ShardIndexBad, {})});
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, file] : doc["weight_map"].items()) {
    if (!file.is_string()) throw Error(Err::InFile, {name, Words(Err::ShardIndexBad, {})});
    const std::string f = file.get<std::string>();
    if (f.empty() || f == "." || f == ".." || f.find_first_of("/\\") != std::string::npos) {
      throw Error(Err::InFile, {name, Words(Err::ShardFileName, {utf8::quoted(f)})});
    }
    out.emplace_back(key, f);
  }
  return out;
}

class ShardedStateDict final : public StateDict {
 public:
  ShardedStateDict(std::string_view index_text, const std::string& index_name,
                   const std::vector<Shard>& shards, const Limits& limits)
      : StateDict(index_name) {
    std::map<std::string, size_t> file_index;
    for (const Shard& s : shards) {
      const size_t slash = s.name.find_last_of('/');
      file_index[slash == std::string::npos ? s.name : s.name.substr(slash + 1)] = shards_.size();
      shards_.push_back(open_state_dict(s.bytes, s.name, limits, s.mapped));
    }
    for (const auto& [key, file] : weight_map(index_text, index_name)) {
      const auto f = file_index.find(file);
      if (f == file_index.end() || !shards_[f->second]->has(key)) {
        fail(Err::ShardMissingTensor, {utf8::quoted(key), utf8::quoted(file)});
      }
      if (where_.emplace(key, f->second).second) order_.push_back(key);
    }
  }

  std::vector<std::string> keys() const override { return order_; }
  bool has(const std::string& key) const override { return where_.count(key) > 0; }
  std::vector<int64_t> shape(const std::string& key) const override {
    return shard(key).shape(key);
  }
  bool is_float(const std::string& key) const override { return shard(key).is_float(key); }
  Tensor tensor(const std::string& key, int dims) const override {
    return shard(key).tensor(key, dims);
  }
  Tensor unchecked_tensor(const std::string& key, int dims) const override {
    return shard(key).unchecked_tensor(key, dims);
  }
  Tensor unchecked_linear(const std::string& key) const override {
    return shard(key).unchecked_linear(key);
  }
  void release(const std::string& key, Eigen::Index first, Eigen::Index rows) const override {
    if (has(key)) shard(key).release(key, first, rows);
  }
  void check_finite(const std::string& key, Eigen::Index first, Eigen::Index rows) const override {
    shard(key).check_finite(key, first, rows);
  }
  // Settings and a vocabulary from the first shard that has them (the folder's config.json
  // usually gives the settings instead).
  std::optional<int> setting(const std::string& key, int max) const override {
    for (const auto& s : shards_) {
      if (auto v = s->setting(key, max)) return v;
    }
    return std::nullopt;
  }
  std::optional<std::string> text_setting(const std::string& key) const override {
    for (const auto& s : shards_) {
      if (auto v = s->text_setting(key)) return v;
    }
    return std::nullopt;
  }
  std::optional<std::vector<std::string>> vocab() const override {
    for (const auto& s : shards_) {
      if (auto v = s->vocab()) return v;
    }
    return std::nullopt;
  }

 private:
  const StateDict& shard(const std::string& key) const {
    const auto it = where_.find(key);
    if (it == where_.end()) fail(Err::MissingTensor, {key});
    return *shards_[it->second];
  }

  std::vector<std::unique_ptr<StateDict>> shards_;
  std::map<std::string, size_t> where_;  // tensor → its shard
  std::vector<std::string> order_;
};

}  // namespace

std::vector<std::string> shard_files(std::string_view index_text, const std::string& index_name) {
  std::vector<std::string> files;
  for (const auto& [key, file] : weight_map(index_text, index_name)) {
    if (std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
  }
  return files;
}

std::unique_ptr<StateDict> open_sharded(std::string_view index_text, const std::string& index_name,
                                        const std::vector<Shard>& shards, const Limits& limits) {
  return std::make_unique<ShardedStateDict>(index_text, index_name, shards, limits);
}

}  // namespace attnviz
