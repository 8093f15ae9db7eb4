// Parsers and collectors of the off-by-default collectors (interrupts,
// meminfo_numa, ksmd, tcpstat, processes, mountstats): parsers on literal strings and
// checked-in fixtures, malformed input included; collectors against the
// fixture tree and an empty one.
#include <gtest/gtest.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "collector_test_support.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/offdefault.h"
#include "parse/procfs.h"

namespace node {
namespace {

using test_support::Fixture;
using test_support::FixturePath;

// ---------------------------------------------------------------- interrupts

TEST(Interrupts, ParsesFixture) {
  auto rows = parse::ParseInterrupts(Fixture("proc/interrupts"));
  ASSERT_TRUE(rows.ok()) << rows.error();
  // 14 numbered rows and 18 named ones; ERR and MIS carry no description and are skipped.
  EXPECT_EQ(rows->size(), 14u + 18u);
  const auto& timer = (*rows)[0];
  EXPECT_EQ(timer.type, "0");
  EXPECT_EQ(timer.info, "IO-APIC");
  EXPECT_EQ(timer.devices, "2-edge timer");
  EXPECT_EQ(timer.per_cpu, (std::vector<double>{44, 0, 0, 0}));
  bool saw_loc = false;
  for (const auto& row : *rows) {
    EXPECT_NE(row.type, "ERR");
    EXPECT_NE(row.type, "MIS");
    if (row.type == "LOC") {
      saw_loc = true;
      EXPECT_EQ(row.info, "Local timer interrupts");
      EXPECT_EQ(row.devices, "");
      EXPECT_EQ(row.per_cpu[3], 7998877);
    }
    if (row.type == "120") {
      EXPECT_EQ(row.devices, "0-edge ahci[0000:00:1f.2]");
    }
  }
  EXPECT_TRUE(saw_loc);
}

TEST(Interrupts, RepeatedNameKeepsLastRowInFirstPlace) {
  auto rows = parse::ParseInterrupts("  CPU0 CPU1\nNMI: 1 2 a\nLOC: 3 4 b\nNMI: 5 6 c d\n");
  ASSERT_TRUE(rows.ok()) << rows.error();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].type, "NMI");
  EXPECT_EQ((*rows)[0].info, "c d");
  EXPECT_EQ((*rows)[0].per_cpu, (std::vector<double>{5, 6}));
}

TEST(Interrupts, RejectsMalformed) {
  EXPECT_FALSE(parse::ParseInterrupts("").ok());                                // empty file
  EXPECT_FALSE(parse::ParseInterrupts("CPU0 CPU1\n 1: 3 x IO-APIC t\n").ok());  // count not a number
  auto header_only = parse::ParseInterrupts("CPU0\n");
  ASSERT_TRUE(header_only.ok());
  EXPECT_TRUE(header_only->empty());
  auto short_rows = parse::ParseInterrupts("CPU0 CPU1\nERR: 0\n 7: 1 2\n");  // too few fields: skipped
  ASSERT_TRUE(short_rows.ok());
  EXPECT_TRUE(short_rows->empty());
}

// ---------------------------------------------------------------- meminfo_numa

TEST(MeminfoNuma, ParsesFixture) {
  auto values = parse::ParseNodeMeminfo(Fixture("sys/devices/system/node/node1/meminfo"));
  ASSERT_TRUE(values.ok()) << values.error();
  ASSERT_FALSE(values->empty());
  EXPECT_EQ((*values)[0].name, "MemTotal");
  EXPECT_EQ((*values)[0].node, "1");
  EXPECT_EQ((*values)[0].value, 4793073.0 * 1024);
  bool saw_anon = false, saw_huge = false;
  for (const auto& value : *values) {
    saw_anon |= value.name == "Active_anon";
    if (value.name == "HugePages_Total") {
      saw_huge = true;
      EXPECT_EQ(value.value, 0);  // no unit: not scaled
    }
  }
  EXPECT_TRUE(saw_anon);
  EXPECT_TRUE(saw_huge);
}

TEST(MeminfoNuma, NamesAndUnits) {
  auto values = parse::ParseNodeMeminfo("Node 3 Inactive(file):  2 kB\n\n  Node 3 HugePages_Free:  7\n");
  ASSERT_TRUE(values.ok()) << values.error();
  ASSERT_EQ(values->size(), 2u);
  EXPECT_EQ((*values)[0].name, "Inactive_file");
  EXPECT_EQ((*values)[0].node, "3");
  EXPECT_EQ((*values)[0].value, 2048);
  EXPECT_EQ((*values)[1].name, "HugePages_Free");
  EXPECT_EQ((*values)[1].value, 7);
}

