#include "target.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace exporter::mattermost {
namespace {

const std::string kProc = std::string(TEST_SOURCE_DIR) + "/fixtures/mattermost/proc";

TEST(MattermostPidFileTest, Parses) {
  EXPECT_EQ(*ParsePidFile("4242\n"), 4242);
  EXPECT_EQ(*ParsePidFile("  17 \r\nsecond line"), 17);
  for (const char* bad : {"", "\n", "abc", "12a", "-5", "0", "1.5", "99999999999", " \n4242"}) {
    EXPECT_FALSE(ParsePidFile(bad).ok()) << bad;
  }
}

TEST(MattermostCmdlineTest, Joins) {
  EXPECT_EQ(JoinCmdline(std::string_view("a\0b c\0d\0", 8)), "a b c d");
  EXPECT_EQ(JoinCmdline(""), "");
}

TargetSpec Spec(pid_t pid, std::string pidfile, std::string name, std::string cmdline) {
  TargetSpec spec;
  spec.pid = pid;
  spec.pidfile = std::move(pidfile);
  spec.name = std::move(name);
  spec.cmdline = std::move(cmdline);
  return spec;
}

Expected<pid_t> Resolve(TargetSpec spec) { return TargetResolver(kProc, std::move(spec)).Resolve(); }

TEST(MattermostTargetResolverTest, ByPid) {
  EXPECT_EQ(*Resolve(Spec(4242, "", "", "")), 4242);
  auto zombie = Resolve(Spec(6161, "", "", ""));
  ASSERT_FALSE(zombie.ok());
  EXPECT_NE(zombie.error().find("gone"), std::string::npos);
  EXPECT_FALSE(Resolve(Spec(31337, "", "", "")).ok());
}

TEST(MattermostTargetResolverTest, ByPidfileFollowingItsChanges) {
  char path[] = "/tmp/mattermost-pidfile-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ::close(fd);
  TargetResolver resolver(kProc, Spec(0, path, "", ""));
  EXPECT_FALSE(resolver.Resolve().ok());  // empty
  std::ofstream(path) << "4242\n";
  EXPECT_EQ(*resolver.Resolve(), 4242);
  std::ofstream(path) << "5151\n";
  EXPECT_EQ(*resolver.Resolve(), 5151);
  std::ofstream(path) << "6161\n";
  EXPECT_FALSE(resolver.Resolve().ok());  // a zombie
  std::remove(path);
  auto missing = resolver.Resolve();
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("cannot read pidfile"), std::string::npos);
}

TEST(MattermostTargetResolverTest, ByNameTheOldestLivingMatch) {
  // 6161 is older but a zombie; 5151 is younger than 4242.
  EXPECT_EQ(*Resolve(Spec(0, "", "mattermost", "")), 4242);
  EXPECT_EQ(*Resolve(Spec(0, "", "postgres", "")), 7171);
  EXPECT_FALSE(Resolve(Spec(0, "", "nginx", "")).ok());
  // The kernel keeps 15 characters of a name.
  EXPECT_FALSE(Resolve(Spec(0, "", "mattermostXXXXXXXX", "")).ok());
}

TEST(MattermostTargetResolverTest, ByCmdline) {
  EXPECT_EQ(*Resolve(Spec(0, "", "", "config/config\\.json")), 4242);
  EXPECT_EQ(*Resolve(Spec(0, "", "", "mattermost version$")), 5151);
  EXPECT_EQ(*Resolve(Spec(0, "", "mattermost", "version")), 5151);
  EXPECT_FALSE(Resolve(Spec(0, "", "postgres", "version")).ok());
  EXPECT_EQ(*Resolve(Spec(0, "", "", "checkpointer")), 7171);
}

TEST(MattermostTargetResolverTest, DescribesItself) {
  EXPECT_EQ(TargetResolver(kProc, Spec(3, "", "", "")).Describe(), "pid 3");
  EXPECT_EQ(TargetResolver(kProc, Spec(0, "", "a", "b")).Describe(), "name a, cmdline /b/");
}

}  // namespace
}  // namespace exporter::mattermost
