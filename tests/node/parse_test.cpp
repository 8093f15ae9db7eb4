#include "parse/procfs.h"

#include <gtest/gtest.h>

#include "collector_test_support.h"

namespace node::parse {
namespace {

using test_support::Fixture;

TEST(Loadavg, Parses) {
  auto loads = ParseLoadavg("0.67 0.50 0.27 2/345 6789\n");
  ASSERT_TRUE(loads.ok());
  EXPECT_DOUBLE_EQ((*loads)[0], 0.67);
  EXPECT_DOUBLE_EQ((*loads)[1], 0.50);
  EXPECT_DOUBLE_EQ((*loads)[2], 0.27);
}

TEST(Loadavg, RejectsGarbage) {
  EXPECT_FALSE(ParseLoadavg("").ok());
  EXPECT_FALSE(ParseLoadavg("0.1 zero 0.3").ok());
  EXPECT_FALSE(ParseLoadavg("0.1 0.2").ok());
}

TEST(Meminfo, NamesAndUnits) {
  auto values = ParseMeminfo("MemTotal:       24684092 kB\nActive(anon):       4676 kB\nHugePages_Total:       0\n");
  ASSERT_TRUE(values.ok()) << values.error();
  ASSERT_EQ(values->size(), 3u);
  EXPECT_EQ((*values)[0].first, "MemTotal_bytes");
  EXPECT_DOUBLE_EQ((*values)[0].second, 24684092.0 * 1024);
  EXPECT_EQ((*values)[1].first, "Active_anon_bytes");
  EXPECT_EQ((*values)[2].first, "HugePages_Total");
  EXPECT_DOUBLE_EQ((*values)[2].second, 0);
}

TEST(Meminfo, RejectsMalformed) {
  EXPECT_FALSE(ParseMeminfo("MemTotal 12 kB\n").ok());
  EXPECT_FALSE(ParseMeminfo("MemTotal: twelve kB\n").ok());
  EXPECT_FALSE(ParseMeminfo("MemTotal: 1 kB extra\n").ok());
  EXPECT_FALSE(ParseMeminfo("").ok());
}

TEST(ProcStat, ParsesCpusAndCounters) {
  auto stat = ParseProcStat(
      "cpu  10 2 30 400 5 6 7 8 9 1\ncpu0 5 1 15 200 2 3 3 4 5 1\ncpu1 5 1 15 200 3 3 4 4 4 0\n"
      "intr 247445 0 9 0\nctxt 419631\nbtime 1795252513\nprocesses 9104\nprocs_running 4\nprocs_blocked 1\n"
      "softirq 100 1 2 3 4 5 6 7 8 9 55\n");
  ASSERT_TRUE(stat.ok()) << stat.error();
  ASSERT_EQ(stat->cpus.size(), 2u);
  EXPECT_EQ(stat->cpus[1].cpu, 1);
  EXPECT_EQ(stat->cpus[1].ticks[3], 200u);
  EXPECT_EQ(stat->cpus[0].ticks[9], 1u);
  EXPECT_EQ(*stat->intr, 247445u);
  EXPECT_EQ(*stat->ctxt, 419631u);
  EXPECT_EQ(*stat->btime, 1795252513u);
  EXPECT_EQ(*stat->processes, 9104u);
  EXPECT_EQ(*stat->procs_running, 4u);
  EXPECT_EQ(*stat->procs_blocked, 1u);
  EXPECT_EQ(stat->softirq.size(), 10u);
}

TEST(ProcStat, OldKernelsWithFewerCpuColumns) {
  auto stat = ParseProcStat("cpu0 1 2 3 4\nctxt 5\n");
  ASSERT_TRUE(stat.ok());
  EXPECT_EQ(stat->cpus[0].ticks[3], 4u);
  EXPECT_EQ(stat->cpus[0].ticks[8], 0u);
}

TEST(ProcStat, RejectsMalformed) {
  EXPECT_FALSE(ParseProcStat("cpu0 1 2 x 4\n").ok());
  EXPECT_FALSE(ParseProcStat("cpuX 1 2 3 4\n").ok());
  EXPECT_FALSE(ParseProcStat("ctxt many\n").ok());
  EXPECT_FALSE(ParseProcStat("garbage\n").ok());
}

TEST(ProcStat, ManyCpusFixture) {
  auto stat = ParseProcStat(Fixture("proc/stat"));
  ASSERT_TRUE(stat.ok()) << stat.error();
  EXPECT_GE(stat->cpus.size(), 64u);
  EXPECT_EQ(stat->cpus.back().cpu, static_cast<int>(stat->cpus.size()) - 1);
}

TEST(Diskstats, ParsesAllKernelGenerations) {
  auto disks = ParseDiskstats(
      " 254 0 vda 41797 10037 3499706 54264 25109 8201 3783904 16636 0 21240 72190 8037 49 2037960 1028 4761 261\n"
      "   8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n");
  ASSERT_TRUE(disks.ok()) << disks.error();
  ASSERT_EQ(disks->size(), 2u);
  EXPECT_EQ((*disks)[0].name, "vda");
  EXPECT_EQ((*disks)[0].major, 254u);
  EXPECT_EQ((*disks)[0].counters.size(), 17u);
  EXPECT_EQ((*disks)[0].counters[2], 3499706u);
  EXPECT_EQ((*disks)[1].counters.size(), 11u);
}

TEST(Diskstats, RejectsMalformed) {
  EXPECT_FALSE(ParseDiskstats("8 0 sda 1 2 3\n").ok());
  EXPECT_FALSE(ParseDiskstats("8 x sda 1 2 3 4 5 6 7 8 9 10 11\n").ok());
  EXPECT_FALSE(ParseDiskstats("8 0 sda 1 2 3 4 5 6 7 8 9 10 -11\n").ok());
}

TEST(Udev, Properties) {
  auto props = ParseUdevProperties("S:disk/by-id/x\nE:ID_MODEL=QEMU_HARDDISK\nE:ID_PATH=pci-0000:00:01.1\nG:systemd\n");
  ASSERT_EQ(props.size(), 2u);
  EXPECT_EQ(props[0].first, "ID_MODEL");
  EXPECT_EQ(props[1].second, "pci-0000:00:01.1");
}

TEST(NetDev, Parses) {
  auto devices = ParseNetDev(
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier "
      "compressed\n"
      "    lo:  1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0 "
      "         0\n"
      "  eth0: 78877053    1696    1    2    3     4          5         6    86568    1028    7    8    9    10      "
      "11          12\n");
  ASSERT_TRUE(devices.ok()) << devices.error();
  ASSERT_EQ(devices->size(), 2u);
  EXPECT_EQ((*devices)[1].name, "eth0");
  EXPECT_STREQ((*devices)[1].counters[13].first, "transmit_colls");
  EXPECT_EQ((*devices)[1].counters[13].second, 10u);
  EXPECT_EQ((*devices)[1].counters[0].second, 78877053u);
}

TEST(NetDev, RejectsMalformed) {
  EXPECT_FALSE(ParseNetDev("h1\nh2\n eth0 1 2 3\n").ok());
  EXPECT_FALSE(ParseNetDev("h1\nh2\n eth0: 1 2 3\n").ok());
  EXPECT_FALSE(ParseNetDev("h1\nh2\n eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 x\n").ok());
}

TEST(Netstat, PairsHeaderAndValues) {
  auto values = ParseNetstat("TcpExt: SyncookiesSent ListenDrops\nTcpExt: 1 2\nIpExt: InOctets\nIpExt: 79068923\n");
  ASSERT_TRUE(values.ok()) << values.error();
  ASSERT_EQ(values->size(), 3u);
  EXPECT_EQ((*values)[1].first, "TcpExt_ListenDrops");
  EXPECT_EQ((*values)[1].second, "2");
  EXPECT_EQ((*values)[2].first, "IpExt_InOctets");
}

TEST(Netstat, RejectsMismatch) {
  EXPECT_FALSE(ParseNetstat("Tcp: A B\nTcp: 1\n").ok());
  EXPECT_FALSE(ParseNetstat("Tcp: A B\nUdp: 1 2\n").ok());
  EXPECT_FALSE(ParseNetstat("Tcp: A B\n").ok());
}

TEST(Snmp6, SplitsAtTheSix) {
  auto values = ParseSnmp6("Ip6InReceives 12\nIcmp6InMsgs 1\nUdpLite6InErrors 0\nweird\n");
  ASSERT_TRUE(values.ok());
  ASSERT_EQ(values->size(), 3u);
  EXPECT_EQ((*values)[0].first, "Ip6_InReceives");
  EXPECT_EQ((*values)[2].first, "UdpLite6_InErrors");
}

TEST(KeyValue, Vmstat) {
  auto values = ParseKeyValueLines("nr_free_pages 100\npgfault 6601358\n");
  ASSERT_TRUE(values.ok());
  EXPECT_EQ((*values)[1].first, "pgfault");
  EXPECT_FALSE(ParseKeyValueLines("pgfault\n").ok());
  EXPECT_FALSE(ParseKeyValueLines("pgfault 1 2\n").ok());
}

TEST(FileNr, Parses) {
  auto values = ParseFileNr("1145\t0\t2466186\n");
  ASSERT_TRUE(values.ok());
  EXPECT_EQ((*values)[0], 1145u);
  EXPECT_EQ((*values)[2], 2466186u);
  EXPECT_FALSE(ParseFileNr("1145 0\n").ok());
}

TEST(Sysfs, Integers) {
  EXPECT_EQ(*ParseSingleUint("256\n"), 256u);
  EXPECT_FALSE(ParseSingleUint("-1\n").ok());
  EXPECT_FALSE(ParseSingleUint("").ok());
  EXPECT_EQ(*ParseSysfsInt("0x1003\n"), 4099);
  EXPECT_EQ(*ParseSysfsInt("-1\n"), -1);
  EXPECT_FALSE(ParseSysfsInt("up\n").ok());
}

TEST(Sockstat, Parses) {
  auto values = ParseSockstat("sockets: used 22\nTCP: inuse 5 orphan 0 tw 5 alloc 5 mem 209\nFRAG: inuse 0 memory 0\n");
  ASSERT_TRUE(values.ok()) << values.error();
  ASSERT_EQ(values->size(), 8u);
  EXPECT_EQ((*values)[0].first, "sockets_used");
  EXPECT_EQ((*values)[5].first, "TCP_mem");
  EXPECT_DOUBLE_EQ((*values)[5].second, 209);
  EXPECT_FALSE(ParseSockstat("TCP inuse 5\n").ok());
  EXPECT_FALSE(ParseSockstat("TCP: inuse\n").ok());
}

TEST(Pressure, Totals) {
  auto totals = ParsePressure(
      "some avg10=91.39 avg60=41.23 avg300=11.02 total=41909357\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=12\n");
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(*totals->some_us, 41909357u);
  EXPECT_EQ(*totals->full_us, 12u);
  auto cpu_only = ParsePressure("some avg10=0 avg60=0 avg300=0 total=5\n");
  ASSERT_TRUE(cpu_only.ok());
  EXPECT_FALSE(cpu_only->full_us.has_value());
  EXPECT_FALSE(ParsePressure("some avg10=0\n").ok());
  EXPECT_FALSE(ParsePressure("half total=1\n").ok());
  EXPECT_FALSE(ParsePressure("").ok());
}

TEST(Mountinfo, ParsesAndUnescapes) {
  auto mounts = ParseMountinfo(
      "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n"
      "28 27 0:25 / /mnt/my\\040disk ro,nosuid shared:1 master:2 - tmpfs none ro,size=4k\n");
  ASSERT_TRUE(mounts.ok()) << mounts.error();
  ASSERT_EQ(mounts->size(), 2u);
  EXPECT_EQ((*mounts)[0].mount_point, "/");
  EXPECT_EQ((*mounts)[0].fs_type, "ext4");
  EXPECT_EQ((*mounts)[0].source, "/dev/vda");
  EXPECT_FALSE((*mounts)[0].read_only);
  EXPECT_EQ((*mounts)[1].mount_point, "/mnt/my disk");
  EXPECT_EQ((*mounts)[1].fs_type, "tmpfs");
  EXPECT_TRUE((*mounts)[1].read_only);
}

TEST(Mountinfo, RejectsTruncated) {
  EXPECT_FALSE(ParseMountinfo("27 1 254:0 / / rw - ext4\n").ok());
  EXPECT_FALSE(ParseMountinfo("27 1 254:0 / / rw a b c d e\n").ok());
}

TEST(Softnet, Parses) {
  auto cpus = ParseSoftnet("00000205 00000001 00000002 0 0\n0000087f 00000000 00000000 0 0\n");
  ASSERT_TRUE(cpus.ok());
  ASSERT_EQ(cpus->size(), 2u);
  EXPECT_EQ((*cpus)[0].processed, 0x205u);
  EXPECT_EQ((*cpus)[0].time_squeezed, 2u);
  EXPECT_EQ((*cpus)[1].processed, 0x87fu);
  EXPECT_FALSE(ParseSoftnet("zz 1 2\n").ok());
  EXPECT_FALSE(ParseSoftnet("1 2\n").ok());
}

TEST(UdpQueues, SumsQueues) {
  auto queues = ParseUdpQueues(
      "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
      "  1: 00000000:0044 00000000:0000 07 00000010:00000200 00:00000000 00000000     0        0 1 2\n"
      "  2: 00000000:0045 00000000:0000 07 00000001:00000001 00:00000000 00000000     0        0 1 2\n");
  ASSERT_TRUE(queues.ok()) << queues.error();
  EXPECT_EQ(queues->tx, 0x11u);
  EXPECT_EQ(queues->rx, 0x201u);
  EXPECT_FALSE(ParseUdpQueues("header\n 1: a b 07 zz:00\n").ok());
  EXPECT_FALSE(ParseUdpQueues("").ok());
}

TEST(Arp, CountsPerDevice) {
  auto devices = ParseArp(
      "IP address       HW type     Flags       HW address            Mask     Device\n"
      "192.0.2.1        0x1         0x2         02:fc:00:00:00:05     *        eth0\n"
      "192.0.2.2        0x1         0x2         02:fc:00:00:00:06     *        eth0\n"
      "10.0.0.1         0x1         0x2         02:fc:00:00:00:07     *        eth1\n");
  ASSERT_TRUE(devices.ok());
  ASSERT_EQ(devices->size(), 2u);
  EXPECT_EQ((*devices)[0], (std::pair<std::string, uint64_t>{"eth0", 2}));
  EXPECT_EQ((*devices)[1].second, 1u);
  EXPECT_FALSE(ParseArp("header\n192.0.2.1 0x1\n").ok());
}

TEST(ConntrackStat, SumsOverCpus) {
  auto sums = ParseConntrackStat(
      "entries  found invalid\n00000005  00000001 00000010\n00000005  00000002 00000001\n");
  ASSERT_TRUE(sums.ok()) << sums.error();
  ASSERT_EQ(sums->size(), 3u);
  EXPECT_EQ((*sums)[1], (std::pair<std::string, uint64_t>{"found", 3}));
  EXPECT_EQ((*sums)[2].second, 0x11u);
  EXPECT_FALSE(ParseConntrackStat("a b\n1 2 3\n").ok());
  EXPECT_FALSE(ParseConntrackStat("a b\n1 zz\n").ok());
}

TEST(OsRelease, QuotingAndVersion) {
  auto values = ParseOsRelease("# comment\nNAME=\"Debian GNU/Linux\"\nVERSION_ID='22.04'\nID=debian\nX=\"a\\\"b\"\n");
  ASSERT_EQ(values.size(), 4u);
  EXPECT_EQ(values[0].second, "Debian GNU/Linux");
  EXPECT_EQ(values[1].second, "22.04");
  EXPECT_EQ(values[3].second, "a\"b");
  EXPECT_DOUBLE_EQ(*ParseOsVersion("22.04"), 22.04);
  EXPECT_DOUBLE_EQ(*ParseOsVersion("12"), 12);
  EXPECT_DOUBLE_EQ(*ParseOsVersion("7.9.2009"), 7.9);
  EXPECT_FALSE(ParseOsVersion("rolling").has_value());
  EXPECT_FALSE(ParseOsVersion("").has_value());
}

TEST(WordList, Clocksources) {
  auto words = ParseWordList("kvm-clock tsc acpi_pm \n");
  ASSERT_EQ(words.size(), 3u);
  EXPECT_EQ(words[2], "acpi_pm");
}

}  // namespace
}  // namespace node::parse
