// The zip container torch.save writes (PyTorch ≥ 1.6): every entry stored, not compressed, so an
// entry is a range of the file's bytes, read in place. Zip64 records are read as well.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace attnviz {

struct ZipEntry {
  std::string name;       // as the central directory has it, e.g. "model/data/0"
  std::string_view data;  // the stored bytes, a view of the archive
};

// True when `bytes` start as a zip archive does (a local file header, "PK\3\4").
bool looks_like_zip(std::string_view bytes);

// The entries, in central-directory order. Checked before anything is read: the end record and
// the central directory inside the file, every local header and its data inside the file and
// before the central directory, names that are UTF-8 and unique, no compression and no
// encryption. Throws Error(Err::InFile, {name, "not a readable zip archive: …"}).
std::vector<ZipEntry> read_zip(std::string_view bytes, const std::string& name);

}  // namespace attnviz
