// A BPE vocabulary's tables: token strings numbered 0 … n−1, found by their text, and the merges
// as pairs of ids. A 50 000-token vocabulary lives in a handful of allocations, not 100 000 nodes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz {

// n token strings by id, in one buffer, and an open-addressed index from text to id.
class TokenTable {
 public:
  // n ids (any texts set before are gone), each given a text by set() before index() is called.
  void resize(size_t n);
  void set(int id, std::string_view text);
  // Builds the index over every id; false if two ids share a text (the table is then unusable).
  bool index();

  int find(std::string_view text) const;  // the id of `text`, or -1
  std::string_view at(int id) const;
  int size() const { return static_cast<int>(spans_.size()); }

 private:
  struct Span {
    uint32_t offset = 0, length = 0;
  };
  std::string bytes_;           // every token's text, back to back
  std::vector<Span> spans_;     // id → its text in bytes_
  std::vector<int32_t> slots_;  // open addressing: an id or -1; size a power of two ≥ 2n
};

// The merges of a BPE: the pair (left id, right id) → its rank (0 is merged first) and the id of
// the token it makes.
class MergeTable {
 public:
  struct Merge {
    int rank;
    int merged;
  };
  void reserve(size_t n);
  // false (and nothing changes) if the pair is already there: the first line of a pair counts.
  bool insert(int left, int right, Merge merge);
  const Merge* find(int left, int right) const;  // nullptr for a pair that never merges
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t key = kEmpty;
    Merge merge{};
  };
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  void grow();
  std::vector<Slot> slots_;  // a power of two, at most half full
  size_t size_ = 0;
};

}  // namespace attnviz
