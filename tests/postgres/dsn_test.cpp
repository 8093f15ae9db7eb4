#include "dsn.h"

#include <gtest/gtest.h>

namespace postgres {
namespace {

TEST(ParseDsn, Uri) {
  auto params = ParseDsn("postgresql://exporter:s%40cret@db.example:5433/app?sslmode=disable&connect_timeout=3");
  ASSERT_TRUE(params) << params.error();
  EXPECT_EQ((*params)["host"], "db.example");
  EXPECT_EQ((*params)["port"], "5433");
  EXPECT_EQ((*params)["user"], "exporter");
  EXPECT_EQ((*params)["password"], "s@cret");
  EXPECT_EQ((*params)["dbname"], "app");
  EXPECT_EQ((*params)["sslmode"], "disable");
  EXPECT_EQ((*params)["connect_timeout"], "3");
}

TEST(ParseDsn, KeyValue) {
  auto params = ParseDsn("host=/run/postgresql user=prometheus dbname=postgres password='a b\\'c'");
  ASSERT_TRUE(params) << params.error();
  EXPECT_EQ((*params)["host"], "/run/postgresql");
  EXPECT_EQ((*params)["password"], "a b'c");
  EXPECT_EQ(params->count("port"), 0u);
}

TEST(ParseDsn, ErrorsNeverEchoThePassword) {
  auto bad = ParseDsn("host=x password=hunter2 nonsense_keyword=1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().find("hunter2"), std::string::npos) << bad.error();
  auto bad_uri = ParseDsn("postgresql://u:hunter2@h:notaport/db?bogus=1");
  ASSERT_FALSE(bad_uri);
  EXPECT_EQ(bad_uri.error().find("hunter2"), std::string::npos) << bad_uri.error();
  EXPECT_FALSE(ParseDsn("host='unterminated"));
}

TEST(SplitDsnList, CommasAndBlanks) {
  auto list = SplitDsnList("postgresql://a/x, postgresql://b/y,,  ");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0], "postgresql://a/x");
  EXPECT_EQ(list[1], "postgresql://b/y");
  EXPECT_TRUE(SplitDsnList("").empty());
}

TEST(MaskedDsn, HidesThePasswordAndQuotes) {
  ConnParams params{{"host", "h"}, {"password", "hunter2"}, {"application_name", "my app"}};
  std::string masked = MaskedDsn(params);
  EXPECT_EQ(masked.find("hunter2"), std::string::npos);
  EXPECT_NE(masked.find("password=******"), std::string::npos);
  EXPECT_NE(masked.find("application_name='my app'"), std::string::npos);
}

TEST(ServerLabel, DefaultsAsTheReference) {
  EXPECT_EQ(ServerLabel({{"host", "db"}, {"port", "5433"}}), "db:5433");
  EXPECT_EQ(ServerLabel({}), "localhost:5432");
  EXPECT_EQ(ServerLabel({{"hostaddr", "10.0.0.1"}}), "10.0.0.1:5432");
  EXPECT_EQ(ServerLabel({{"host", "/run/postgresql"}}), "/run/postgresql:5432");
}

TEST(ParseProbeTarget, Forms) {
  auto plain = ParseProbeTarget("db1:5433");
  ASSERT_TRUE(plain);
  EXPECT_EQ((*plain)["host"], "db1");
  EXPECT_EQ((*plain)["port"], "5433");
  auto bare = ParseProbeTarget("db1");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->count("port"), 0u);
  auto v6 = ParseProbeTarget("[::1]:5432");
  ASSERT_TRUE(v6);
  EXPECT_EQ((*v6)["host"], "::1");
  auto dsn = ParseProbeTarget("postgresql://h:1/db");
  ASSERT_TRUE(dsn);
  EXPECT_EQ((*dsn)["dbname"], "db");
  EXPECT_FALSE(ParseProbeTarget(""));
  EXPECT_FALSE(ParseProbeTarget(":5432"));
  EXPECT_FALSE(ParseProbeTarget("db:port"));
  EXPECT_FALSE(ParseProbeTarget("::1:5432"));
  EXPECT_FALSE(ParseProbeTarget("[::1"));
}

TEST(QuoteConninfoValue, RoundTripsThroughLibpq) {
  for (std::string value : {"plain", "with space", "quote'd", "back\\slash", "", "a=b"}) {
    auto parsed = ParseDsn("password=" + QuoteConninfoValue(value));
    ASSERT_TRUE(parsed) << value;
    EXPECT_EQ((*parsed)["password"], value);
  }
}

}  // namespace
}  // namespace postgres