TEST(MeminfoNuma, RejectsMalformed) {
  EXPECT_FALSE(parse::ParseNodeMeminfo("Node 0 MemTotal:\n").ok());         // no value
  EXPECT_FALSE(parse::ParseNodeMeminfo("Node 0 MemTotal: x kB\n").ok());    // not a number
  EXPECT_FALSE(parse::ParseNodeMeminfo("Node 0 MemTotal: 1 MB\n").ok());    // unknown unit
  EXPECT_FALSE(parse::ParseNodeMeminfo("Node 0 MemTotal: 1 kB x\n").ok());  // extra field
  EXPECT_TRUE(parse::ParseNodeMeminfo("").ok());
}

TEST(Numastat, ParsesAndRejects) {
  auto values = parse::ParseNumastat(Fixture("sys/devices/system/node/node1/numastat"));
  ASSERT_TRUE(values.ok()) << values.error();
  ASSERT_EQ(values->size(), 6u);
  EXPECT_EQ((*values)[0], (std::pair<std::string, double>{"numa_hit", 201772345}));
  EXPECT_EQ((*values)[5], (std::pair<std::string, double>{"other_node", 6156}));
  EXPECT_FALSE(parse::ParseNumastat("numa_hit\n").ok());
  EXPECT_FALSE(parse::ParseNumastat("numa_hit 1 2\n").ok());
  EXPECT_FALSE(parse::ParseNumastat("numa_hit z\n").ok());
}

TEST(MeminfoNuma, NodeNumberFromPath) {
  std::string number;
  EXPECT_TRUE(parse::NumaNodeNumber("/x/sys/devices/system/node/node12", number));
  EXPECT_EQ(number, "12");
  EXPECT_TRUE(parse::NumaNodeNumber("/sys/devices/system/node/node3abc", number));
  EXPECT_EQ(number, "3");
  EXPECT_FALSE(parse::NumaNodeNumber("/sys/bus/node/node1", number));
}

// ---------------------------------------------------------------- ksmd and one-number files

TEST(UintFile, ParsesAndRejects) {
  EXPECT_EQ(*parse::ParseSingleUint("20\n"), 20u);
  EXPECT_EQ(*parse::ParseSingleUint("  18446744073709551615 "), 18446744073709551615u);
  EXPECT_FALSE(parse::ParseSingleUint("").ok());
  EXPECT_FALSE(parse::ParseSingleUint("-1\n").ok());
  EXPECT_FALSE(parse::ParseSingleUint("1 2\n").ok());
  EXPECT_FALSE(parse::ParseSingleUint("0x10\n").ok());
}

// ---------------------------------------------------------------- tcpstat

// Appends one netlink message of type and payload, padded as the kernel pads.
void AppendMessage(std::string& buffer, uint16_t type, const void* payload, size_t size) {
  nlmsghdr header{};
  header.nlmsg_len = static_cast<uint32_t>(NLMSG_LENGTH(size));
  header.nlmsg_type = type;
  buffer.append(reinterpret_cast<const char*>(&header), sizeof(header));
  buffer.append(static_cast<const char*>(payload), size);
  buffer.append(NLMSG_ALIGN(header.nlmsg_len) - header.nlmsg_len, '\0');
}

void AppendSocket(std::string& buffer, uint8_t state, uint32_t rqueue, uint32_t wqueue) {
  inet_diag_msg msg{};
  msg.idiag_family = AF_INET;
  msg.idiag_state = state;
  msg.idiag_rqueue = rqueue;
  msg.idiag_wqueue = wqueue;
  AppendMessage(buffer, SOCK_DIAG_BY_FAMILY, &msg, sizeof(msg));
}

TEST(Tcpstat, SumsInetDiagMessages) {
  std::string buffer;
  AppendSocket(buffer, 10, 0, 4096);  // listen: wqueue is the backlog
  AppendSocket(buffer, 1, 5, 7);
  AppendSocket(buffer, 1, 0, 0);
  AppendSocket(buffer, 6, 0, 0);
  parse::TcpStats stats;
  auto done = parse::AddInetDiagMessages(buffer, stats);
  ASSERT_TRUE(done.ok()) << done.error();
  EXPECT_FALSE(*done);  // no NLMSG_DONE yet
  int zero = 0;
  std::string last;
  AppendSocket(last, 1, 1, 1);
  AppendMessage(last, NLMSG_DONE, &zero, sizeof(zero));
  AppendSocket(last, 1, 100, 100);  // after DONE: not counted
  done = parse::AddInetDiagMessages(last, stats);
  ASSERT_TRUE(done.ok()) << done.error();
  EXPECT_TRUE(*done);
  EXPECT_EQ(stats.sockets, 5u);
  EXPECT_EQ(stats.by_state[1], 3);
  EXPECT_EQ(stats.by_state[10], 1);
  EXPECT_EQ(stats.by_state[6], 1);
  EXPECT_EQ(stats.rx_queued, 6);
  EXPECT_EQ(stats.tx_queued, 4096 + 7 + 1);
}

