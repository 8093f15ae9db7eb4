#include "exporter/config_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>

namespace exporter {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(TEST_SOURCE_DIR) / "fixtures" / "mycnf";

// Copies the corpus to a temp dir with @DIR@ replaced by that dir, so that
// !include lines hold absolute paths.
class CorpusCopy {
 public:
  CorpusCopy() {
    char pattern[] = "/tmp/mycnf-XXXXXX";
    dir_ = mkdtemp(pattern);
    for (const auto& entry : fs::recursive_directory_iterator(kCorpus)) {
      fs::path target = dir_ / fs::relative(entry.path(), kCorpus);
      if (entry.is_directory()) {
        fs::create_directories(target);
        continue;
      }
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      std::string content = std::regex_replace(text.str(), std::regex("@DIR@"), dir_.string());
      std::ofstream(target, std::ios::binary) << content;
    }
  }
  ~CorpusCopy() { fs::remove_all(dir_); }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

std::string RunCommand(const std::string& command, int& exit_code) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return output;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), n);
  exit_code = pclose(pipe);
  return output;
}

std::string Render(const std::vector<ConfigOption>& options) {
  std::string out;
  for (const auto& option : options) {
    out += "--" + option.key;
    if (option.has_value) out += "=" + option.value;
    out += "\n";
  }
  return out;
}

// The reader must list exactly what MariaDB's own option-file parser lists.
TEST(OptionFileDifferential, MatchesMyPrintDefaultsOnCorpus) {
  CorpusCopy corpus;
  int compared = 0;
  for (const auto& entry : fs::directory_iterator(corpus.dir())) {
    if (entry.path().extension() != ".cnf") continue;
    SCOPED_TRACE(entry.path().filename().string());
    int exit_code = -1;
    std::string expected =
        RunCommand("my_print_defaults --defaults-file=" + entry.path().string() + " client client.replica 2>&1",
                   exit_code);
    ASSERT_EQ(exit_code, 0) << "my_print_defaults failed (is mariadb-client installed?): " << expected;
    auto file = OptionFile::Read(entry.path());
    ASSERT_TRUE(file.ok()) << file.error();
    EXPECT_EQ(Render(file->Options({"client", "client.replica"})), expected);
    ++compared;
  }
  EXPECT_GE(compared, 9);
}

TEST(OptionFileDifferential, BothRejectAnOptionBeforeAnyGroup) {
  auto parsed = OptionFile::Parse("user=x\n[client]\n", "/etc/x.cnf");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().find("/etc/x.cnf:1"), std::string::npos) << parsed.error();
}

TEST(OptionFile, UnterminatedGroupNamesFileAndLine) {
  auto parsed = OptionFile::Parse("[client]\nuser=a\n[client\n", "my.cnf");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().find("my.cnf:3"), std::string::npos) << parsed.error();
}

TEST(OptionFile, MissingFileNamesThePath) {
  auto read = OptionFile::Read("/nonexistent/dir/my.cnf");
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.error().find("/nonexistent/dir/my.cnf"), std::string::npos);
}

TEST(OptionFile, MissingIncludedirIsAnError) {
  auto parsed = OptionFile::Parse("[client]\n!includedir /nonexistent/conf.d\n", "my.cnf");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().find("my.cnf:2"), std::string::npos);
}

TEST(OptionFile, LaterValueWinsAndKeysNormalise) {
  auto parsed = OptionFile::Parse(
      "[client]\nssl_ca=/a\nloose-ssl-ca=/b\nconnect-timeout=3\n[CLIENT]\nconnect_timeout=4\n", "f");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  auto group = parsed->Group("client");
  EXPECT_EQ(group.Get("ssl-ca"), "/b");
  EXPECT_EQ(group.Get("ssl_ca"), "/b");
  EXPECT_EQ(group.Get("connect-timeout"), "4");
  EXPECT_EQ(group.Origin("connect_timeout"), "f:6");
  EXPECT_FALSE(group.Get("password").has_value());
}

TEST(OptionFile, NamedGroupInheritsClientAndOverridesIt) {
  auto parsed = OptionFile::Parse(
      "[client.replica]\nhost=r\n[client]\nuser=u\nhost=base\npassword=p\n[client.replica]\npassword=rp\n", "f");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  auto replica = parsed->Group("client.replica");
  EXPECT_EQ(replica.Get("user"), "u");
  EXPECT_EQ(replica.Get("host"), "r");  // the child wins even when [client] comes later
  EXPECT_EQ(replica.Get("password"), "rp");
  EXPECT_TRUE(parsed->HasGroup("client.replica"));
  EXPECT_FALSE(parsed->HasGroup("client.other"));
}

TEST(OptionFile, EmptyGroupStillExists) {
  auto parsed = OptionFile::Parse("[client]\nuser=u\n[client.empty]\n", "f");
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->HasGroup("client.empty"));
  EXPECT_EQ(parsed->Group("client.empty").Get("user"), "u");
}

TEST(OptionFile, BareKeyHasNoValue) {
  auto parsed = OptionFile::Parse("[client]\nskip-ssl\n", "f");
  ASSERT_TRUE(parsed.ok());
  auto options = parsed->Options({"client"});
  ASSERT_EQ(options.size(), 1u);
  EXPECT_FALSE(options[0].has_value);
  EXPECT_TRUE(parsed->Group("client").Has("skip_ssl"));
}

TEST(OptionFile, LongLinesAreKeptWhole) {
  std::string password(5000, 'p');
  auto parsed = OptionFile::Parse("[client]\npassword=" + password + "\n", "f");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->Group("client").Get("password"), password);
}

TEST(OptionFile, IncludeCycleStopsAtDepthLimit) {
  char pattern[] = "/tmp/mycnf-cycle-XXXXXX";
  fs::path dir = mkdtemp(pattern);
  std::ofstream(dir / "a.cnf") << "[client]\nuser=a\n!include " << (dir / "a.cnf").string() << "\n";
  auto read = OptionFile::Read(dir / "a.cnf");
  fs::remove_all(dir);
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(read->Group("client").Get("user"), "a");
}

}  // namespace
}  // namespace exporter
