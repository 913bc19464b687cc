// Reading a stored zip archive (APPNOTE.TXT 6.3: the end of central directory record, its zip64
// locator and record, central directory headers, local file headers).
#include "attnviz/formats/zip_archive.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

#include "attnviz/error.hpp"
#include "attnviz/text/utf8.hpp"

namespace attnviz {
namespace {

constexpr uint32_t kLocalHeader = 0x04034b50, kCentralHeader = 0x02014b50;
constexpr uint32_t kEnd = 0x06054b50, kEnd64 = 0x06064b50, kLocator64 = 0x07064b50;
constexpr size_t kEndSize = 22, kLocatorSize = 20, kCentralSize = 46, kLocalSize = 30;

class Reader {
 public:
  Reader(std::string_view bytes, const std::string& name) : b_(bytes), name_(name) {}

  // An entry's stored bytes, its local header checked now.
  std::string_view data(const ZipEntry& e) const {
    const std::string quoted = utf8::quoted(e.name);
    if (u(e.local, 4) != kLocalHeader) {
      fail(Words(Err::ZipSignature, {"the local header of " + quoted}));
    }
    const uint64_t start = e.local + kLocalSize + u(e.local + 26, 2) + u(e.local + 28, 2);
    if (start > e.directory || e.size > e.directory - start) {
      fail(Words(Err::ZipOutside, {"the data of " + quoted}));
    }
    return b_.substr(static_cast<size_t>(start), static_cast<size_t>(e.size));
  }
  std::vector<ZipEntry> entries() {
    const size_t end = find_end();
    uint64_t count = u(end + 10, 2), size = u(end + 12, 4), offset = u(end + 16, 4);
    size_t directory_end = end;  // the central directory lies before the end record(s)
    if (end >= kLocatorSize && u(end - kLocatorSize, 4) == kLocator64) {
      const uint64_t at = u(end - kLocatorSize + 8, 8);
      if (at > end - kLocatorSize || end - kLocatorSize - at < 56) {
        fail(Words(Err::ZipOutside, {"the zip64 end record"}));
      }
      if (u(at, 4) != kEnd64) fail(Words(Err::ZipSignature, {"the zip64 end record"}));
      count = u(at + 32, 8), size = u(at + 40, 8), offset = u(at + 48, 8);
      directory_end = static_cast<size_t>(at);
    }
    if (offset > directory_end || size > directory_end - offset) {
      fail(Words(Err::ZipOutside, {"the central directory"}));
    }
    if (count > size / kCentralSize) fail(Words(Err::ZipOutside, {"the central directory"}));
    std::vector<ZipEntry> out;
    std::set<std::string> names;
    size_t p = static_cast<size_t>(offset);
    const size_t stop = static_cast<size_t>(offset + size);
    for (uint64_t i = 0; i < count; ++i) {
      ZipEntry e = entry(p, stop, static_cast<size_t>(offset));
      if (!names.insert(e.name).second) fail(Words(Err::ZipDuplicate, {utf8::quoted(e.name)}));
      out.push_back(std::move(e));
    }
    return out;
  }

 private:
  [[noreturn]] void fail(Words why) const {
    throw Error(Err::InFile, {name_, Words(Err::ZipBroken, {std::move(why)})});
  }

  // n little-endian bytes at `at`, which must lie inside the file.
  uint64_t u(uint64_t at, int n) const {
    if (at > b_.size() || static_cast<uint64_t>(n) > b_.size() - at) {
      fail(Words(Err::ZipOutside, {"a record"}));
    }
    uint64_t v = 0;
    for (int k = n - 1; k >= 0; --k)
      v = v << 8 | static_cast<uint8_t>(b_[at + static_cast<size_t>(k)]);
    return v;
  }

  // The end of central directory record: the last one whose comment ends the file.
  size_t find_end() const {
    if (b_.size() < kEndSize) fail(Words(Err::ZipNoEnd, {}));
    const size_t lowest = b_.size() - kEndSize > 0xFFFF ? b_.size() - kEndSize - 0xFFFF : 0;
    for (size_t at = b_.size() - kEndSize + 1; at-- > lowest;) {
      if (u(at, 4) == kEnd && at + kEndSize + u(at + 20, 2) == b_.size()) return at;
    }
    fail(Words(Err::ZipNoEnd, {}));
  }

  // The central directory header at p (advanced past it) and the data its local header leads to,
  // which must end before the central directory (at `directory`).
  ZipEntry entry(size_t& p, size_t stop, size_t directory) {
    if (p > stop || stop - p < kCentralSize || u(p, 4) != kCentralHeader) {
      fail(Words(Err::ZipSignature, {"a central directory header"}));
    }
    const uint64_t flags = u(p + 8, 2), method = u(p + 10, 2);
    uint64_t compressed = u(p + 20, 4), size = u(p + 24, 4), local = u(p + 42, 4);
    const size_t name_size = static_cast<size_t>(u(p + 28, 2)),
                 extra_size = static_cast<size_t>(u(p + 30, 2)),
                 comment_size = static_cast<size_t>(u(p + 32, 2));
    const size_t record = kCentralSize + name_size + extra_size + comment_size;
    if (record > stop - p) fail(Words(Err::ZipOutside, {"a central directory header"}));
    ZipEntry e;
    e.name = std::string(b_.substr(p + kCentralSize, name_size));
    try {
      utf8::validate(e.name, "name");
    } catch (const Error&) {
      fail(Words(Err::ZipBadName, {}));
    }
    const std::string quoted = utf8::quoted(e.name);
    // Zip64: the sizes and offset that do not fit 32 bits, in this order, in extra field 0x0001.
    for (size_t x = p + kCentralSize + name_size, x_end = x + extra_size; x + 4 <= x_end;) {
      const uint64_t id = u(x, 2), length = u(x + 2, 2);
      if (length > x_end - x - 4) fail(Words(Err::ZipOutside, {"an extra field of " + quoted}));
      if (id == 1) {
        size_t at = x + 4;
        const auto next = [&](uint64_t& field) {
          if (field != 0xFFFFFFFFu) return;
          if (at + 8 > x + 4 + length)
            fail(Words(Err::ZipOutside, {"the zip64 field of " + quoted}));
          field = u(at, 8);
          at += 8;
        };
        next(size), next(compressed), next(local);
      }
      x += 4 + length;
    }
    p += record;
    if (flags & 1) fail(Words(Err::ZipEncrypted, {quoted}));
    if (method != 0 || compressed != size) {
      fail(Words(Err::ZipCompressed, {quoted, std::to_string(method)}));
    }
    if (local > directory || directory - local < kLocalSize) {
      fail(Words(Err::ZipOutside, {"the local header of " + quoted}));
    }
    e.local = local;
    e.size = size;
    e.directory = directory;
    return e;
  }

  std::string_view b_;
  const std::string& name_;
};

}  // namespace

bool looks_like_zip(std::string_view bytes) {
  return bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("PK\3\4", 4);
}

std::vector<ZipEntry> read_zip(std::string_view bytes, const std::string& name) {
  return Reader(bytes, name).entries();
}

std::string_view zip_data(std::string_view bytes, const ZipEntry& entry, const std::string& name) {
  return Reader(bytes, name).data(entry);
}

}  // namespace attnviz
