// The two collectors end to end on the fixture procfs, against a golden file.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "exporter/strings.h"
#include "exporter/text_format.h"
#include "runtime.h"

namespace exporter::mattermost {
namespace {

const std::string kFixtures = std::string(TEST_SOURCE_DIR) + "/fixtures/mattermost";

std::string Scrape(const Settings& settings) {
  Runtime& runtime = GlobalRuntime();
  runtime.settings = settings;
  Status started = runtime.Start();
  EXPECT_TRUE(started.ok()) << started.message();
  Families families;
  auto& registry = CollectorRegistry<Collector>::Instance();
  for (const char* name : {"process", "db"}) {
    auto it = registry.entries().find(name);
    EXPECT_NE(it, registry.entries().end()) << name;
    if (it == registry.entries().end()) continue;
    auto collector = it->second.create();
    Status status = collector->Collect(families);
    EXPECT_TRUE(status.ok()) << name << ": " << status.message();
  }
  NormalizeFamilies(families);
  return SerializeText(families);
}

Settings FixtureSettings() {
  Settings settings;
  settings.procfs_root = kFixtures + "/proc";
  settings.target.pid = 4242;
  settings.db_master = {"localhost:3306"};
  settings.db_replicas = {"10.0.0.2:3306", "10.0.0.3:3306"};
  settings.socket_table = "auto";  // procfs, as the root is not /proc
  return settings;
}

TEST(MattermostCollectorsTest, MatchGolden) {
  std::string text = Scrape(FixtureSettings());
  if (std::getenv("UPDATE_GOLDEN")) std::ofstream(kFixtures + "/golden.prom") << text;
  auto golden = ReadFile(kFixtures + "/golden.prom");
  ASSERT_TRUE(golden.has_value());
  EXPECT_EQ(text, *golden);
}

TEST(MattermostCollectorsTest, SameFromTheMattermostConfigAndANamespace) {
  Settings settings = FixtureSettings();
  settings.db_master.clear();
  settings.db_replicas.clear();
  settings.mattermost_config = kFixtures + "/config-postgres.json";
  settings.metric_namespace = "app";
  std::string text = Scrape(settings);
  EXPECT_NE(text.find("\napp_db_master_connections_total 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\napp_db_read_replica_connections_total 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("app_db_connections{role=\"replica\",endpoint=\"[::ffff:10.0.0.3]:3306\"} 2"), std::string::npos);
  EXPECT_NE(text.find("\napp_up 1\n"), std::string::npos);
  EXPECT_EQ(text.find("mattermost_"), std::string::npos);
  EXPECT_EQ(text.find("s3cr3t"), std::string::npos);
}

TEST(MattermostCollectorsTest, GoneTargetIsDownWithoutSeries) {
  Settings settings = FixtureSettings();
  settings.target.pid = 6161;  // a zombie
  EXPECT_EQ(Scrape(settings),
            "# HELP mattermost_up Whether the watched application process was found (1) or not (0).\n"
            "# TYPE mattermost_up gauge\n"
            "mattermost_up 0\n");
}

TEST(MattermostCollectorsTest, FindsTheTargetByName) {
  Settings settings = FixtureSettings();
  settings.target = {};
  settings.config_file = kFixtures + "/exporter.cnf";  // process-name = mattermost
  std::string text = Scrape(settings);
  EXPECT_NE(text.find("\nmattermost_up 1\n"), std::string::npos);
  EXPECT_NE(text.find("\nmattermost_process_threads 12\n"), std::string::npos);
  EXPECT_NE(text.find("\nmattermost_db_master_connections_total 3\n"), std::string::npos);
}

}  // namespace
}  // namespace exporter::mattermost
