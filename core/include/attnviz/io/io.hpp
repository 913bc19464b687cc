// File input and all-or-nothing file output: a reader sees the old file or the complete new one.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz::io {

// The whole file at `path` ("-": standard input). Refuses a directory, a missing or unreadable
// file, and a file over `max_bytes`, with an Error naming the path.
std::string read_file(const std::string& path, size_t max_bytes);

// A file's bytes, for reading. A regular file is memory-mapped: pages load only when touched, so a
// whole-model checkpoint costs just the tensors used. Standard input ("-") and other streams are
// read whole, up to `max_read_bytes`. Errors as read_file's.
class FileBytes {
 public:
  FileBytes(const std::string& path, size_t max_read_bytes);
  ~FileBytes();
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;

  std::string_view view() const {
    return map_ ? std::string_view(static_cast<const char*>(map_), size_) : read_;
  }
  // True when view() is a read-only mapping of the file (a regular file), not a copy.
  bool mapped() const { return map_ != nullptr; }

 private:
  void* map_ = nullptr;
  size_t size_ = 0;
  std::string read_;
};

// Output files staged to temporary siblings and renamed into place together at commit(). Anything
// staged but not committed (an error came first) is removed, leaving every target as it was.
// Where the file system allows, a staged file has no name until commit() (O_TMPFILE), so even a
// killed process leaves nothing behind.
class OutputFiles {
 public:
  OutputFiles() = default;
  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;
  ~OutputFiles();

  // Writes `content` to a new temporary file beside `path`, renamed over it by commit(). `what`
  // names the output in messages ("--json"). Two outputs to one path are an Error.
  void stage(const std::string& path, std::string_view content, std::string_view what);

  // The same for content too large to hold: `produce` is called once and hands the content to
  // the writer it receives in pieces, which go straight to the temporary file.
  using Producer = std::function<void(const std::function<void(std::string_view)>&)>;
  void stage(const std::string& path, std::string_view what, const Producer& produce);

  // Renames every staged file over its target.
  void commit();

  // The bytes staged for `path` (0 if none was).
  uintmax_t bytes(const std::string& path) const;

 private:
  struct Staged {
    std::string path;
    std::string temp_path;  // named temporary file, or "" while an unnamed one is open as fd
    int fd = -1;            // the unnamed (O_TMPFILE) file, linked in at commit()
    uintmax_t bytes = 0;    // written so far
  };
  std::vector<Staged> staged_;
};

// Writes to standard output and flushes; a failure (closed pipe, full disk) is an Error.
void write_stdout(std::string_view content);

// Standard output written piece by piece through a 64 KiB buffer, flushed when full and by
// flush() at the end; a failure is an Error as write_stdout's.
class StdoutStream {
 public:
  void write(std::string_view piece);
  void flush();

 private:
  std::string buffer_;
};

}  // namespace attnviz::io
