// The fixture of the CLI suites: a fresh folder per test for the outputs, attnviz run in a minimal
// environment, and the check every failing run must pass.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "run_attnviz.hpp"

namespace attnviz::test {

namespace fs = std::filesystem;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("attnviz-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    capture_dir_ = dir_.string() + ".io";
    fs::create_directories(capture_dir_);
  }
  void TearDown() override {
    fs::remove_all(dir_);
    fs::remove_all(capture_dir_);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Runs attnviz with `args`; `env` entries ("NAME=value") are added to a minimal environment.
  // stdout goes to `stdout_path` when given (e.g. /dev/full); stdin comes from `stdin_path`.
  Outcome run(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
              const std::string& stdout_path = "",
              const std::string& stdin_path = "/dev/null") const {
    attnviz::test::RunOptions options;
    options.env = env;
    options.stdout_path = stdout_path;
    options.stdin_path = stdin_path;
    options.capture_dir = capture_dir_.string();
    return attnviz::test::run_attnviz(args, options);
  }

  // A failing run: the exit status, and one line on stderr that says what is wrong.
  void expect_error(const std::vector<std::string>& args, int status, const std::string& message) {
    const Outcome o = run(args);
    EXPECT_EQ(o.status, status) << o.err;
    EXPECT_EQ(o.err.rfind("attnviz: error: ", 0), 0u) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
    EXPECT_NE(o.err.find(message), std::string::npos) << "stderr: " << o.err;
    EXPECT_EQ(o.out, "");
  }

  fs::path dir_;
  fs::path capture_dir_;  // captured stdout/stderr, kept apart so dir_ holds only outputs
};

}  // namespace attnviz::test
