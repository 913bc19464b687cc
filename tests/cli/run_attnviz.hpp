// Runs the real attnviz binary for the CLI tests: arguments, environment, standard streams and a
// file-size limit in, exit status and captured output back.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace attnviz::test {

struct Outcome {
  int status = -1;  // exit status, or 128 + signal
  std::string out;  // standard output, unless it went to a file
  std::string err;
};

struct RunOptions {
  std::vector<std::string> env;  // "NAME=value", added to a minimal environment
  std::string stdin_path = "/dev/null";
  std::string stdout_path;           // "" captures standard output
  long file_size_limit = -1;         // RLIMIT_FSIZE in bytes: writes beyond fail with EFBIG
  std::string capture_dir = "/tmp";  // where standard output and error are captured
  bool merge_stderr = false;         // standard error into standard output, in order
  std::string cwd;                   // the folder it runs in ("": the tests')
};

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Starts attnviz and returns its pid; the caller waits (or kills).
inline pid_t spawn_attnviz(const std::vector<std::string>& args, const RunOptions& o,
                           const std::string& out_path, const std::string& err_path) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int in = ::open(o.stdin_path.c_str(), O_RDONLY);
  ::dup2(in, STDIN_FILENO);
  ::dup2(out, STDOUT_FILENO);
  ::dup2(o.merge_stderr ? out : err, STDERR_FILENO);
  if (o.file_size_limit >= 0) {
    ::signal(SIGXFSZ, SIG_IGN);  // so the write fails with EFBIG instead of killing the process
    const rlimit limit{static_cast<rlim_t>(o.file_size_limit),
                       static_cast<rlim_t>(o.file_size_limit)};
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  if (!o.cwd.empty() && ::chdir(o.cwd.c_str()) != 0) ::_exit(126);
  std::vector<std::string> all = {ATTNVIZ_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = o.env;
  if (std::none_of(env.begin(), env.end(),
                   [](const std::string& e) { return e.rfind("LANG=", 0) == 0; })) {
    env.emplace_back("LANG=C.UTF-8");
  }
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  ::execve(ATTNVIZ_BINARY, argv.data(), envp.data());
  ::_exit(127);
}

inline int wait_status(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

inline Outcome run_attnviz(const std::vector<std::string>& args, const RunOptions& o = {}) {
  const std::string tag = std::to_string(::getpid());
  const std::string out_path =
      o.stdout_path.empty() ? o.capture_dir + "/.attnviz-out-" + tag : o.stdout_path;
  const std::string err_path = o.capture_dir + "/.attnviz-err-" + tag;
  Outcome outcome;
  outcome.status = wait_status(spawn_attnviz(args, o, out_path, err_path));
  if (o.stdout_path.empty()) {
    outcome.out = slurp(out_path);
    ::unlink(out_path.c_str());
  }
  outcome.err = slurp(err_path);
  ::unlink(err_path.c_str());
  return outcome;
}

}  // namespace attnviz::test
