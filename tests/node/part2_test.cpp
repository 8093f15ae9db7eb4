// Parsers and collectors of the storage, network-filesystem and fabric
// collectors (nfs, nfsd, xfs, zfs, btrfs, bcache, nvme, fibrechannel,
// infiniband, tapestats, ipvs): parsers on literal strings and checked-in
// fixtures, malformed input included; collectors against the fixture tree.
#include <gtest/gtest.h>

#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "collector_test_support.h"
#include "node_context.h"
#include "parse/bcache.h"
#include "parse/btrfs.h"
#include "parse/ipvs.h"
#include "parse/nfs.h"
#include "parse/sysfs_class.h"
#include "parse/xfs.h"
#include "parse/zfs.h"

namespace node {
namespace {

using test_support::Fixture;
using test_support::FixturePath;

// ---------------------------------------------------------------- nfs

TEST(NfsClient, ParsesFixture) {
  auto stats = parse::ParseNfsClientStats(Fixture("proc/net/rpc/nfs"));
  ASSERT_TRUE(stats.ok()) << stats.error();
  EXPECT_EQ(stats->network.udp_count, 70u);
  EXPECT_EQ(stats->network.tcp_count, 69u);
  EXPECT_EQ(stats->network.tcp_connect, 45u);
  EXPECT_EQ(stats->rpc_count, 1218785755u);
  EXPECT_EQ(stats->retransmissions, 374636u);
  EXPECT_EQ(stats->auth_refreshes, 1218815394u);
  EXPECT_EQ(stats->v2[0], 16u);   // Null
  EXPECT_EQ(stats->v2[17], 66u);  // FsStat
  EXPECT_EQ(stats->v3[1], 1061909262u);
  EXPECT_EQ(stats->v3[21], 23729u);
  // proc4 declares 61 values: the 59 known ones are mapped, in the kernel's order.
  EXPECT_EQ(stats->v4[0], 1u);
  EXPECT_EQ(stats->v4[44], 132u);  // LayoutGet
  EXPECT_STREQ(parse::kNfsClientV4Procedures[44], "LayoutGet");
  EXPECT_EQ(stats->v4[58], 174u);  // Clone
}

TEST(NfsClient, ShortProc4OfOlderKernelsIsPadded) {
  auto stats = parse::ParseNfsClientStats("proc4 3 7 8 9\n");
  ASSERT_TRUE(stats.ok()) << stats.error();
  EXPECT_EQ(stats->v4[2], 9u);
  EXPECT_EQ(stats->v4[3], 0u);
}

TEST(NfsClient, RejectsMalformed) {
  EXPECT_FALSE(parse::ParseNfsClientStats("net 1 2 3\n").ok());                 // 3 of 4 values
  EXPECT_FALSE(parse::ParseNfsClientStats("rpc 1 x 3\n").ok());                 // not a number
  EXPECT_FALSE(parse::ParseNfsClientStats("rpc -1 2 3\n").ok());                // negative
  EXPECT_FALSE(parse::ParseNfsClientStats("proc3 22 1 2 3\n").ok());            // count does not match
  EXPECT_FALSE(parse::ParseNfsClientStats("proc2 2 1 2\n").ok());               // fewer than 18 procedures
  EXPECT_FALSE(parse::ParseNfsClientStats("wat 1 2\n").ok());                   // unknown line
  EXPECT_FALSE(parse::ParseNfsClientStats("net\n").ok());                       // no value
  EXPECT_FALSE(parse::ParseNfsClientStats("net 1 2 3 4\n\nrpc 1 2 3\n").ok());  // blank line
  EXPECT_TRUE(parse::ParseNfsClientStats("").ok());
}

TEST(NfsServer, ParsesFixture) {
  auto stats = parse::ParseNfsServerStats(Fixture("proc/net/rpc/nfsd"));
  ASSERT_TRUE(stats.ok()) << stats.error();
  EXPECT_EQ(stats->reply_cache_nocache, 18622u);
  EXPECT_EQ(stats->io_read, 157286400u);
  EXPECT_EQ(stats->io_write, 72864u);
  EXPECT_EQ(stats->threads, 8u);  // the histogram of floats after it is ignored
  EXPECT_EQ(stats->read_ahead_cache_size, 32u);
  EXPECT_EQ(stats->rpc_count, 18628u);
  EXPECT_EQ(stats->rpc_bad_fmt, 1u);
  EXPECT_EQ(stats->rpc_bad_auth, 2u);
  EXPECT_EQ(stats->rpc_bad_client, 0u);
  ASSERT_EQ(stats->v4_ops.size(), 72u);
  EXPECT_EQ(stats->v4_ops[3], 1098u);   // Access
  EXPECT_EQ(stats->v4_ops[22], 9609u);  // PutFH
  EXPECT_EQ(stats->v4_ops[35], 3u);     // Verify
  EXPECT_STREQ(parse::kNfsServerV4Ops[30].name, "Verify");
  EXPECT_EQ(parse::kNfsServerV4Ops[30].index, 35u);
}

TEST(NfsServer, RejectsMalformed) {
  EXPECT_FALSE(parse::ParseNfsServerStats("th 8\n").ok());
  EXPECT_FALSE(parse::ParseNfsServerStats("rc 1 2\n").ok());
  EXPECT_FALSE(parse::ParseNfsServerStats("ra 32 0 0\n").ok());
  EXPECT_FALSE(parse::ParseNfsServerStats("proc4 3 1 2 3\n").ok());      // Null and Compound only
  EXPECT_FALSE(parse::ParseNfsServerStats("proc4ops 3 1 2 3\n").ok());   // fewer than 39 operations
  EXPECT_FALSE(parse::ParseNfsServerStats("proc4ops 40 1 2 3\n").ok());  // count does not match
  EXPECT_FALSE(parse::ParseNfsServerStats("io 1 2.5\n").ok());
  EXPECT_FALSE(parse::ParseNfsServerStats("wdeleg_getattr 0\n").ok());  // unknown, as for procfs
}

// ---------------------------------------------------------------- xfs

TEST(Xfs, ParsesFixture) {
  auto stats = parse::ParseXfsStats(Fixture("sys/fs/xfs/sda1/stats/stats"));
  ASSERT_TRUE(stats.ok()) << stats.error();
  EXPECT_EQ(stats->extent_alloc[0], 92447u);
  EXPECT_EQ(stats->blk_map[5], 2140766u);
  EXPECT_EQ(stats->ig[6], 22u);
  EXPECT_EQ(stats->rw[0], 107739u);  // write calls come first
  EXPECT_EQ(stats->rw[1], 94045u);
  EXPECT_EQ(stats->vnodes[4], 92444u);
  EXPECT_EQ(stats->xpc[0], 399724544u);
}

TEST(Xfs, OlderVnodesLineHasNoFreeColumn) {
  auto stats = parse::ParseXfsStats("vnodes 1 2 3 4 5 6 7\nfoo\n");
  ASSERT_TRUE(stats.ok()) << stats.error();
  EXPECT_EQ(stats->vnodes[6], 7u);
  EXPECT_EQ(stats->vnodes[7], 0u);
}

TEST(Xfs, RejectsMalformed) {
  EXPECT_FALSE(parse::ParseXfsStats("extent_alloc 1 2 3\n").ok());
  EXPECT_FALSE(parse::ParseXfsStats("rw 1 2 3\n").ok());
  EXPECT_FALSE(parse::ParseXfsStats("vnodes 1 2 3 4 5 6\n").ok());
  EXPECT_FALSE(parse::ParseXfsStats("dir 1 2 x 4\n").ok());
  // Every line holds 32-bit counters (unknown ones too), except xpc.
  EXPECT_FALSE(parse::ParseXfsStats("push_ail 4294967296\n").ok());
  EXPECT_TRUE(parse::ParseXfsStats("xpc 4294967296 1 2\n").ok());
  EXPECT_FALSE(parse::ParseXfsStats("xpc 1 2\n").ok());
}

// ---------------------------------------------------------------- zfs

TEST(Zfs, KstatKeepsOnlyUint64Rows) {
  // The values are views into the text: it must outlive them.
  const std::string text = Fixture("proc/spl/kstat/zfs/arcstats");
  auto values = parse::ParseZfsKstat(text);
  ASSERT_TRUE(values.ok()) << values.error();
  ASSERT_EQ(values->size(), 16u);  // the int64 and string rows are not exported
  EXPECT_EQ((*values)[0].first, "hits");
  EXPECT_EQ((*values)[0].second, 8772612u);
}

TEST(Zfs, KstatRejectsMalformed) {
  EXPECT_FALSE(parse::ParseZfsKstat("6 1 0x01 86 4128\nhits 4 1\n").ok());  // no header
  EXPECT_FALSE(parse::ParseZfsKstat("name type data\nhits 4 lots\n").ok());
  EXPECT_FALSE(parse::ParseZfsKstat("name type data\nhits 4 -1\n").ok());
  auto skipped = parse::ParseZfsKstat("name type data\nshort 4\nhits 7 lots\n");
  ASSERT_TRUE(skipped.ok());
  EXPECT_TRUE(skipped->empty());
}

TEST(Zfs, PoolIoObjsetAndState) {
  const std::string io_text = Fixture("proc/spl/kstat/zfs/pool1/io");
  auto io = parse::ParseZfsPoolIo(io_text);
  ASSERT_TRUE(io.ok()) << io.error();
  ASSERT_EQ(io->size(), 12u);
  EXPECT_EQ((*io)[0].first, "nread");
  EXPECT_EQ((*io)[0].second, 1884160u);
  EXPECT_FALSE(parse::ParseZfsPoolIo("nread a b c d e f g h i j k\n1 2\n").ok());  // row shorter than the header
  EXPECT_TRUE(parse::ParseZfsPoolIo("no header here\n1 2 3\n")->empty());

  const std::string objset_text = Fixture("proc/spl/kstat/zfs/pool1/objset-0x59");
  auto objset = parse::ParseZfsObjset(objset_text);
  ASSERT_TRUE(objset.ok()) << objset.error();
  EXPECT_EQ(objset->dataset, "pool1/dataset1");
  ASSERT_EQ(objset->values.size(), 6u);
  EXPECT_EQ(objset->values[1].second, 12302u);
  EXPECT_FALSE(parse::ParseZfsObjset("dataset_name 7 x\n").ok());

  EXPECT_EQ(parse::ParseZfsPoolState("DEGRADED\n"), "degraded");
  EXPECT_EQ(parse::ParseZfsPoolState(""), "");
  EXPECT_EQ(parse::ZfsMetricName("erpt-set-failed"), "erpt_set_failed");
  EXPECT_EQ(parse::ZfsMetricName("a.b.c"), "c");
  EXPECT_EQ(parse::ZfsMetricName("bad name"), "");
}

// ---------------------------------------------------------------- btrfs, bcache

TEST(Btrfs, ValuesAndRatios) {
  EXPECT_EQ(parse::ParseBtrfsValue("16777216\n"), 16777216u);
  EXPECT_EQ(parse::ParseBtrfsValue("garbage\n"), 0u);  // as procfs: conversion errors read as 0
  EXPECT_EQ(parse::ParseBtrfsValue(""), 0u);
  EXPECT_DOUBLE_EQ(parse::BtrfsAllocationRatio("single", 1), 1);
  EXPECT_DOUBLE_EQ(parse::BtrfsAllocationRatio("raid10", 4), 2);
  EXPECT_DOUBLE_EQ(parse::BtrfsAllocationRatio("raid5", 4), 4.0 / 3);
  EXPECT_DOUBLE_EQ(parse::BtrfsAllocationRatio("raid6", 4), 2);
  EXPECT_DOUBLE_EQ(parse::BtrfsAllocationRatio("raid1c3", 4), 0);
}

TEST(Btrfs, MountsAndIds) {
  auto mounts = parse::ParseBtrfsMounts(
      "/dev/sda1 / ext4 rw,relatime 0 0\n/dev/loop25 /mnt/my\\040disk btrfs rw,space_cache 0 0\n");
  ASSERT_TRUE(mounts.ok()) << mounts.error();
  ASSERT_EQ(mounts->size(), 2u);
  EXPECT_EQ((*mounts)[1].device, "/dev/loop25");
  EXPECT_EQ((*mounts)[1].mount_point, "/mnt/my disk");
  EXPECT_EQ((*mounts)[1].fs_type, "btrfs");
  EXPECT_FALSE(parse::ParseBtrfsMounts("/dev/sda1 / ext4\n").ok());

  const uint8_t id[16] = {0x0a, 0xbb, 0x23, 0xa9, 0x9a, 0xa3, 0x4a, 0x8f,
                          0xa1, 0xc7, 0xe3, 0xb5, 0xcb, 0x3b, 0x2f, 0x8c};
  EXPECT_EQ(parse::FormatBtrfsFsid(id), "0abb23a99aa34a8fa1c7e3b5cb3b2f8c");
  EXPECT_EQ(parse::FormatBtrfsUuid(id), "0abb23a9-9aa3-4a8f-a1c7-e3b5cb3b2f8c");
  const uint8_t zero[16] = {};
  EXPECT_EQ(parse::FormatBtrfsUuid(zero), "<zero>");
}

TEST(Bcache, HumanReadableValues) {
  EXPECT_EQ(*parse::ParseBcacheValue("512\n"), 512u);
  EXPECT_EQ(*parse::ParseBcacheValue("1.5M\n"), 1560576u);  // (1 + 5/10.24) MiB
  EXPECT_EQ(*parse::ParseBcacheValue("3.9T"), 4264902524928u);
  EXPECT_EQ(*parse::ParseBcacheValue("12q"), 0u);  // unknown unit: 0, as procfs
  EXPECT_EQ(*parse::ParseBcacheSignedValue("-427.5k"), -437748);
  EXPECT_FALSE(parse::ParseBcacheValue("").ok());
  EXPECT_FALSE(parse::ParseBcacheValue("\n").ok());
  EXPECT_FALSE(parse::ParseBcacheValue("x.5k").ok());
  EXPECT_FALSE(parse::ParseBcacheValue("-1").ok());
}

TEST(Bcache, WritebackRateDebugAndPriorityStats) {
  auto debug = parse::ParseBcacheWritebackRateDebug(
      Fixture("sys/fs/bcache/deaddd54-c735-46d5-868e-f331c5fd7c74/bdev0/writeback_rate_debug"));
  ASSERT_TRUE(debug.ok()) << debug.error();
  EXPECT_EQ(debug->rate, 1150976u);
  EXPECT_EQ(debug->target, 21894266880u);
  EXPECT_EQ(debug->proportional, -437748);
  EXPECT_EQ(debug->integral, 808960);
  EXPECT_EQ(debug->change, -329204);
  EXPECT_EQ(debug->next_io_ms, 17);
  EXPECT_FALSE(parse::ParseBcacheWritebackRateDebug("rate:\tfast\n").ok());
  EXPECT_FALSE(parse::ParseBcacheWritebackRateDebug("next io:\tsoon\n").ok());

  auto priority = parse::ParseBcachePriorityStats(
      Fixture("sys/fs/bcache/deaddd54-c735-46d5-868e-f331c5fd7c74/cache0/priority_stats"));
  ASSERT_TRUE(priority.ok()) << priority.error();
  EXPECT_EQ(priority->unused_percent, 99u);
  EXPECT_EQ(priority->metadata_percent, 3u);
  EXPECT_FALSE(parse::ParseBcachePriorityStats("Unused:\tmost\n").ok());
}

// ---------------------------------------------------------------- sysfs classes

TEST(SysfsClass, UnsignedInGoBaseZeroSyntax) {
  EXPECT_EQ(*parse::ParseGoBase0Uint("12\n"), 12u);
  EXPECT_EQ(*parse::ParseGoBase0Uint("0x1f\n"), 31u);
  EXPECT_EQ(*parse::ParseGoBase0Uint("0xffffffffffffffff"), ~uint64_t{0});
  EXPECT_EQ(*parse::ParseGoBase0Uint("017"), 15u);
  EXPECT_EQ(*parse::ParseGoBase0Uint("0b101"), 5u);
  EXPECT_EQ(*parse::ParseGoBase0Uint("0"), 0u);
  EXPECT_FALSE(parse::ParseGoBase0Uint("").ok());
  EXPECT_FALSE(parse::ParseGoBase0Uint("0x").ok());
  EXPECT_FALSE(parse::ParseGoBase0Uint("N/A (no PMA)\n").ok());
  EXPECT_FALSE(parse::ParseGoBase0Uint("-1").ok());
  EXPECT_FALSE(parse::ParseGoBase0Uint("09").ok());
  EXPECT_EQ(parse::FcStripPrefix("0x1000e0071bce95f2"), "1000e0071bce95f2");
  EXPECT_EQ(parse::FcStripPrefix("0x"), "0x");
}

TEST(SysfsClass, InfinibandStateAndRate) {
  auto state = parse::ParseInfinibandState("4: ACTIVE\n");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->id, 4u);
  EXPECT_EQ(state->name, "ACTIVE");
  EXPECT_FALSE(parse::ParseInfinibandState("ACTIVE\n").ok());
  EXPECT_FALSE(parse::ParseInfinibandState("x: ACTIVE\n").ok());
  EXPECT_FALSE(parse::ParseInfinibandState("4: A: B\n").ok());
  EXPECT_EQ(*parse::ParseInfinibandRate("40 Gb/sec (4X QDR)\n"), 5000000000u);
  EXPECT_EQ(*parse::ParseInfinibandRate("2.5 Gb/sec (1X SDR)\n"), 312500000u);
  EXPECT_FALSE(parse::ParseInfinibandRate("40\n").ok());
  EXPECT_FALSE(parse::ParseInfinibandRate("fast Gb/sec\n").ok());
}

// ---------------------------------------------------------------- ipvs

TEST(Ipvs, StatsFixture) {
  auto stats = parse::ParseIpvsStats(Fixture("proc/net/ip_vs_stats"));
  ASSERT_TRUE(stats.ok()) << stats.error();
  EXPECT_EQ(stats->connections, 23765872u);
  EXPECT_EQ(stats->incoming_packets, 3811989221u);
  EXPECT_EQ(stats->incoming_bytes, 89991519156915u);
  EXPECT_EQ(stats->outgoing_bytes, 0u);
  EXPECT_FALSE(parse::ParseIpvsStats("a\nb\n1 2 3 4 5").ok());  // too short
  EXPECT_FALSE(parse::ParseIpvsStats("a\nb\n1 2 3 4\n\n").ok());
  EXPECT_FALSE(parse::ParseIpvsStats("a\nb\n1 2 3 4 G\n\n").ok());
}

TEST(Ipvs, BackendsFixture) {
  auto backends = parse::ParseIpvsBackends(Fixture("proc/net/ip_vs"));
  ASSERT_TRUE(backends.ok()) << backends.error();
  ASSERT_EQ(backends->size(), 12u);
  const auto& first = (*backends)[0];
  EXPECT_EQ(first.proto, "TCP");
  EXPECT_EQ(first.local_address, "192.168.0.22");
  EXPECT_EQ(first.local_port, 3306);
  EXPECT_EQ(first.remote_address, "192.168.82.22");
  EXPECT_EQ(first.weight, 100u);
  EXPECT_EQ(first.active_connections, 248u);
  EXPECT_EQ(first.inactive_connections, 2u);
  const auto& fwm = (*backends)[8];
  EXPECT_EQ(fwm.proto, "FWM");
  EXPECT_EQ(fwm.local_mark, "10001000");
  EXPECT_EQ(fwm.local_address, "");
  EXPECT_EQ(fwm.local_port, 0);
  const auto& v6 = (*backends)[11];
  EXPECT_EQ(v6.local_address, "2620::1");
  EXPECT_EQ(v6.remote_address, "2620::3");
  EXPECT_EQ(v6.remote_port, 80);
}

TEST(Ipvs, RejectsMalformedAddresses) {
  EXPECT_FALSE(parse::ParseIpvsBackends("TCP  C0A8001:0CEA wlc\n").ok());
  EXPECT_FALSE(parse::ParseIpvsBackends("TCP  C0A8001G:0CEA wlc\n").ok());
  EXPECT_FALSE(parse::ParseIpvsBackends("TCP  C0A80016:0CEA wlc\n  -> C0A85216:0CEA Tunnel x 1 2\n").ok());
  EXPECT_TRUE(parse::ParseIpvsBackends("TCP  C0A80016:0CEA wlc\n  -> C0A85216:0CEA Tunnel\n")->empty());
}

TEST(Ipvs, FormatsAddressesAsGo) {
  const uint8_t v4[] = {10, 0, 0, 1};
  EXPECT_EQ(parse::FormatIpvsAddress(v4, 4), "10.0.0.1");
  const uint8_t mapped[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4};
  EXPECT_EQ(parse::FormatIpvsAddress(mapped, 16), "1.2.3.4");
  const uint8_t loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(parse::FormatIpvsAddress(loopback, 16), "::1");
  const uint8_t one_zero[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
  EXPECT_EQ(parse::FormatIpvsAddress(one_zero, 16), "2001:db8:0:1:1:1:1:1");  // a single zero group stays
  const uint8_t two_runs[16] = {0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(parse::FormatIpvsAddress(two_runs, 16), "2001:0:0:1::1");  // the longer run is compressed
}

// ---------------------------------------------------------------- collectors

class Part2CollectorTest : public ::testing::Test {
 protected:
  void UseTree(const std::string& tree) {
    auto& paths = MutablePaths();
    paths.procfs = FixturePath(tree) + "/proc";
    paths.sysfs = FixturePath(tree) + "/sys";
    paths.rootfs = FixturePath(tree) + "/rootfs";
    BeginScrape();
  }

  exporter::Status Run(const std::string& name, exporter::Families& out) { return test_support::RunCollector(name, out); }
  static const prometheus::MetricFamily* Find(const exporter::Families& families, const std::string& name) {
    return test_support::FindFamily(families, name);
  }
  static double Value(const exporter::Families& families, const std::string& name, const exporter::Labels& want = {}) {
    return test_support::SampleValue(families, name, want);
  }
};

TEST_F(Part2CollectorTest, NfsAndNfsdFromFixture) {
  UseTree("");
  exporter::Families out;
  ASSERT_TRUE(Run("nfs", out).ok());
  EXPECT_EQ(Value(out, "node_nfs_requests_total", {{"proto", "4"}, {"method", "Clone"}}), 174);
  EXPECT_EQ(Value(out, "node_nfs_packets_total", {{"protocol", "tcp"}}), 69);
  EXPECT_EQ(Find(out, "node_nfs_requests_total")->metric.size(), 18u + 22u + 59u);
  exporter::Families server;
  ASSERT_TRUE(Run("nfsd", server).ok());
  EXPECT_EQ(Value(server, "node_nfsd_requests_total", {{"proto", "4"}, {"method", "Verify"}}), 3);
  EXPECT_EQ(Value(server, "node_nfsd_rpc_errors_total", {{"error", "auth"}}), 2);
  EXPECT_EQ(Find(server, "node_nfsd_requests_total")->metric.size(), 17u + 21u + 33u);  // no Null procedures
  EXPECT_EQ(Find(server, "node_nfsd_server_threads")->type, prometheus::MetricType::Gauge);
}

TEST_F(Part2CollectorTest, XfsPerFilesystem) {
  UseTree("");
  exporter::Families out;
  ASSERT_TRUE(Run("xfs", out).ok());
  // sda1 and sdb1; the global sys/fs/xfs/stats/stats is not a filesystem.
  EXPECT_EQ(Find(out, "node_xfs_read_calls_total")->metric.size(), 2u);
  EXPECT_EQ(Value(out, "node_xfs_inode_operation_attribute_changes_total", {{"device", "sda1"}}), 22);
  EXPECT_EQ(Value(out, "node_xfs_read_calls_total", {{"device", "sda1"}}), 94045);
  EXPECT_EQ(Value(out, "node_xfs_write_calls_total", {{"device", "sda1"}}), 107739);
  EXPECT_EQ(Value(out, "node_xfs_inode_operation_attempts_total", {{"device", "sdb1"}}), 0);  // no ig line
}

TEST_F(Part2CollectorTest, ZfsKstatsPoolsAndDatasets) {
  UseTree("");
  exporter::Families out;
  ASSERT_TRUE(Run("zfs", out).ok());
  EXPECT_EQ(Value(out, "node_zfs_arc_hits"), 8772612);
  EXPECT_EQ(Find(out, "node_zfs_arc_hits")->type, prometheus::MetricType::Untyped);
  EXPECT_EQ(Find(out, "node_zfs_arc_hits")->help, "kstat.zfs.misc.arcstats.hits");
  EXPECT_EQ(Value(out, "node_zfs_fm_erpt_dropped"), 18);
  EXPECT_EQ(Value(out, "node_zfs_dbuf_dbuf_cache_count"), 27);
  EXPECT_EQ(Find(out, "node_zfs_arc_memory_available_bytes"), nullptr);  // int64 rows are not exported
  EXPECT_EQ(Value(out, "node_zfs_zpool_nread", {{"zpool", "pool1"}}), 1884160);
  EXPECT_EQ(Value(out, "node_zfs_zpool_dataset_nwritten", {{"zpool", "pool1"}, {"dataset", "pool1/dataset1"}}), 12302);
  EXPECT_EQ(Value(out, "node_zfs_zpool_state", {{"zpool", "poolz1"}, {"state", "degraded"}}), 1);
  EXPECT_EQ(Value(out, "node_zfs_zpool_state", {{"zpool", "poolz1"}, {"state", "online"}}), 0);
  EXPECT_EQ(Find(out, "node_zfs_zpool_state")->metric.size(), 12u);
}

TEST_F(Part2CollectorTest, BtrfsFilesystems) {
  UseTree("");
  exporter::Families out;
  ASSERT_TRUE(Run("btrfs", out).ok());
  EXPECT_EQ(Find(out, "node_btrfs_info")->metric.size(), 2u);  // not the kernel's "features"
  EXPECT_EQ(Value(out, "node_btrfs_info", {{"uuid", "0abb23a9-9aa3-4a8f-a1c7-e3b5cb3b2f8c"}, {"label", "fixture"}}), 1);
  EXPECT_DOUBLE_EQ(Value(out, "node_btrfs_allocation_ratio", {{"mode", "raid5"}}), 4.0 / 3);
  EXPECT_EQ(Value(out, "node_btrfs_device_size_bytes",
                  {{"uuid", "0abb23a9-9aa3-4a8f-a1c7-e3b5cb3b2f8c"}, {"device", "loop25"}}),
            20971520.0 * 512);
  EXPECT_EQ(Value(out, "node_btrfs_used_bytes", {{"block_group_type", "data"}, {"mode", "single"}}), 808189952);
}

TEST_F(Part2CollectorTest, BcacheWithoutPriorityStats) {
  UseTree("");
  exporter::Families out;
  ASSERT_TRUE(Run("bcache", out).ok());
  EXPECT_EQ(Value(out, "node_bcache_btree_cache_size_bytes"), 1560576);
  EXPECT_DOUBLE_EQ(Value(out, "node_bcache_btree_read_average_duration_seconds"), 1305e-9);
  // Totals of the backing device come from its own stats_total.
  EXPECT_EQ(Value(out, "node_bcache_bypassed_bytes_total", {{"backing_device", "bdev0"}}), 200);
  EXPECT_EQ(Value(out, "node_bcache_writeback_rate_proportional_term", {{"backing_device", "bdev0"}}), -437748);
  EXPECT_EQ(Value(out, "node_bcache_written_bytes_total", {{"cache_device", "cache0"}}), 4264902524928.0);
  EXPECT_EQ(Find(out, "node_bcache_priority_stats_unused_percent"), nullptr);
}

TEST_F(Part2CollectorTest, DeviceClasses) {
  UseTree("");
  exporter::Families out;
  ASSERT_TRUE(Run("nvme", out).ok());
  EXPECT_EQ(Value(out, "node_nvme_info",
                  {{"device", "nvme0"},
                   {"model", "Samsung SSD 970 PRO 512GB"},
                   {"serial", "S680HF8N190894I"},
                   {"state", "live"}}),
            1);
  out.clear();
  ASSERT_TRUE(Run("fibrechannel", out).ok());
  EXPECT_EQ(Value(out, "node_fibrechannel_info",
                  {{"fc_host", "host0"}, {"port_name", "1000e0071bce95f2"}, {"fabric_name", "0"}}),
            1);
  EXPECT_EQ(Value(out, "node_fibrechannel_fcp_packet_aborts_total"), 0x13);
  EXPECT_EQ(Find(out, "node_fibrechannel_dumped_frames_total"), nullptr);  // all ones: not implemented
  out.clear();
  ASSERT_TRUE(Run("infiniband", out).ok());
  EXPECT_EQ(Value(out, "node_infiniband_rate_bytes_per_second", {{"device", "hfi1_0"}}), 312500000);
  EXPECT_EQ(Value(out, "node_infiniband_port_data_received_bytes_total", {{"device", "mlx4_0"}, {"port", "1"}}),
            2221223609.0 * 4);
  EXPECT_EQ(Value(out, "node_infiniband_legacy_data_received_bytes_total", {{"port", "2"}}), 9841747136.0 * 4);
  EXPECT_EQ(Find(out, "node_infiniband_port_discards_received_total"), nullptr);  // absent and N/A
  out.clear();
  ASSERT_TRUE(Run("tapestats", out).ok());
  EXPECT_EQ(Find(out, "node_tape_io_now")->metric.size(), 2u);  // st0, st1; not nst0 or st0a
  EXPECT_DOUBLE_EQ(Value(out, "node_tape_write_time_seconds_total", {{"device", "st1"}}), (100 + 9 * 1000003) * 1e-9);
  out.clear();
  ASSERT_TRUE(Run("ipvs", out).ok());
  EXPECT_EQ(Value(out, "node_ipvs_connections_total"), 23765872);
  EXPECT_EQ(Value(out, "node_ipvs_backend_connections_active",
                  {{"local_address", "192.168.0.57"}, {"remote_address", "192.168.82.21"}, {"proto", "TCP"}}),
            1499);
  EXPECT_EQ(Value(out, "node_ipvs_backend_weight", {{"local_mark", "10001000"}, {"remote_address", "192.168.50.21"}}),
            10);
}

// Without their sources, collectors behave as node_exporter 1.5's do: some
// report no data (failed, logged), others succeed with nothing.
TEST_F(Part2CollectorTest, AbsentSources) {
  UseTree("broken");
  for (const char* name : {"nfs", "nfsd", "zfs", "nvme", "fibrechannel", "infiniband", "tapestats", "ipvs"}) {
    exporter::Families out;
    auto status = Run(name, out);
    EXPECT_FALSE(status.ok()) << name;
    EXPECT_EQ(status.message().rfind("no data", 0), 0u) << name << ": " << status.message();
    EXPECT_TRUE(out.empty()) << name;
  }
  for (const char* name : {"xfs", "btrfs", "bcache"}) {
    exporter::Families out;
    EXPECT_TRUE(Run(name, out).ok()) << name;
    EXPECT_TRUE(out.empty()) << name;
  }
}

}  // namespace
}  // namespace node