TEST(Tcpstat, RejectsErrorsAndTruncation) {
  parse::TcpStats stats;
  std::string error;
  nlmsgerr err{};
  err.error = -EPERM;
  AppendMessage(error, NLMSG_ERROR, &err, sizeof(err));
  auto result = parse::AddInetDiagMessages(error, stats);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find(std::strerror(EPERM)), std::string::npos) << result.error();

  std::string buffer;
  AppendSocket(buffer, 1, 0, 0);
  EXPECT_FALSE(parse::AddInetDiagMessages(std::string_view(buffer).substr(0, buffer.size() - 8), stats).ok());
  EXPECT_FALSE(parse::AddInetDiagMessages(std::string_view(buffer).substr(0, 10), stats).ok());
  std::string short_payload;
  uint32_t four = 0;
  AppendMessage(short_payload, SOCK_DIAG_BY_FAMILY, &four, sizeof(four));
  EXPECT_FALSE(parse::AddInetDiagMessages(short_payload, stats).ok());
}

TEST(Tcpstat, StateNames) {
  EXPECT_EQ(parse::TcpStateName(1), "established");
  EXPECT_EQ(parse::TcpStateName(6), "time_wait");
  EXPECT_EQ(parse::TcpStateName(10), "listen");
  EXPECT_EQ(parse::TcpStateName(11), "closing");
  EXPECT_EQ(parse::TcpStateName(12), "unknown");
  EXPECT_EQ(parse::TcpStateName(0), "unknown");
}

// ---------------------------------------------------------------- processes

TEST(Processes, ParsesStat) {
  auto stat = parse::ParseProcessState(Fixture("proc/2201/stat"));
  ASSERT_TRUE(stat.ok()) << stat.error();  // the comm holds ") " itself
  EXPECT_EQ(stat->state, "R");
  EXPECT_EQ(stat->num_threads, 2);
  auto kthread = parse::ParseProcessState(Fixture("proc/2/stat"));
  ASSERT_TRUE(kthread.ok()) << kthread.error();
  EXPECT_EQ(kthread->state, "S");
  EXPECT_EQ(kthread->num_threads, 1);
}

TEST(Processes, RejectsMalformedStat) {
  std::string good = Fixture("proc/412/stat");
  ASSERT_TRUE(parse::ParseProcessState(good).ok());
  EXPECT_FALSE(parse::ParseProcessState("412 mariadbd S 1 2 3\n").ok());    // no parentheses
  EXPECT_FALSE(parse::ParseProcessState("412 (mariadbd) S 1 2 3\n").ok());  // too short
  std::string bad = good;
  bad.replace(bad.find(") S ") + 4, 1, "x");  // ppid not a number
  EXPECT_FALSE(parse::ParseProcessState(bad).ok());
  EXPECT_TRUE(parse::IsPidName("412"));
  EXPECT_FALSE(parse::IsPidName("self"));
  EXPECT_FALSE(parse::IsPidName(""));
}

// ---------------------------------------------------------------- mountstats

