// Reading inputs and writing outputs atomically (temporary file + rename).
#include "attnviz/io/io.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include "attnviz/error.hpp"

namespace attnviz::io {
namespace {

// The system's reason for a failed call: the common ones from the catalog, the rest as the C
// library words them.
Words reason_text(int error) {
  switch (error) {
    case ENOENT:
      return Words(Err::NoEntry, {});
    case EACCES:
      return Words(Err::PermissionDenied, {});
    case ENOSPC:
      return Words(Err::NoSpace, {});
    case EFBIG:
      return Words(Err::FileTooLarge, {});
    case EROFS:
      return Words(Err::ReadOnly, {});
    case ENOTDIR:
      return Words(Err::NotADirectory, {});
    default:
      return std::strerror(error);
  }
}

Words errno_text() { return reason_text(errno); }

std::string parent_dir(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    content.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string read_all(int fd, const Words& name, size_t max_bytes, size_t expected = 0) {
  std::string out;
  out.reserve(expected + 1);  // a regular file's size: one allocation, no copies while growing
  char buf[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(Err::CannotRead, {name, errno_text()});
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) {
      throw Error(Err::ReadOverLimit, {name, std::to_string(max_bytes)});
    }
  }
}

// A name beside `path` for a temporary file: ".out.json.tmp-PID-RANDOM".
void create_temp_name(const std::string& path, std::string& temp_path) {
  thread_local std::random_device entropy;  // one per thread: two runs may write at once
  temp_path = parent_dir(path) + "/." + base_name(path) + ".tmp-" + std::to_string(::getpid()) +
              "-" + std::to_string(entropy() % 1000000);
}

// Opens a new, uniquely named file beside `path` with the permissions a new `path` would get.
int create_temp(const std::string& path, std::string& temp_path) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    create_temp_name(path, temp_path);
    const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  errno = EEXIST;
  return -1;
}

}  // namespace

std::string read_file(const std::string& path, size_t max_bytes) {
  if (path == "-") return read_all(STDIN_FILENO, Words(Err::StandardInput, {}), max_bytes);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(Err::CannotOpen, {path, errno_text()});
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw Error(Err::IsDirectory, {path});
  }
  if (S_ISREG(st.st_mode) && static_cast<size_t>(st.st_size) > max_bytes) {
    ::close(fd);
    throw Error(Err::FileOverLimit, {path, std::to_string(st.st_size), std::to_string(max_bytes)});
  }
  try {
    const size_t expected = S_ISREG(st.st_mode) ? static_cast<size_t>(st.st_size) : 0;
    std::string content = read_all(fd, path, max_bytes, expected);
    ::close(fd);
    return content;
  } catch (...) {
    ::close(fd);
    throw;
  }
}

