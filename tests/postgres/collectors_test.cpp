// The statements collectors send, by server version and flags (their mapping
// of results needs a server: tests/postgres/test_postgres_exporter.py).
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include "pg_collector.h"

namespace postgres {
namespace {

const PgCollectorRegistry::Entry& EntryFor(const std::string& name) {
  const auto& entries = PgCollectorRegistry::Instance().entries();
  auto it = entries.find(name);
  if (it == entries.end()) throw std::runtime_error("no collector " + name);
  return it->second;
}

std::string QueryFor(const std::string& name, int server_version) {
  Labels labels;
  PgContext ctx(labels, server_version);
  auto queries = EntryFor(name).create()->Queries(ctx);
  EXPECT_EQ(queries.size(), 1u);
  return queries.empty() ? "" : queries[0];
}

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Collectors, OffByDefault) {
  for (const char* name : {"stat_statements", "stat_user_tables", "statio_user_tables"}) {
    EXPECT_FALSE(EntryFor(name).enabled_by_default) << name;
  }
  EXPECT_TRUE(EntryFor("stat_database").enabled_by_default);
}

TEST(StatStatements, ColumnsFollowTheServerVersion) {
  std::string v12 = QueryFor("stat_statements", 120000);
  EXPECT_TRUE(Contains(v12, "sum(s.total_time)")) << v12;
  EXPECT_TRUE(Contains(v12, "s.blk_read_time")) << v12;
  std::string v15 = QueryFor("stat_statements", 150018);
  EXPECT_TRUE(Contains(v15, "sum(s.total_exec_time)")) << v15;
  EXPECT_TRUE(Contains(v15, "s.blk_write_time")) << v15;
  EXPECT_FALSE(Contains(v15, "shared_blk_read_time")) << v15;
  std::string v17 = QueryFor("stat_statements", 170002);
  EXPECT_TRUE(Contains(v17, "s.shared_blk_read_time + s.local_blk_read_time")) << v17;
  EXPECT_TRUE(Contains(v17, "s.shared_blk_write_time + s.local_blk_write_time")) << v17;
  EXPECT_FALSE(Contains(v17, "s.blk_read_time")) << v17;
  // One row per label set, the most expensive first.
  EXPECT_TRUE(Contains(v15, "GROUP BY 1, 2, 3 ORDER BY 5 DESC")) << v15;
}

TEST(StatStatements, LimitFlag) {
  EXPECT_TRUE(Contains(QueryFor("stat_statements", 150000), "LIMIT 100"));
  CLI::App app;
  exporter::Flags flags(app, "Collector stat_statements");
  EntryFor("stat_statements").add_flags(flags);
  std::vector<std::string> args = {"--collector.stat_statements.limit=7"};  // CLI11 parses a reversed vector
  app.parse(args);
  EXPECT_TRUE(Contains(QueryFor("stat_statements", 150000), "LIMIT 7"));
  std::vector<std::string> bad = {"--collector.stat_statements.limit=0"};
  EXPECT_THROW(app.parse(bad), CLI::ValidationError);
  std::vector<std::string> reset = {"--collector.stat_statements.limit=100"};
  app.parse(reset);
}

}  // namespace
}  // namespace postgres
