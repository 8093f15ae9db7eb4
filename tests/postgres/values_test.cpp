#include "values.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "exporter/strings.h"

namespace postgres {
namespace {

TEST(NormaliseSetting, TimesBecomeSeconds) {
  EXPECT_DOUBLE_EQ(NormaliseSetting("200", "ms")->value, 0.2);
  EXPECT_EQ(NormaliseSetting("200", "ms")->suffix, "seconds");
  EXPECT_DOUBLE_EQ(NormaliseSetting("60", "s")->value, 60);
  EXPECT_DOUBLE_EQ(NormaliseSetting("5", "min")->value, 300);
  EXPECT_DOUBLE_EQ(NormaliseSetting("2", "h")->value, 7200);
  EXPECT_DOUBLE_EQ(NormaliseSetting("1", "d")->value, 86400);
}

TEST(NormaliseSetting, SizesBecomeBytesIncludingBlockUnits) {
  EXPECT_DOUBLE_EQ(NormaliseSetting("4096", "kB")->value, 4194304);
  EXPECT_EQ(NormaliseSetting("4096", "kB")->suffix, "bytes");
  EXPECT_DOUBLE_EQ(NormaliseSetting("2048", "8kB")->value, 16777216);
  EXPECT_DOUBLE_EQ(NormaliseSetting("1", "16MB")->value, 16777216);
  EXPECT_DOUBLE_EQ(NormaliseSetting("3", "GB")->value, 3221225472.0);
  EXPECT_DOUBLE_EQ(NormaliseSetting("1", "TB")->value, 1099511627776.0);
  EXPECT_DOUBLE_EQ(NormaliseSetting("16777216", "B")->value, 16777216);
}

TEST(NormaliseSetting, MinusOneIsKeptAsIs) {
  auto off = NormaliseSetting("-1", "ms");
  ASSERT_TRUE(off);
  EXPECT_DOUBLE_EQ(off->value, -1);
  EXPECT_EQ(off->suffix, "seconds");
  EXPECT_DOUBLE_EQ(NormaliseSetting("-1", "kB")->value, -1);
}

TEST(NormaliseSetting, UnitlessAndMalformed) {
  EXPECT_DOUBLE_EQ(NormaliseSetting("100", "")->value, 100);
  EXPECT_EQ(NormaliseSetting("100", "")->suffix, "");
  EXPECT_DOUBLE_EQ(NormaliseSetting("0.5", "")->value, 0.5);
  EXPECT_FALSE(NormaliseSetting("", ""));
  EXPECT_FALSE(NormaliseSetting("abc", "ms"));
  EXPECT_FALSE(NormaliseSetting("12x", "kB"));
  EXPECT_FALSE(NormaliseSetting("1", "furlongs"));
}

TEST(SettingToMetric, NamesAndHelpAsTheReference) {
  auto metric = SettingToMetric("shared_buffers", "2048", "8kB", "integer");
  ASSERT_TRUE(metric);
  EXPECT_EQ(metric->name, "shared_buffers_bytes");
  EXPECT_EQ(metric->help, "Server Parameter: shared_buffers [Units converted to bytes.]");
  auto flag = SettingToMetric("fsync", "on", "", "bool");
  ASSERT_TRUE(flag);
  EXPECT_EQ(flag->name, "fsync");
  EXPECT_EQ(flag->help, "Server Parameter: fsync");
  EXPECT_EQ(flag->value, 1);
  EXPECT_EQ(SettingToMetric("fsync", "off", "", "bool")->value, 0);
  EXPECT_EQ(SettingToMetric("plpgsql.extra_checks", "1", "", "integer")->name, "plpgsql_extra_checks");
  EXPECT_FALSE(SettingToMetric("datestyle", "ISO", "", "string"));
  EXPECT_FALSE(SettingToMetric("x", "1", "parsecs", "integer"));
}

// Every row of a real server's pg_settings maps to the name and value the
// reference exporter printed for the same server.
TEST(SettingToMetric, MatchesTheReferenceOnARealServer) {
  auto rows = exporter::ReadFile(std::string(TEST_SOURCE_DIR) + "/fixtures/postgres/pg_settings.tsv");
  auto expected_text = exporter::ReadFile(std::string(TEST_SOURCE_DIR) + "/fixtures/postgres/pg_settings.expected");
  ASSERT_TRUE(rows && expected_text);
  std::map<std::string, double> expected;
  for (auto line : exporter::Split(*expected_text, '\n')) {
    auto fields = exporter::SplitFields(line);
    if (fields.size() != 2) continue;
    expected[std::string(fields[0])] = *exporter::ParseDouble(fields[1]);
  }
  ASSERT_GT(expected.size(), 200u);
  size_t matched = 0;
  for (auto line : exporter::Split(*rows, '\n')) {
    if (line.empty()) continue;
    auto fields = exporter::Split(line, '\t');
    ASSERT_EQ(fields.size(), 4u) << line;
    auto metric = SettingToMetric(fields[0], fields[1], fields[2], fields[3]);
    ASSERT_TRUE(metric) << line;
    auto it = expected.find("pg_settings_" + metric->name);
    ASSERT_NE(it, expected.end()) << "no reference metric for " << line;
    // Per-session values differ between the reference's session (lib/pq over
    // TCP) and psql's (Unix socket) that dumped the rows; their names still count.
    static const std::set<std::string> kSessionDependent = {"extra_float_digits", "tcp_keepalives_count",
                                                            "tcp_keepalives_idle", "tcp_keepalives_interval"};
    if (!kSessionDependent.count(std::string(fields[0]))) {
      EXPECT_NEAR(metric->value, it->second, std::abs(it->second) * 1e-9) << line;
    }
    ++matched;
  }
  EXPECT_EQ(matched, expected.size());
}

TEST(ShortVersion, AsSemverParseTolerant) {
  EXPECT_EQ(ShortVersion("PostgreSQL 15.18 (Debian 15.18-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc"),
            "15.18.0");
  EXPECT_EQ(ShortVersion("PostgreSQL 9.6.24 on x86_64"), "9.6.24");
  EXPECT_EQ(ShortVersion("PostgreSQL 16beta1 on x86_64"), "16.0.0");
  EXPECT_EQ(ShortVersion("PostgreSQL 10.07"), "10.7.0");
  EXPECT_EQ(ShortVersion("PostgreSQL"), "");
  EXPECT_EQ(ShortVersion(""), "");
  EXPECT_EQ(ShortVersion("PostgreSQL devel"), "");
}

TEST(ParsePgTimestamp, IsoOutputWithZones) {
  EXPECT_DOUBLE_EQ(*ParsePgTimestamp("1970-01-01 00:00:00+00"), 0);
  EXPECT_DOUBLE_EQ(*ParsePgTimestamp("2026-11-21 09:25:51.5+00"), 1795253151.5);
  EXPECT_DOUBLE_EQ(*ParsePgTimestamp("2026-11-21 12:25:51+03"), 1795253151);
  EXPECT_DOUBLE_EQ(*ParsePgTimestamp("2026-11-21 05:55:51-03:30"), 1795253151);
  EXPECT_DOUBLE_EQ(*ParsePgTimestamp("2000-02-29 00:00:00"), 951782400);
  EXPECT_DOUBLE_EQ(*ParsePgTimestamp("1969-12-31 23:59:59+00"), -1);
  EXPECT_FALSE(ParsePgTimestamp(""));
  EXPECT_FALSE(ParsePgTimestamp("yesterday"));
  EXPECT_FALSE(ParsePgTimestamp("2026-13-01 00:00:00+00"));
  EXPECT_FALSE(ParsePgTimestamp("2026-11-21 09:25:51+0x"));
  EXPECT_FALSE(ParsePgTimestamp("2026-11-21 09:25:51."));
  EXPECT_FALSE(ParsePgTimestamp("2026-11-21 09:25"));
}

TEST(ColumnValue, ByType) {
  EXPECT_TRUE(std::isnan(*ColumnValue("", true, 20)));
  EXPECT_EQ(*ColumnValue("t", false, 16), 1);
  EXPECT_EQ(*ColumnValue("f", false, 16), 0);
  EXPECT_EQ(*ColumnValue("42", false, 20), 42);
  EXPECT_EQ(*ColumnValue("8.854", false, 701), 8.854);
  EXPECT_DOUBLE_EQ(*ColumnValue("1970-01-02 00:00:00+00", false, 1184), 86400);
  EXPECT_FALSE(ColumnValue("0/3000148", false, 3220));  // pg_lsn text: skipped, as the reference does
  EXPECT_FALSE(ColumnValue("postgres", false, 19));
}

}  // namespace
}  // namespace postgres