FileBytes::FileBytes(const std::string& path, size_t max_read_bytes) {
  if (path == "-") {
    read_ = read_all(STDIN_FILENO, Words(Err::StandardInput, {}), max_read_bytes);
    return;
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(Err::CannotOpen, {path, errno_text()});
  struct stat st {};
  const bool stat_ok = ::fstat(fd, &st) == 0;
  try {
    if (stat_ok && S_ISDIR(st.st_mode)) throw Error(Err::IsDirectory, {path});
    // Files under /proc and /sys report size 0 and are read like streams.
    if (stat_ok && S_ISREG(st.st_mode) && st.st_size > 0) {
      size_ = static_cast<size_t>(st.st_size);
      map_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (map_ == MAP_FAILED) {
        map_ = nullptr;
        throw Error(Err::CannotMap, {path, errno_text()});
      }
    } else {
      read_ = read_all(fd, path, max_read_bytes);
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);  // the mapping stays valid
}

FileBytes::~FileBytes() {
  if (map_) ::munmap(map_, size_);
}

OutputFiles::~OutputFiles() {
  for (const Staged& s : staged_) {
    if (s.fd >= 0) ::close(s.fd);
    if (!s.temp_path.empty()) ::unlink(s.temp_path.c_str());
  }
}

uintmax_t OutputFiles::bytes(const std::string& path) const {
  for (const Staged& s : staged_) {
    if (s.path == path) return s.bytes;
  }
  return 0;
}

void OutputFiles::stage(const std::string& path, std::string_view content, std::string_view what) {
  stage(path, what, [&](const std::function<void(std::string_view)>& write) { write(content); });
}

void OutputFiles::stage(const std::string& path, std::string_view what, const Producer& produce) {
  const std::string name = std::string(what) + " " + path;
  if (path.empty()) throw Error(Err::EmptyFileName, {std::string(what)});
  for (const Staged& s : staged_) {
    if (s.path == path) throw Error(Err::SameOutputFile, {name});
  }
  struct stat target {};
  const bool exists = ::stat(path.c_str(), &target) == 0;
  if (exists && S_ISDIR(target.st_mode)) throw Error(Err::IsDirectory, {name});

  Staged staged{path, "", -1};
  int fd = ::open(parent_dir(path).c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    fd = create_temp(path, staged.temp_path);  // file systems without unnamed files
  }
  if (fd < 0) {
    const Words reason = errno_text();
    struct stat dir {};
    if (::stat(parent_dir(path).c_str(), &dir) != 0) {
      throw Error(Err::NoSuchDirectory, {name, parent_dir(path)});
    }
    throw Error(Err::CannotWriteIn, {name, parent_dir(path), reason});
  }
  if (staged.temp_path.empty()) staged.fd = fd;
  staged_.push_back(staged);
  // The content arrives in pieces; the first failed write ends the run (after closing the file).
  int error = 0;
  try {
    produce([&](std::string_view piece) {
      if (error == 0 && !write_all(fd, piece)) error = errno;
      staged_.back().bytes += piece.size();
      if (error != 0) throw Error(Err::CannotWrite, {name, reason_text(error)});
    });
  } catch (...) {
    if (staged.fd < 0) ::close(fd);
    throw;
  }
  // An existing target keeps its permissions; a new one gets 0666 minus the umask from open().
  // No fsync: the rename in commit() is what keeps a failed or killed run from touching the
  // target; writing to disk is left to the kernel, as cp and matplotlib leave it (an fsync was
  // 0.6 ms of the lesson's 8 ms PNG).
  bool ok = !exists || ::fchmod(fd, target.st_mode & 07777) == 0;
  error = ok ? 0 : errno;
  if (staged.fd < 0 && ::close(fd) != 0 && ok) {
    ok = false;
    error = errno;
  }
  if (!ok) throw Error(Err::CannotWrite, {name, reason_text(error)});
}

void OutputFiles::commit() {
  while (!staged_.empty()) {
    Staged& s = staged_.front();
    if (s.fd >= 0) {
      // Give the unnamed file a temporary name only now, for the instant before the rename.
      create_temp_name(s.path, s.temp_path);
      const std::string proc = "/proc/self/fd/" + std::to_string(s.fd);
      if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, s.temp_path.c_str(), AT_SYMLINK_FOLLOW) != 0) {
        const Words reason = errno_text();
        s.temp_path.clear();
        throw Error(Err::CannotWrite, {s.path, reason});
      }
      ::close(s.fd);
      s.fd = -1;
    }
    if (::rename(s.temp_path.c_str(), s.path.c_str()) != 0) {
      throw Error(Err::CannotReplace, {s.path, errno_text()});
    }
    staged_.erase(staged_.begin());
  }
}

void write_stdout(std::string_view content) {
  if (!write_all(STDOUT_FILENO, content)) {
    throw Error(Err::CannotWrite, {Words(Err::StandardOutput, {}), errno_text()});
  }
}

void StdoutStream::write(std::string_view piece) {
  buffer_ += piece;
  if (buffer_.size() >= (64u << 10)) flush();
}

void StdoutStream::flush() {
  write_stdout(buffer_);
  buffer_.clear();
}

}  // namespace attnviz::io
