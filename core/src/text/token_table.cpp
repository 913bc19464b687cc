// Token and merge tables with linear probing: one multiply-and-shift hash, no nodes.
#include "attnviz/text/token_table.hpp"

#include <stdexcept>

namespace attnviz {
namespace {

// FNV-1a over the bytes: tokens are a few bytes long, and any spread will do at half load.
uint64_t hash_text(std::string_view text) {
  uint64_t h = 14695981039346656037ull;
  for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

uint64_t hash_pair(uint64_t key) { return key * 0x9E3779B97F4A7C15ull; }

size_t power_of_two_above(size_t n) {
  size_t size = 16;
  while (size < 2 * n) size *= 2;
  return size;
}

}  // namespace

void TokenTable::resize(size_t n) {
  if (n > INT32_MAX / 2) throw std::length_error("token table");
  spans_.assign(n, Span{});
  bytes_.clear();
  slots_.clear();
}

void TokenTable::set(int id, std::string_view text) {
  if (bytes_.size() + text.size() > UINT32_MAX) throw std::length_error("token table");
  spans_.at(static_cast<size_t>(id)) = {static_cast<uint32_t>(bytes_.size()),
                                        static_cast<uint32_t>(text.size())};
  bytes_ += text;
}

bool TokenTable::index() {
  slots_.assign(power_of_two_above(spans_.size()), -1);
  const size_t mask = slots_.size() - 1;
  for (int id = 0; id < size(); ++id) {
    const std::string_view text = at(id);
    for (size_t s = hash_text(text) & mask;; s = (s + 1) & mask) {
      if (slots_[s] < 0) {
        slots_[s] = id;
        break;
      }
      if (at(slots_[s]) == text) return false;
    }
  }
  return true;
}

int TokenTable::find(std::string_view text) const {
  if (slots_.empty()) return -1;
  const size_t mask = slots_.size() - 1;
  for (size_t s = hash_text(text) & mask;; s = (s + 1) & mask) {
    if (slots_[s] < 0 || at(slots_[s]) == text) return slots_[s];
  }
}

std::string_view TokenTable::at(int id) const {
  const Span span = spans_.at(static_cast<size_t>(id));
  return std::string_view(bytes_).substr(span.offset, span.length);
}

void MergeTable::reserve(size_t n) {
  if (power_of_two_above(n) > slots_.size()) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(power_of_two_above(n), Slot{});
    size_ = 0;
    for (const Slot& s : old) {
      if (s.key != kEmpty) insert(static_cast<int>(s.key >> 32), static_cast<int>(s.key), s.merge);
    }
  }
}

void MergeTable::grow() { reserve(slots_.empty() ? 8 : slots_.size()); }

bool MergeTable::insert(int left, int right, Merge merge) {
  if (2 * (size_ + 1) > slots_.size()) grow();
  const uint64_t key =
      (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
  const size_t mask = slots_.size() - 1;
  for (size_t s = hash_pair(key) >> 32 & mask;; s = (s + 1) & mask) {
    if (slots_[s].key == key) return false;
    if (slots_[s].key == kEmpty) {
      slots_[s] = {key, merge};
      ++size_;
      return true;
    }
  }
}

const MergeTable::Merge* MergeTable::find(int left, int right) const {
  if (slots_.empty()) return nullptr;
  const uint64_t key =
      (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
  const size_t mask = slots_.size() - 1;
  for (size_t s = hash_pair(key) >> 32 & mask;; s = (s + 1) & mask) {
    if (slots_[s].key == key) return &slots_[s].merge;
    if (slots_[s].key == kEmpty) return nullptr;
  }
}

}  // namespace attnviz
