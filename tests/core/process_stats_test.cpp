#include "exporter/process_stats.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <ctime>

namespace exporter {
namespace {

TEST(ProcStat, CommWithSpacesAndParentheses) {
  auto stat = ParseProcStat(
      "1234 (my (weird) app) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 7 0 123456 104857600 2560 "
      "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0");
  ASSERT_TRUE(stat.ok()) << stat.error();
  EXPECT_EQ(stat->comm, "my (weird) app");
  EXPECT_EQ(stat->state, 'S');
  EXPECT_EQ(stat->utime_ticks, 250u);
  EXPECT_EQ(stat->stime_ticks, 50u);
  EXPECT_EQ(stat->num_threads, 7u);
  EXPECT_EQ(stat->start_time_ticks, 123456u);
  EXPECT_EQ(stat->vsize_bytes, 104857600u);
  EXPECT_EQ(stat->rss_pages, 2560u);
}

TEST(ProcStat, MalformedInputIsAnError) {
  EXPECT_FALSE(ParseProcStat("").ok());
  EXPECT_FALSE(ParseProcStat("1 (x S 1 2").ok());
  EXPECT_FALSE(ParseProcStat("1 (x) S 1 2 3").ok());
  EXPECT_FALSE(ParseProcStat("1 (x) S 1 1 1 0 -1 0 0 0 0 0 abc 50 0 0 20 0 7 0 1 1 1 1 1").ok());
}

TEST(Limits, MaxOpenFiles) {
  const char* limits =
      "Limit                     Soft Limit           Hard Limit           Units     \n"
      "Max cpu time              unlimited            unlimited            seconds   \n"
      "Max open files            1024                 524288               files     \n";
  EXPECT_DOUBLE_EQ(*ParseMaxOpenFiles(limits), 1024);
  EXPECT_TRUE(std::isinf(*ParseMaxOpenFiles("Max open files            unlimited            unlimited  files\n")));
  EXPECT_FALSE(ParseMaxOpenFiles("nothing here").ok());
  EXPECT_TRUE(std::isinf(*ParseSoftLimit("Max address space         unlimited            unlimited  bytes\n",
                                         "Max address space")));
}

TEST(BootTime, FromProcStat) {
  EXPECT_DOUBLE_EQ(*ParseBootTime("cpu  1 2 3\nbtime 1700000000\nprocesses 5\n"), 1700000000);
  EXPECT_FALSE(ParseBootTime("cpu 1 2 3\n").ok());
}

TEST(ReadProcessStats, SelfIsSane) {
  auto stats = ReadProcessStats("/proc", 0);
  ASSERT_TRUE(stats.ok()) << stats.error();
  EXPECT_GT(stats->resident_memory_bytes, 100000);
  EXPECT_GE(stats->virtual_memory_bytes, stats->resident_memory_bytes);
  EXPECT_GE(stats->open_fds, 3);
  EXPECT_GT(stats->max_fds, 0);
  EXPECT_GE(stats->threads, 1);
  double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(stats->start_time_seconds, now + 1);
  EXPECT_GT(stats->start_time_seconds, now - 3600);
  auto by_pid = ReadProcessStats("/proc", getpid());
  ASSERT_TRUE(by_pid.ok());
  EXPECT_EQ(by_pid->comm, stats->comm);
}

TEST(ReadProcessStats, MissingProcessIsAnError) {
  EXPECT_FALSE(ReadProcessStats("/proc", 0x7ffffff0).ok());
  EXPECT_FALSE(ReadProcessStats("/nonexistent", 1).ok());
}

TEST(ProcessMetrics, NamesUnderPrefix) {
  ProcessStats stats;
  stats.threads = 3;
  Families out;
  AppendProcessMetrics(out, "mattermost_process", stats, true);
  std::vector<std::string> names;
  for (const auto& family : out) names.push_back(family.name);
  EXPECT_EQ(names, (std::vector<std::string>{"mattermost_process_cpu_seconds_total", "mattermost_process_max_fds",
                                             "mattermost_process_open_fds", "mattermost_process_resident_memory_bytes",
                                             "mattermost_process_start_time_seconds",
                                             "mattermost_process_virtual_memory_bytes",
                                             "mattermost_process_virtual_memory_max_bytes", "mattermost_process_threads"}));
  EXPECT_EQ(out[0].type, prometheus::MetricType::Counter);
}

}  // namespace
}  // namespace exporter