TEST(Mountstats, ParsesFixture) {
  auto mounts = parse::ParseMountStats(Fixture("proc/4242/mountstats"));
  ASSERT_TRUE(mounts.ok()) << mounts.error();
  ASSERT_EQ(mounts->size(), 8u);
  EXPECT_FALSE((*mounts)[0].has_nfs_stats);
  EXPECT_EQ((*mounts)[4].fstype, "xfs");
  const auto& data = (*mounts)[3];
  ASSERT_TRUE(data.has_nfs_stats);
  EXPECT_EQ(data.device, "192.168.1.10:/srv/data");
  EXPECT_EQ(data.mount_point, "/mnt/data");
  EXPECT_EQ(data.nfs.age_seconds, 13968);
  EXPECT_EQ(data.nfs.bytes[0], 1207640230u);
  EXPECT_EQ(data.nfs.bytes[6], 295483u);
  EXPECT_EQ(data.nfs.events[6], 398u);
  EXPECT_EQ(data.nfs.transport.protocol, "tcp");
  EXPECT_EQ(data.nfs.transport.idle_time_seconds, 11u);
  EXPECT_EQ(data.nfs.transport.cumulative_pending_queue, 5726u);
  ASSERT_EQ(data.nfs.operations.size(), 9u);
  EXPECT_EQ(data.nfs.operations[1].name, "READ");
  EXPECT_EQ(data.nfs.operations[1].bytes_received, 1210292152u);
  EXPECT_EQ(data.nfs.operations[1].request_ms, 79407u);
  // UDP lacks the connect fields: zeros in their place, the rest shifted into line.
  const auto& legacy = (*mounts)[5].nfs.transport;
  EXPECT_EQ(legacy.protocol, "udp");
  EXPECT_EQ(legacy.connect, 0u);
  EXPECT_EQ(legacy.sends, 1204u);
  EXPECT_EQ(legacy.bad_transaction_ids, 1u);
  EXPECT_EQ(legacy.maximum_rpc_slots, 3301u);
}

TEST(Mountstats, Version10Transports) {
  auto mounts = parse::ParseMountStats(
      "device h:/e mounted on /m with fstype nfs statvers=1.0\n"
      "\txprt:\ttcp 1 2 3 4 5 6 7 8 9 10\n"
      "\tper-op statistics\n"
      "\t NULL: 1 2 3 4 5 6 7 8\n"
      "\n"
      "device h:/f mounted on /n with fstype nfs statvers=1.0\n"
      "\txprt:\tudp 1 2 3 4 5 6 7\n"
      "\tper-op statistics\n\n");
  ASSERT_TRUE(mounts.ok()) << mounts.error();
  ASSERT_EQ(mounts->size(), 2u);
  EXPECT_EQ((*mounts)[0].nfs.transport.cumulative_backlog, 10u);
  EXPECT_EQ((*mounts)[0].nfs.transport.maximum_rpc_slots, 0u);
  EXPECT_EQ((*mounts)[0].nfs.operations[0].request_ms, 8u);
  EXPECT_EQ((*mounts)[1].nfs.transport.sends, 3u);
  EXPECT_EQ((*mounts)[1].nfs.transport.cumulative_backlog, 7u);
}

TEST(Mountstats, RejectsMalformed) {
  const std::string head = "device h:/e mounted on /m with fstype nfs4 statvers=1.1\n";
  EXPECT_FALSE(parse::ParseMountStats("device a mounted on /\n").ok());  // short device line
  EXPECT_FALSE(parse::ParseMountStats("device a mounted on / with fstype ext4 statvers=1.1\n").ok());  // not NFS
  EXPECT_FALSE(parse::ParseMountStats(head + "\tage:\n").ok());
  EXPECT_FALSE(parse::ParseMountStats(head + "\tage:\tx\n").ok());
  EXPECT_FALSE(parse::ParseMountStats(head + "\tbytes:\t1 2 3 4 5 6 7\n").ok());
  EXPECT_FALSE(parse::ParseMountStats(head + "\tevents:\t1 2 3\n").ok());
  EXPECT_FALSE(parse::ParseMountStats(head + "\txprt:\ttcp 1 2 3\n").ok());  // wrong length
  EXPECT_FALSE(parse::ParseMountStats(head + "\txprt:\trdma 1 2 3 4 5 6 7 8 9 10 11 12 13\n").ok());
  EXPECT_FALSE(parse::ParseMountStats(head + "\txprt:\ttcp 1 2 3 4 5 6 7 8 9 10 11 12 x\n").ok());
  EXPECT_FALSE(parse::ParseMountStats(head + "\tper-op statistics\n\tNULL: 1 2 3\n").ok());
  // Statistics without the per-op section run into the next entry, as procfs reads them.
  EXPECT_FALSE(parse::ParseMountStats(head + "\tage:\t1\n\ndevice a mounted on / with fstype ext4\n").ok());
  EXPECT_FALSE(parse::ParseMountStats("device h:/e mounted on /m with fstype nfs statvers=2.0\n\txprt:\ttcp 1\n").ok());
  auto plain = parse::ParseMountStats("device a mounted on / with fstype ext4\nnoise\n");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->size(), 1u);
}

