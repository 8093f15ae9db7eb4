#include "data_source.h"

#include <gtest/gtest.h>

#include "exporter/config_file.h"
#include "exporter/strings.h"
#include "settings.h"

namespace exporter::mattermost {
namespace {

DbAddress Tcp(std::string host, uint16_t port) { return DbAddress{std::move(host), port, ""}; }
DbAddress Unix(std::string path) { return DbAddress{"", 0, std::move(path)}; }

std::vector<DbAddress> MustParse(std::string_view dsn, std::string_view driver = "") {
  auto parsed = ParseDataSource(dsn, driver);
  EXPECT_TRUE(parsed.ok()) << parsed.error();
  return parsed.ok() ? *parsed : std::vector<DbAddress>{};
}

TEST(MattermostHostPortTest, ParsesNamesLiteralsAndSockets) {
  EXPECT_EQ(*ParseHostPort("localhost:5432"), Tcp("localhost", 5432));
  EXPECT_EQ(*ParseHostPort(" 10.0.0.1:3306 "), Tcp("10.0.0.1", 3306));
  EXPECT_EQ(*ParseHostPort("[::1]:5432"), Tcp("::1", 5432));
  EXPECT_EQ(*ParseHostPort("/run/mysqld/mysqld.sock"), Unix("/run/mysqld/mysqld.sock"));
  EXPECT_EQ(ParseHostPort("[::1]:5432")->Label(), "[::1]:5432");
  EXPECT_EQ(ParseHostPort("db:1")->Label(), "db:1");
  for (const char* bad : {"localhost", "localhost:", ":5432", "::1:5432", "[::1]", "[::1]5432", "[::1:5432", "h:0",
                          "h:65536", "h:12a", "h:-1", ""}) {
    EXPECT_FALSE(ParseHostPort(bad).ok()) << bad;
  }
}

TEST(MattermostDataSourceTest, PostgresUrls) {
  EXPECT_EQ(MustParse("postgres://mmuser:pw@db.example.com:5433/mattermost?sslmode=disable"),
            std::vector<DbAddress>{Tcp("db.example.com", 5433)});
  EXPECT_EQ(MustParse("postgresql://mmuser@db/mattermost"), std::vector<DbAddress>{Tcp("db", 5432)});
  EXPECT_EQ(MustParse("postgres://u:p@[::1]:6432/db"), std::vector<DbAddress>{Tcp("::1", 6432)});
  EXPECT_EQ(MustParse("postgres:///mattermost"), std::vector<DbAddress>{Tcp("localhost", 5432)});
  // The password may hold '@' (the last one ends the user info) and escapes.
  EXPECT_EQ(MustParse("postgres://u:p@ss%2Fw@h1:5000/db"), std::vector<DbAddress>{Tcp("h1", 5000)});
  // pgx's multi-host form.
  EXPECT_EQ(MustParse("postgres://u:p@h1:5001,h2,[::1]:5003/db"),
            (std::vector<DbAddress>{Tcp("h1", 5001), Tcp("h2", 5432), Tcp("::1", 5003)}));
  // host= and port= in the query override the authority; a path is a socket directory.
  EXPECT_EQ(MustParse("postgres://u:p@ignored/db?sslmode=disable&host=10.1.1.1&port=6000"),
            std::vector<DbAddress>{Tcp("10.1.1.1", 6000)});
  EXPECT_EQ(MustParse("postgres:///db?host=%2Fvar%2Frun%2Fpostgresql"),
            std::vector<DbAddress>{Unix("/var/run/postgresql/.s.PGSQL.5432")});
  EXPECT_EQ(MustParse("postgres://h/db?port=7000"), std::vector<DbAddress>{Tcp("h", 7000)});
}

TEST(MattermostDataSourceTest, PostgresKeywordStrings) {
  EXPECT_EQ(MustParse("host=db port=5433 user=mm password='a b\\' c' dbname=mm", "postgres"),
            std::vector<DbAddress>{Tcp("db", 5433)});
  EXPECT_EQ(MustParse("user=mm dbname=mm", "postgres"), std::vector<DbAddress>{Tcp("localhost", 5432)});
  EXPECT_EQ(MustParse("host=/tmp port=5439", "postgres"), std::vector<DbAddress>{Unix("/tmp/.s.PGSQL.5439")});
  EXPECT_EQ(MustParse("host=name hostaddr=10.0.0.9 port = 5000"), std::vector<DbAddress>{Tcp("10.0.0.9", 5000)});
  EXPECT_EQ(MustParse("host=a,b port=1,2", "postgres"), (std::vector<DbAddress>{Tcp("a", 1), Tcp("b", 2)}));
  EXPECT_FALSE(ParseDataSource("host=db password='unterminated", "postgres").ok());
  EXPECT_FALSE(ParseDataSource("host=db port=x", "postgres").ok());
  EXPECT_FALSE(ParseDataSource("host", "postgres").ok());
}

TEST(MattermostDataSourceTest, MysqlDsns) {
  EXPECT_EQ(MustParse("mmuser:mostest@tcp(localhost:3306)/mattermost?charset=utf8mb4,utf8&readTimeout=30s", "mysql"),
            std::vector<DbAddress>{Tcp("localhost", 3306)});
  EXPECT_EQ(MustParse("u:p@tcp(db)/mm", "mysql"), std::vector<DbAddress>{Tcp("db", 3306)});
  EXPECT_EQ(MustParse("u:p@tcp6([::1]:3307)/mm"), std::vector<DbAddress>{Tcp("::1", 3307)});
  EXPECT_EQ(MustParse("u:p@/mm"), std::vector<DbAddress>{Tcp("127.0.0.1", 3306)});
  EXPECT_EQ(MustParse("/mm", "mysql"), std::vector<DbAddress>{Tcp("127.0.0.1", 3306)});
  EXPECT_EQ(MustParse("u:p@unix(/run/mysqld/mysqld.sock)/mm", "mysql"),
            std::vector<DbAddress>{Unix("/run/mysqld/mysqld.sock")});
  // '@', ':' , '/' and '(' in the password: the address follows the last '@' before the last '/'.
  EXPECT_EQ(MustParse("u:p@s(s:w/o@rd@tcp(10.0.0.5:3306)/mm", "mysql"), std::vector<DbAddress>{Tcp("10.0.0.5", 3306)});
  EXPECT_FALSE(ParseDataSource("u:p@tcp(db:3306", "mysql").ok());
  EXPECT_FALSE(ParseDataSource("u:p@tcp(db:3306)", "mysql").ok());  // no '/dbname'
  EXPECT_FALSE(ParseDataSource("u:p@udp(db:3306)/mm", "mysql").ok());
  EXPECT_FALSE(ParseDataSource("u:p@tcp(db:99999)/mm", "mysql").ok());
}

TEST(MattermostDataSourceTest, ErrorsNeverQuoteTheDataSource) {
  const char* secret = "hunter2";
  for (auto [dsn, driver] :
       std::vector<std::pair<std::string, std::string>>{{"u:hunter2@tcp(db:3306", "mysql"},
                                                        {"u:hunter2@tcp(db:0)/x", "mysql"},
                                                        {"postgres://u:hunter2@h:99999/db", ""},
                                                        {"host=h password=hunter2 port=bad", "postgres"},
                                                        {"u:hunter2@weird(db)/x", ""}}) {
    auto parsed = ParseDataSource(dsn, driver);
    ASSERT_FALSE(parsed.ok()) << dsn;
    EXPECT_EQ(parsed.error().find(secret), std::string::npos) << parsed.error();
  }
  EXPECT_FALSE(ParseDataSource("", "").ok());
  EXPECT_FALSE(ParseDataSource("x", "oracle").ok());
}

TEST(MattermostConfigJsonTest, ReadsBothDriverForms) {
  auto pg =
      ParseMattermostConfig(*ReadFile(std::string(TEST_SOURCE_DIR) + "/fixtures/mattermost/config-postgres.json"));
  ASSERT_TRUE(pg.ok()) << pg.error();
  EXPECT_EQ(pg->driver, "postgres");
  EXPECT_EQ(pg->master, std::vector<DbAddress>{Tcp("localhost", 3306)});
  EXPECT_EQ(pg->replicas, (std::vector<DbAddress>{Tcp("10.0.0.2", 3306), Tcp("::ffff:10.0.0.3", 3306)}));

  auto my = ParseMattermostConfig(*ReadFile(std::string(TEST_SOURCE_DIR) + "/fixtures/mattermost/config-mysql.json"));
  ASSERT_TRUE(my.ok()) << my.error();
  EXPECT_EQ(my->master, std::vector<DbAddress>{Tcp("localhost", 3306)});
  EXPECT_EQ(my->replicas, (std::vector<DbAddress>{Tcp("10.0.0.2", 3306), Tcp("::ffff:10.0.0.3", 3306)}));
}

TEST(MattermostConfigJsonTest, ReportsMissingOrWrongSettings) {
  EXPECT_FALSE(ParseMattermostConfig("{}").ok());
  EXPECT_FALSE(ParseMattermostConfig(R"({"SqlSettings": []})").ok());
  EXPECT_FALSE(ParseMattermostConfig(R"({"SqlSettings": {"DataSource": ""}})").ok());
  EXPECT_FALSE(ParseMattermostConfig(R"({"SqlSettings": {"DataSource": 5}})").ok());
  EXPECT_FALSE(
      ParseMattermostConfig(R"({"SqlSettings": {"DataSource": "u:p@tcp(h)/d", "DataSourceReplicas": "x"}})").ok());
  EXPECT_FALSE(
      ParseMattermostConfig(R"({"SqlSettings": {"DataSource": "u:p@tcp(h)/d", "DataSourceReplicas": [1]}})").ok());
  auto bad_replica = ParseMattermostConfig(
      R"({"SqlSettings": {"DriverName": "mysql", "DataSource": "u:p@tcp(h)/d",)"
      R"( "DataSourceReplicas": ["u:hunter2@tcp(h"]}})");
  ASSERT_FALSE(bad_replica.ok());
  EXPECT_NE(bad_replica.error().find("DataSourceReplicas[0]"), std::string::npos);
  EXPECT_EQ(bad_replica.error().find("hunter2"), std::string::npos);
  auto no_replicas =
      ParseMattermostConfig(R"({"sqlSettings": {"dataSource": "u:p@tcp(h:1)/d", "DataSourceReplicas": null}})");
  ASSERT_TRUE(no_replicas.ok()) << no_replicas.error();  // Go matches field names case-insensitively
  EXPECT_TRUE(no_replicas->replicas.empty());
}

TEST(MattermostEndpointsTest, FlagsWinOverFilesPerRole) {
  Settings settings;
  settings.db_master = {"10.9.9.9:5432"};
  auto file = OptionFile::Read(std::string(TEST_SOURCE_DIR) + "/fixtures/mattermost/exporter.cnf");
  ASSERT_TRUE(file.ok()) << file.error();
  auto json = ReadFile(std::string(TEST_SOURCE_DIR) + "/fixtures/mattermost/config-mysql.json");
  auto endpoints = CollectEndpoints(settings, &*file, *json);
  ASSERT_TRUE(endpoints.ok()) << endpoints.error();
  ASSERT_EQ(endpoints->size(), 3u);
  EXPECT_EQ((*endpoints)[0].role, "master");
  EXPECT_EQ((*endpoints)[0].address, Tcp("10.9.9.9", 5432));  // flag
  EXPECT_EQ((*endpoints)[1].address, Tcp("10.0.0.2", 3306));  // [mattermost] replica
  EXPECT_EQ((*endpoints)[2].address, Tcp("10.0.0.3", 3306));  // loose-replica
  EXPECT_EQ((*endpoints)[2].role, "replica");

  Settings json_only;
  auto from_json = CollectEndpoints(json_only, nullptr, *json);
  ASSERT_TRUE(from_json.ok());
  EXPECT_EQ(from_json->size(), 3u);

  Settings none;
  auto nothing = CollectEndpoints(none, nullptr, std::nullopt);
  ASSERT_TRUE(nothing.ok()) << "no database given at all: process metrics only";
  EXPECT_TRUE(nothing->empty());
  Settings empty_json;
  empty_json.mattermost_config = "/etc/mattermost/config.json";
  EXPECT_FALSE(CollectEndpoints(empty_json, nullptr, std::string_view("{\"SqlSettings\": {}}")).ok())
      << "a config naming no database is a mistake";
  Settings bad;
  bad.db_replicas = {"nohost"};
  EXPECT_FALSE(CollectEndpoints(bad, nullptr, std::nullopt).ok());
}

TEST(MattermostEndpointsTest, ConfigFileDataSourcesAndDuplicates) {
  auto file = OptionFile::Parse(
      "[mattermost]\n"
      "driver-name = mysql\n"
      "data_source = \"u:p@tcp(db1:3306)/mm\"\n"
      "data-source-replicas = u:p@tcp(db2)/mm\n"
      "data-source-replicas = u:p@tcp(db2:3306)/mm\n"
      "replica = db3:3306, db4:3306\n",
      "inline.cnf");
  ASSERT_TRUE(file.ok()) << file.error();
  Settings settings;
  auto endpoints = CollectEndpoints(settings, &*file, std::nullopt);
  ASSERT_TRUE(endpoints.ok()) << endpoints.error();
  std::vector<std::string> labels;
  for (const auto& endpoint : *endpoints) labels.push_back(endpoint.role + " " + endpoint.address.Label());
  EXPECT_EQ(labels,
            (std::vector<std::string>{"master db1:3306", "replica db3:3306", "replica db4:3306", "replica db2:3306"}));
}

TEST(MattermostEndpointsTest, ConfigFileSuppliesTheTarget) {
  auto file = OptionFile::Read(std::string(TEST_SOURCE_DIR) + "/fixtures/mattermost/exporter.cnf");
  ASSERT_TRUE(file.ok());
  TargetSpec target;
  ASSERT_TRUE(ApplyTargetOptions(*file, target).ok());
  EXPECT_EQ(target.name, "mattermost");
  TargetSpec given;
  given.pid = 7;
  ASSERT_TRUE(ApplyTargetOptions(*file, given).ok());
  EXPECT_TRUE(given.name.empty());  // a flag wins
}

TEST(MattermostSettingsTest, Validation) {
  Settings settings;
  settings.db_master = {"h:1"};
  EXPECT_FALSE(ValidateSettings(settings).ok());  // no target
  settings.target.pid = 1;
  EXPECT_TRUE(ValidateSettings(settings).ok());
  settings.target.pidfile = "/x";
  EXPECT_FALSE(ValidateSettings(settings).ok());  // two ways
  settings.target = {};
  settings.target.name = "mattermost";
  settings.target.cmdline = "config";
  EXPECT_TRUE(ValidateSettings(settings).ok());  // name and cmdline together are one selector
  settings.target.cmdline = "(";
  EXPECT_FALSE(ValidateSettings(settings).ok());
  settings.target.cmdline = "";
  settings.metric_namespace = "bad-name";
  EXPECT_FALSE(ValidateSettings(settings).ok());
  settings.metric_namespace = "app";
  settings.db_master.clear();
  EXPECT_TRUE(ValidateSettings(settings).ok());  // no databases: served with counts 0 and a warning
}

}  // namespace
}  // namespace exporter::mattermost
