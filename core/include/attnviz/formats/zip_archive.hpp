// The zip container torch.save writes (PyTorch ≥ 1.6): every entry stored, not compressed, so an
// entry is a range of the file's bytes, read in place. Zip64 records are read as well.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz {

struct ZipEntry {
  std::string name;        // as the central directory has it, e.g. "model/data/0"
  uint64_t local = 0;      // the offset of its local file header
  uint64_t size = 0;       // its stored bytes
  uint64_t directory = 0;  // where the central directory starts: its data ends before
};

// True when `bytes` start as a zip archive does (a local file header, "PK\3\4").
bool looks_like_zip(std::string_view bytes);

// The entries, in central-directory order. Checked before anything is read: the end record and
// the central directory inside the file, every local header before the central directory, names
// that are UTF-8 and unique, no compression and no encryption. Throws Error(Err::InFile, {name,
// "not a readable zip archive: …"}).
std::vector<ZipEntry> read_zip(std::string_view bytes, const std::string& name);

// The stored bytes of an entry of read_zip(), a view of the archive, once its local header is
// checked (its signature, its data inside the file and before the central directory). Read only
// for the entries used: a checkpoint's optimizer state, thousands of entries across a gigabyte,
// is never touched. Throws as read_zip().
std::string_view zip_data(std::string_view bytes, const ZipEntry& entry, const std::string& name);

}  // namespace attnviz