TEST(Mountstats, MountInfoAddresses) {
  auto addresses = parse::ParseMountInfoAddresses(Fixture("proc/4242/mountinfo"));
  ASSERT_TRUE(addresses.ok()) << addresses.error();
  EXPECT_EQ(*addresses, (std::vector<std::string>{"", "", "", "192.168.1.10", "10.0.0.5", "192.168.1.10"}));
  auto odd = parse::ParseMountInfoAddresses("1 2 0:1 / /m rw a:1 b:2 - nfs s ro,addr=x=y,addr\n");
  ASSERT_TRUE(odd.ok()) << odd.error();
  EXPECT_EQ(*odd, std::vector<std::string>{""});  // the last addr (no value) wins
  EXPECT_FALSE(parse::ParseMountInfoAddresses("1 2 3\n").ok());
  EXPECT_FALSE(parse::ParseMountInfoAddresses("1 2 0:1 / /m rw x - nfs s ro extra\n").ok());  // no separator
  EXPECT_FALSE(parse::ParseMountInfoAddresses("a 2 0:1 / /m rw - nfs s ro\n").ok());
}

// ---------------------------------------------------------------- collectors on the fixture tree

class Part3CollectorTest : public ::testing::Test {
 protected:
  void SetUp() override { saved_ = MutablePaths(); }
  void TearDown() override { MutablePaths() = saved_; }

  void UseRoot(const std::string& root) {
    auto& paths = MutablePaths();
    paths.procfs = root + "/proc";
    paths.sysfs = root + "/sys";
    paths.rootfs = root + "/rootfs";
    BeginScrape();
  }
  void UseFixtures() { UseRoot(FixturePath("").substr(0, FixturePath("").size() - 1)); }
  // An empty procfs and sysfs, removed at the end of the test.
  void UseEmptyRoot() {
    char templ[] = "/tmp/part3_test.XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    empty_ = templ;
    std::filesystem::create_directories(empty_ + "/proc");
    std::filesystem::create_directories(empty_ + "/sys");
    UseRoot(empty_);
  }
  ~Part3CollectorTest() override {
    if (!empty_.empty()) std::filesystem::remove_all(empty_);
  }

  static double Value(const exporter::Families& out, const std::string& name, const exporter::Labels& labels = {}) {
    return test_support::SampleValue(out, name, labels);
  }

  Paths saved_;
  std::string empty_;
};

TEST_F(Part3CollectorTest, Interrupts) {
  UseFixtures();
  exporter::Families out;
  ASSERT_TRUE(test_support::RunCollector("interrupts", out).ok());
  const auto* family = test_support::FindFamily(out, "node_interrupts_total");
  ASSERT_NE(family, nullptr);
  EXPECT_EQ(family->type, prometheus::MetricType::Counter);
  EXPECT_EQ(family->metric.size(), 32u * 4);  // zeros included
  EXPECT_EQ(Value(out, "node_interrupts_total",
                  {{"cpu", "3"}, {"type", "42"}, {"info", "PCI-MSIX-0000:00:04.0"}, {"devices", "2-edge virtio3-tx"}}),
            918273);
  EXPECT_EQ(Value(out, "node_interrupts_total",
                  {{"cpu", "1"}, {"type", "LOC"}, {"info", "Local timer interrupts"}, {"devices", ""}}),
            8948569);
}

TEST_F(Part3CollectorTest, MeminfoNuma) {
  UseFixtures();
  exporter::Families out;
  ASSERT_TRUE(test_support::RunCollector("meminfo_numa", out).ok());
  EXPECT_EQ(Value(out, "node_memory_numa_MemTotal", {{"node", "1"}}), 4793073.0 * 1024);
  EXPECT_EQ(Value(out, "node_memory_numa_numa_miss_total", {{"node", "1"}}), 3812);
  const auto* hits = test_support::FindFamily(out, "node_memory_numa_numa_hit_total");
  ASSERT_NE(hits, nullptr);
  EXPECT_EQ(hits->type, prometheus::MetricType::Counter);
  EXPECT_EQ(hits->metric.size(), 2u);
  EXPECT_EQ(test_support::FindFamily(out, "node_memory_numa_Active_anon")->type, prometheus::MetricType::Gauge);
}

TEST_F(Part3CollectorTest, Ksmd) {
  UseFixtures();
  exporter::Families out;
  ASSERT_TRUE(test_support::RunCollector("ksmd", out).ok());
  EXPECT_EQ(out.size(), 9u);
  EXPECT_EQ(Value(out, "node_ksmd_full_scans_total"), 12);
  EXPECT_EQ(test_support::FindFamily(out, "node_ksmd_full_scans_total")->type, prometheus::MetricType::Counter);
  EXPECT_EQ(Value(out, "node_ksmd_sleep_seconds"), 0.02);
  EXPECT_EQ(Value(out, "node_ksmd_pages_sharing"), 8734);
}

