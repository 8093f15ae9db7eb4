// Collectors as mappers from fixture files to families: each is created with
// the node paths pointed at tests/fixtures/node and its output inspected.
#include <gtest/gtest.h>

#include <algorithm>

#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"

namespace node {
namespace {

std::string FixtureRoot(const std::string& tree) { return std::string(TEST_SOURCE_DIR) + "/fixtures/node/" + tree; }

class CollectorTest : public ::testing::Test {
 protected:
  void UsePaths(const std::string& tree) {
    auto& paths = MutablePaths();
    paths.procfs = FixtureRoot(tree) + "/proc";
    paths.sysfs = FixtureRoot(tree) + "/sys";
    paths.rootfs = FixtureRoot(tree) + "/rootfs";
    BeginScrape();
  }

  exporter::Status Run(const std::string& name, exporter::Families& out) {
    auto& entries = exporter::CollectorRegistry<exporter::Collector>::Instance().entries();
    auto it = entries.find(name);
    EXPECT_NE(it, entries.end()) << name;
    auto collector = it->second.create();
    return collector->Collect(out);
  }

  static const prometheus::MetricFamily* Find(const exporter::Families& families, const std::string& name) {
    for (const auto& family : families) {
      if (family.name == name) return &family;
    }
    return nullptr;
  }

  static std::string Label(const prometheus::ClientMetric& metric, const std::string& name) {
    for (const auto& label : metric.label) {
      if (label.name == name) return label.value;
    }
    return "<none>";
  }
};

TEST_F(CollectorTest, LoadavgFromFixture) {
  UsePaths("");
  exporter::Families out;
  ASSERT_TRUE(Run("loadavg", out).ok());
  ASSERT_NE(Find(out, "node_load15"), nullptr);
  EXPECT_EQ(Find(out, "node_load1")->type, prometheus::MetricType::Gauge);
}

TEST_F(CollectorTest, CpuHas72CpusAndGuestModes) {
  UsePaths("");
  exporter::Families out;
  ASSERT_TRUE(Run("cpu", out).ok());
  const auto* seconds = Find(out, "node_cpu_seconds_total");
  ASSERT_NE(seconds, nullptr);
  EXPECT_EQ(seconds->type, prometheus::MetricType::Counter);
  EXPECT_EQ(seconds->metric.size(), 72u * 8);
  // cpu71: user = 1000 + 71 * 7 ticks at USER_HZ 100.
  auto it = std::find_if(seconds->metric.begin(), seconds->metric.end(), [](const auto& m) {
    return Label(m, "cpu") == "71" && Label(m, "mode") == "user";
  });
  ASSERT_NE(it, seconds->metric.end());
  EXPECT_DOUBLE_EQ(it->counter.value, (1000 + 71 * 7) / 100.0);
  const auto* guest = Find(out, "node_cpu_guest_seconds_total");
  ASSERT_NE(guest, nullptr);
  EXPECT_EQ(guest->metric.size(), 72u * 2);
}

TEST_F(CollectorTest, NetclassReadsAttributes) {
  UsePaths("");
  exporter::Families out;
  ASSERT_TRUE(Run("netclass", out).ok());
  const auto* flags = Find(out, "node_network_flags");
  ASSERT_NE(flags, nullptr);
  for (const auto& metric : flags->metric) {
    if (Label(metric, "device") == "eth0") {
      EXPECT_DOUBLE_EQ(metric.gauge.value, 4099);
    }
  }
  const auto* speed = Find(out, "node_network_speed_bytes");
  ASSERT_NE(speed, nullptr);
  ASSERT_EQ(speed->metric.size(), 1u);  // lo has no speed file in the fixture
  EXPECT_DOUBLE_EQ(speed->metric[0].gauge.value, -125000);
  const auto* up = Find(out, "node_network_up");
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->metric.size(), 3u);  // lo, eth0, bond0; not the bonding_masters file
}

TEST_F(CollectorTest, MalformedFilesFailTheirCollector) {
  UsePaths("broken");
  for (const char* name : {"loadavg", "meminfo", "cpu", "stat", "softnet", "netstat", "diskstats", "conntrack"}) {
    exporter::Families out;
    EXPECT_FALSE(Run(name, out).ok()) << name;
  }
  exporter::Families out;
  EXPECT_TRUE(Run("entropy", out).ok());
}

TEST_F(CollectorTest, SharedProcStatIsReadOncePerScrape) {
  UsePaths("");
  std::string first, second;
  ASSERT_TRUE(ProcStatFile().Get(ProcPath("stat"), first));
  ASSERT_TRUE(ProcStatFile().Get(ProcPath("stat"), second));
  EXPECT_EQ(first, second);
  EXPECT_FALSE(ProcStatFile().Get(ProcPath("does-not-exist"), first));
}

}  // namespace
}  // namespace node
