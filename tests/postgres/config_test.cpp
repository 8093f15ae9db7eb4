#include "config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

namespace postgres {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

std::string TempFile(const std::string& content) {
  char path[] = "/tmp/pgexp-test-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  std::FILE* file = fdopen(fd, "w");
  std::fputs(content.c_str(), file);
  std::fclose(file);
  return path;
}

TEST(DataSourcesFromEnv, NameListWins) {
  std::string origin;
  auto sources = DataSourcesFromEnv(
      FakeEnv({{"DATA_SOURCE_NAME", "postgresql://a:1/x,host=b port=2"}, {"DATA_SOURCE_URI", "ignored:3/y"}}), origin);
  ASSERT_TRUE(sources) << sources.error();
  ASSERT_EQ(sources->size(), 2u);
  EXPECT_EQ((*sources)[0].at("host"), "a");
  EXPECT_EQ((*sources)[1].at("port"), "2");
  EXPECT_EQ(origin, "DATA_SOURCE_NAME");
}

TEST(DataSourcesFromEnv, NameFile) {
  std::string path = TempFile("postgresql://u:p@h:5/db\n");
  std::string origin;
  auto sources = DataSourcesFromEnv(FakeEnv({{"DATA_SOURCE_NAME_FILE", path}}), origin);
  ASSERT_TRUE(sources) << sources.error();
  ASSERT_EQ(sources->size(), 1u);
  EXPECT_EQ((*sources)[0].at("password"), "p");
  EXPECT_EQ(origin, "DATA_SOURCE_NAME_FILE");
  std::remove(path.c_str());
}

TEST(DataSourcesFromEnv, UriUserPassAndFilesWin) {
  std::string pass_file = TempFile("from-file\n");
  std::string origin;
  auto sources = DataSourcesFromEnv(FakeEnv({{"DATA_SOURCE_URI", "db:5432/postgres?sslmode=disable"},
                                             {"DATA_SOURCE_USER", "exporter"},
                                             {"DATA_SOURCE_PASS", "from-env"},
                                             {"DATA_SOURCE_PASS_FILE", pass_file}}),
                                    origin);
  ASSERT_TRUE(sources) << sources.error();
  ASSERT_EQ(sources->size(), 1u);
  const auto& params = (*sources)[0];
  EXPECT_EQ(params.at("host"), "db");
  EXPECT_EQ(params.at("user"), "exporter");
  EXPECT_EQ(params.at("password"), "from-file");
  EXPECT_EQ(params.at("sslmode"), "disable");
  std::remove(pass_file.c_str());
}

TEST(DataSourcesFromEnv, NothingSetAndUnreadableFile) {
  std::string origin;
  auto none = DataSourcesFromEnv(FakeEnv({}), origin);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto missing = DataSourcesFromEnv(FakeEnv({{"DATA_SOURCE_PASS_FILE", "/nonexistent/pass"}}), origin);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("/nonexistent/pass"), std::string::npos);
}

TEST(ParamsFromGroup, KeywordsAliasesAndUnknownKeys) {
  auto file = exporter::OptionFile::Parse(
      "[client]\nhost=db\nconnect-timeout=5\ndatabase=app\npassword=\"p w\"\n[client.bad]\nno_such_keyword=1\n",
      "test.cnf");
  ASSERT_TRUE(file) << file.error();
  auto params = ParamsFromGroup(file->Group("client"));
  ASSERT_TRUE(params) << params.error();
  EXPECT_EQ(params->at("connect_timeout"), "5");
  EXPECT_EQ(params->at("dbname"), "app");
  EXPECT_EQ(params->at("password"), "p w");
  auto bad = ParamsFromGroup(file->Group("client.bad"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("no_such_keyword"), std::string::npos);
  EXPECT_NE(bad.error().find("test.cnf:7"), std::string::npos) << bad.error();
}

TEST(LoadConfig, MissingFileNamesThePath) {
  auto config = LoadConfig(std::string("/nonexistent/dir/exporter.cnf"), FakeEnv({}));
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().find("/nonexistent/dir/exporter.cnf"), std::string::npos);
}

TEST(LoadConfig, SyntaxErrorNamesFileAndLineNotThePassword) {
  std::string path = TempFile("[client]\npassword=hunter2-secret\n[client.broken\nuser=x\n");
  auto config = LoadConfig(path, FakeEnv({}));
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().find(path + ":3"), std::string::npos) << config.error();
  EXPECT_EQ(config.error().find("hunter2"), std::string::npos) << config.error();
  // The path once, not repeated by each layer.
  EXPECT_EQ(config.error().find(path), config.error().rfind(path)) << config.error();
  std::remove(path.c_str());

  auto missing = LoadConfig(std::string("/nonexistent/dir/exporter.cnf"), FakeEnv({}));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().find("/nonexistent/dir/exporter.cnf"),
            missing.error().rfind("/nonexistent/dir/exporter.cnf"))
      << missing.error();
}

TEST(LoadConfig, EnvironmentWinsOverClientGroupModulesInherit) {
  std::string path = TempFile("[client]\nuser=base\npassword=pw\nhost=filehost\n[client.replica]\nhost=r1\n");
  auto from_file = LoadConfig(path, FakeEnv({}));
  ASSERT_TRUE(from_file) << from_file.error();
  ASSERT_EQ(from_file->targets.size(), 1u);
  EXPECT_EQ(from_file->targets[0].at("host"), "filehost");
  ASSERT_EQ(from_file->auth_modules.count("client.replica"), 1u);
  EXPECT_EQ(from_file->auth_modules.at("client.replica").at("user"), "base");
  EXPECT_EQ(from_file->auth_modules.at("client.replica").at("host"), "r1");

  auto from_env = LoadConfig(path, FakeEnv({{"DATA_SOURCE_NAME", "host=envhost"}}));
  ASSERT_TRUE(from_env) << from_env.error();
  ASSERT_EQ(from_env->targets.size(), 1u);
  EXPECT_EQ(from_env->targets[0].at("host"), "envhost");
  EXPECT_EQ(from_env->targets[0].count("password"), 0u);
  EXPECT_EQ(from_env->auth_modules.size(), 2u);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace postgres
