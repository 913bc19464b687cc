// Reading files, and output that is all-or-nothing: old file or complete new one, no leftovers.
#include "attnviz/io/io.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "test_util.hpp"

namespace attnviz::io {
namespace {

namespace fs = std::filesystem;
using test::error_of;
using test::slurp;

class IoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("attnviz-io-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write(const std::string& name, const std::string& content) const {
    std::ofstream(path(name), std::ios::binary) << content;
  }
  size_t entries() const {
    return static_cast<size_t>(std::distance(fs::directory_iterator(dir_), {}));
  }

  fs::path dir_;
};

TEST_F(IoTest, ReadsFilesAndNamesWhatIsWrong) {
  write("text.txt", "Azərbaycan\n");
  EXPECT_EQ(read_file(path("text.txt"), 100), "Azərbaycan\n");
  EXPECT_EQ(error_of([&] { read_file(path("missing.json"), 100); }),
            path("missing.json") + ": cannot open: No such file or directory");
  EXPECT_EQ(error_of([&] { read_file(dir_.string(), 100); }),
            dir_.string() + ": is a directory, expected a file");
  EXPECT_EQ(error_of([&] { read_file(path("text.txt"), 5); }),
            path("text.txt") + ": is 12 bytes, larger than the limit of 5 bytes");
}

TEST_F(IoTest, CommitWritesAndReplaces) {
  write("out.json", "old");
  {
    OutputFiles files;
    files.stage(path("out.json"), "new", "--json");
    files.stage(path("w.json"), "{}", "--save-weights");
    EXPECT_EQ(slurp(path("out.json")), "old");  // nothing visible before commit
    files.commit();
  }
  EXPECT_EQ(slurp(path("out.json")), "new");
  EXPECT_EQ(slurp(path("w.json")), "{}");
  EXPECT_EQ(entries(), 2u);  // no temporary files left
}

TEST_F(IoTest, FailureBeforeCommitLeavesEverythingAsItWas) {
  write("out.json", "old");
  EXPECT_NE(error_of([&] {
              OutputFiles files;
              files.stage(path("out.json"), "new", "--json");
              files.stage(path("no/such/dir/w.json"), "{}", "--save-weights");
              files.commit();
            }),
            "");
  EXPECT_EQ(slurp(path("out.json")), "old");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(IoTest, RefusesDirectoriesMissingDirectoriesAndDuplicates) {
  OutputFiles files;
  EXPECT_EQ(error_of([&] { files.stage(dir_.string(), "x", "--json"); }),
            "--json " + dir_.string() + ": is a directory, expected a file");
  EXPECT_EQ(error_of([&] { files.stage(path("nope/out.json"), "x", "--json"); }),
            "--json " + path("nope/out.json") + ": cannot write: directory " + path("nope") +
                " does not exist");
  files.stage(path("a.json"), "x", "--json");
  EXPECT_EQ(error_of([&] { files.stage(path("a.json"), "y", "--save-weights"); }),
            "--save-weights " + path("a.json") + ": two outputs would write the same file");
}

TEST_F(IoTest, UnwritableDirectoryIsAnError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root can write anywhere";
  fs::create_directory(path("locked"));
  fs::permissions(path("locked"), fs::perms::owner_read | fs::perms::owner_exec);
  OutputFiles files;
  EXPECT_NE(error_of([&] {
              files.stage(path("locked/out.json"), "x", "--json");
            }).find("Permission denied"),
            std::string::npos);
  fs::permissions(path("locked"), fs::perms::owner_all);
}

TEST_F(IoTest, ReplacedFileKeepsItsPermissions) {
  write("out.json", "old");
  fs::permissions(path("out.json"),
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  OutputFiles files;
  files.stage(path("out.json"), "new", "--json");
  files.commit();
  EXPECT_EQ(fs::status(path("out.json")).permissions(),
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

}  // namespace
}  // namespace attnviz::io