TEST_F(Part3CollectorTest, Processes) {
  UseFixtures();
  exporter::Families out;
  auto status = test_support::RunCollector("processes", out);
  ASSERT_TRUE(status.ok()) << status.message();
  // pid 1 2 15 412 1087 2201; 2300 has no stat (vanished) and is skipped.
  EXPECT_EQ(Value(out, "node_processes_pids"), 6);
  EXPECT_EQ(Value(out, "node_processes_threads"), 1 + 1 + 1 + 4 + 1 + 2);
  EXPECT_EQ(Value(out, "node_processes_state", {{"state", "S"}}), 3);
  EXPECT_EQ(Value(out, "node_processes_state", {{"state", "Z"}}), 1);
  EXPECT_EQ(Value(out, "node_processes_threads_state", {{"thread_state", "S"}}), 5);
  EXPECT_EQ(Value(out, "node_processes_threads_state", {{"thread_state", "D"}}), 1);
  EXPECT_EQ(Value(out, "node_processes_threads_state", {{"thread_state", "R"}}), 2);
  EXPECT_EQ(Value(out, "node_processes_max_threads"), 192730);
  EXPECT_EQ(Value(out, "node_processes_max_processes"), 4194304);
}

TEST_F(Part3CollectorTest, Mountstats) {
  UseFixtures();
  exporter::Families out;
  auto status = test_support::RunCollector("mountstats", out);
  ASSERT_TRUE(status.ok()) << status.message();
  const auto* age = test_support::FindFamily(out, "node_mountstats_nfs_age_seconds_total");
  ASSERT_NE(age, nullptr);
  EXPECT_EQ(age->metric.size(), 3u);  // the fourth NFS mount repeats the third's identity
  EXPECT_EQ(Value(out, "node_mountstats_nfs_age_seconds_total",
                  {{"export", "192.168.1.10:/srv/data"}, {"mountaddr", ""}, {"protocol", "tcp"}}),
            13960);
  EXPECT_EQ(Value(out, "node_mountstats_nfs_operations_queue_time_seconds_total",
                  {{"export", "10.0.0.5:/export/legacy"}, {"operation", "LOOKUP"}}),
            0.003);
  EXPECT_EQ(Value(out, "node_mountstats_nfs_event_vfs_file_release_total", {{"export", "10.0.0.5:/export/legacy"}}),
            75);
  EXPECT_EQ(test_support::FindFamily(out, "node_mountstats_nfs_event_congestion_wait_total"), nullptr);
  EXPECT_EQ(test_support::FindFamily(out, "node_mountstats_nfs_transport_idle_time_seconds")->type,
            prometheus::MetricType::Gauge);
}

TEST_F(Part3CollectorTest, MissingSourcesAsTheReference) {
  UseEmptyRoot();
  exporter::Families out;
  EXPECT_FALSE(test_support::RunCollector("interrupts", out).ok());
  EXPECT_FALSE(test_support::RunCollector("ksmd", out).ok());
  EXPECT_FALSE(test_support::RunCollector("mountstats", out).ok());  // the reference does not even start
  EXPECT_TRUE(out.empty());
  // No NUMA nodes: nothing to report, and no failure.
  EXPECT_TRUE(test_support::RunCollector("meminfo_numa", out).ok());
  EXPECT_TRUE(out.empty());
  // No processes: threads (0) is reported before the missing threads-max fails the collector.
  EXPECT_FALSE(test_support::RunCollector("processes", out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(Value(out, "node_processes_threads"), 0);
}

TEST_F(Part3CollectorTest, TcpstatReadsTheLiveKernel) {
  // The counts come from netlink, not from the fixture's /proc; a listening socket of our own is among them.
  UseFixtures();
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(fd, 7), 0);
  exporter::Families out;
  auto status = test_support::RunCollector("tcpstat", out);
  ::close(fd);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_GE(Value(out, "node_tcp_connection_states", {{"state", "listen"}}), 1);
  EXPECT_GE(Value(out, "node_tcp_connection_states", {{"state", "tx_queued_bytes"}}), 7);  // our backlog
  EXPECT_FALSE(std::isnan(Value(out, "node_tcp_connection_states", {{"state", "rx_queued_bytes"}})));
}

}  // namespace
}  // namespace node
