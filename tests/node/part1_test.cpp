// The hardware collectors (hwmon, thermal_zone, cpufreq, powersupplyclass,
// rapl, schedstat, edac, bonding, mdadm): their parsers on literal strings,
// and the collectors on the checked-in fixture tree.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "collector_test_support.h"
#include "node_context.h"
#include "parse/part1_sysfs.h"

namespace node {
namespace {

using parse::ExplodeHwmonSensorFile;

using test_support::Fixture;
using test_support::FixtureRoot;

// --- hwmon parsers ---------------------------------------------------------

TEST(HwmonNames, CleanLikeNodeExporter) {
  EXPECT_EQ(parse::CleanHwmonName("coretemp\n"), "coretemp");
  EXPECT_EQ(parse::CleanHwmonName("Package id 0"), "package_id_0");
  EXPECT_EQ(parse::CleanHwmonName("__nct6775.656__"), "nct6775_656");
  EXPECT_EQ(parse::CleanHwmonName("LNXTHERM:00"), "lnxtherm:00");
  EXPECT_EQ(parse::CleanHwmonName("temp\xc2\xb0"), "temp");  // one "_" per UTF-8 character, then trimmed
  EXPECT_EQ(parse::CleanHwmonName("a\xc2\xb0z"), "a_z");
  EXPECT_EQ(parse::CleanHwmonName("..."), "");
}

TEST(HwmonNames, ChipFromDevicePath) {
  EXPECT_EQ(parse::HwmonChipFromDevicePath("/sys/devices/platform/coretemp.0"), "platform_coretemp_0");
  EXPECT_EQ(parse::HwmonChipFromDevicePath("/sys/devices/pci0000:00/0000:00:18.4"), "pci0000:00_0000:00:18_4");
  EXPECT_EQ(parse::HwmonChipFromDevicePath("/coretemp.0"), "coretemp_0");
  EXPECT_EQ(parse::HwmonChipFromDevicePath("/sys/..."), "");  // no usable device name: not the bus alone
}

TEST(HwmonFiles, Explode) {
  auto f = ExplodeHwmonSensorFile("temp1_crit_alarm");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, "temp");
  EXPECT_EQ(f->id, 1);
  EXPECT_EQ(f->property, "crit_alarm");
  f = ExplodeHwmonSensorFile("update_interval");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, "update_interval");
  EXPECT_EQ(f->id, 0);
  EXPECT_EQ(f->property, "");
  f = ExplodeHwmonSensorFile("pwm1_auto_point1_pwm");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, "pwm");
  EXPECT_EQ(f->property, "auto_point1_pwm");
  f = ExplodeHwmonSensorFile("in10");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->id, 10);
  EXPECT_EQ(f->property, "");
  // The regexp backtracks to a shorter type before a "_".
  f = ExplodeHwmonSensorFile("foo_bar1x");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, "foo");
  EXPECT_EQ(f->property, "bar1x");
  EXPECT_FALSE(ExplodeHwmonSensorFile("temp1input"));
  EXPECT_FALSE(ExplodeHwmonSensorFile("temp1_"));
  EXPECT_FALSE(ExplodeHwmonSensorFile("1temp"));
  EXPECT_FALSE(ExplodeHwmonSensorFile(""));
  EXPECT_FALSE(ExplodeHwmonSensorFile("temp99999999999_input"));  // id overflows
  EXPECT_TRUE(parse::IsHwmonSensorType("intrusion"));
  EXPECT_FALSE(parse::IsHwmonSensorType("name"));
}

TEST(HwmonSamples, NamesUnitsAndScales) {
  auto s = parse::HwmonElementSample("temp", "input", "55000", false);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->name, "node_hwmon_temp_celsius");
  EXPECT_DOUBLE_EQ(s->value, 55);
  EXPECT_EQ(s->help, "Hardware monitor for temperature (input)");
  s = parse::HwmonElementSample("temp", "input", "55000", true);  // a bare temp1 exists too
  EXPECT_EQ(s->name, "node_hwmon_temp_input_celsius");
  s = parse::HwmonElementSample("temp", "crit_alarm", "0", false);
  EXPECT_EQ(s->name, "node_hwmon_temp_crit_alarm_celsius");
  s = parse::HwmonElementSample("temp", "type", "3", false);
  EXPECT_EQ(s->name, "node_hwmon_temp_type");
  EXPECT_DOUBLE_EQ(s->value, 3);
  s = parse::HwmonElementSample("in", "min", "1744", false);
  EXPECT_EQ(s->name, "node_hwmon_in_min_volts");
  EXPECT_DOUBLE_EQ(s->value, 1.744);
  s = parse::HwmonElementSample("fan", "alarm", "1", false);
  EXPECT_EQ(s->name, "node_hwmon_fan_alarm");
  EXPECT_EQ(s->help, "Hardware sensor alarm status (fan)");
  s = parse::HwmonElementSample("fan", "beep", "0", false);
  EXPECT_EQ(s->name, "node_hwmon_fan_beep_enabled");
  s = parse::HwmonElementSample("fan", "target", "1100", false);
  EXPECT_EQ(s->name, "node_hwmon_fan_target_rpm");
  s = parse::HwmonElementSample("fan", "div", "8", false);
  EXPECT_EQ(s->name, "node_hwmon_fan_div");
  EXPECT_EQ(s->help, "Hardware monitor fan element div");
  s = parse::HwmonElementSample("energy", "input", "123456789000", false);
  EXPECT_EQ(s->name, "node_hwmon_energy_joule_total");
  EXPECT_TRUE(s->counter);
  EXPECT_DOUBLE_EQ(s->value, 123456.789);
  s = parse::HwmonElementSample("power", "accuracy", "950000", false);
  EXPECT_EQ(s->name, "node_hwmon_power_accuracy");
  EXPECT_DOUBLE_EQ(s->value, 0.95);
  s = parse::HwmonElementSample("power", "average_interval", "10000", false);
  EXPECT_EQ(s->name, "node_hwmon_power_average_interval_seconds");
  EXPECT_DOUBLE_EQ(s->value, 10);
  s = parse::HwmonElementSample("power", "average", "13980000", false);
  EXPECT_EQ(s->name, "node_hwmon_power_average_watt");
  s = parse::HwmonElementSample("curr", "input", "1250", false);
  EXPECT_EQ(s->name, "node_hwmon_curr_amps");
  EXPECT_DOUBLE_EQ(s->value, 1.25);
  s = parse::HwmonElementSample("humidity", "input", "45500", false);
  EXPECT_EQ(s->name, "node_hwmon_humidity");
  EXPECT_DOUBLE_EQ(s->value, 0.0455);
  s = parse::HwmonElementSample("pwm", "", "153", false);
  EXPECT_EQ(s->name, "node_hwmon_pwm");
  EXPECT_EQ(s->help, "Hardware monitor pwm element ");
  s = parse::HwmonElementSample("pwm", "Weird-Prop", "1", false);
  EXPECT_EQ(s->name, "node_hwmon_pwm_weird_prop");
}

TEST(HwmonSamples, SkipsLabelsSpecialTypesAndNonNumbers) {
  EXPECT_FALSE(parse::HwmonElementSample("temp", "label", "Core 0", false));
  EXPECT_FALSE(parse::HwmonElementSample("temp", "input", "N/A", false));
  EXPECT_FALSE(parse::HwmonElementSample("temp", "input", "", false));
  EXPECT_FALSE(parse::HwmonElementSample("vrm", "", "100", false));
  auto s = parse::HwmonSpecialSample("beep_enable", std::string("1"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->name, "node_hwmon_beep_enabled");
  EXPECT_DOUBLE_EQ(s->value, 1);
  EXPECT_DOUBLE_EQ(parse::HwmonSpecialSample("beep_enable", std::string("yes"))->value, 0);
  EXPECT_DOUBLE_EQ(parse::HwmonSpecialSample("beep_enable", std::nullopt)->value, 0);
  s = parse::HwmonSpecialSample("update_interval", std::string("1000"));
  EXPECT_EQ(s->name, "node_hwmon_update_interval_seconds");
  EXPECT_DOUBLE_EQ(s->value, 1);
  EXPECT_EQ(parse::HwmonSpecialSample("vrm", std::string("9.1"))->name, "node_hwmon_voltage_regulator_version");
  EXPECT_FALSE(parse::HwmonSpecialSample("vrm", std::string("x")));
  EXPECT_FALSE(parse::HwmonSpecialSample("vrm", std::nullopt));
  EXPECT_FALSE(parse::HwmonSpecialSample("temp", std::string("1")));
}

// --- generic values ----------------------------------------------------------

TEST(SysfsValues, GoInt64WithBasePrefixes) {
  EXPECT_EQ(*parse::ParseGoInt64("81\n"), 81);
  EXPECT_EQ(*parse::ParseGoInt64("-100"), -100);
  EXPECT_EQ(*parse::ParseGoInt64("+7"), 7);
  EXPECT_EQ(*parse::ParseGoInt64("0x1A"), 26);
  EXPECT_EQ(*parse::ParseGoInt64("017"), 15);
  EXPECT_EQ(*parse::ParseGoInt64("0b101"), 5);
  EXPECT_EQ(*parse::ParseGoInt64("0"), 0);
  EXPECT_EQ(*parse::ParseGoInt64("-9223372036854775808"), INT64_MIN);
  EXPECT_FALSE(parse::ParseGoInt64("9223372036854775808").ok());
  EXPECT_FALSE(parse::ParseGoInt64("").ok());
  EXPECT_FALSE(parse::ParseGoInt64("0x").ok());
  EXPECT_FALSE(parse::ParseGoInt64("089").ok());
  EXPECT_FALSE(parse::ParseGoInt64("12 kB").ok());
  EXPECT_FALSE(parse::ParseGoInt64("Unknown").ok());
}

TEST(SysfsValues, DecimalIntegers) {
  EXPECT_EQ(*parse::ParseDecimalUint(" 3600000\n"), 3600000u);
  EXPECT_FALSE(parse::ParseDecimalUint("-1").ok());
  EXPECT_FALSE(parse::ParseDecimalUint("0x10").ok());
  EXPECT_FALSE(parse::ParseDecimalUint("<unknown>").ok());
  EXPECT_EQ(*parse::ParseDecimalInt("-1\n"), -1);
  EXPECT_EQ(*parse::ParseDecimalInt("+5"), 5);
  EXPECT_FALSE(parse::ParseDecimalInt("+-5").ok());
  EXPECT_FALSE(parse::ParseDecimalInt("").ok());
  EXPECT_FALSE(parse::ParseDecimalInt("27.8").ok());
}

TEST(PowerSupply, AttributeTable) {
  auto* a = parse::FindPowerSupplyAttribute("energy_now");
  ASSERT_NE(a, nullptr);
  EXPECT_STREQ(a->metric, "energy_watthour");
  EXPECT_DOUBLE_EQ(a->divisor, 1e6);
  EXPECT_STREQ(parse::FindPowerSupplyAttribute("cycle_count")->metric, "cyclecount");
  EXPECT_DOUBLE_EQ(parse::FindPowerSupplyAttribute("temp_min")->divisor, 10);
  EXPECT_EQ(parse::FindPowerSupplyAttribute("status")->metric, nullptr);
  EXPECT_STREQ(parse::FindPowerSupplyAttribute("power_avg")->metric, "");
  EXPECT_EQ(parse::FindPowerSupplyAttribute("uevent"), nullptr);
  EXPECT_EQ(parse::FindPowerSupplyAttribute("alarm"), nullptr);
}

TEST(Rapl, ZoneNames) {
  auto name = parse::ParseRaplName("package-0\n");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->name, "package");
  EXPECT_EQ(name->index, 0);
  name = parse::ParseRaplName("dram\n");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->name, "dram");
  EXPECT_FALSE(name->index);
  name = parse::ParseRaplName("a-b-c");  // not two parts: the whole name, counted
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->name, "a-b-c");
  EXPECT_FALSE(parse::ParseRaplName("package-x").ok());
  EXPECT_FALSE(parse::ParseRaplName("package-").ok());
}

// --- schedstat -----------------------------------------------------------------

TEST(Schedstat, CpuLines) {
  auto cpus = parse::ParseSchedstat(Fixture("proc/schedstat"));
  ASSERT_EQ(cpus.size(), 2u);
  EXPECT_EQ(cpus[0].cpu, "0");
  EXPECT_EQ(cpus[0].running_ns, 2045936778163039u);
  EXPECT_EQ(cpus[0].waiting_ns, 343796328169361u);
  EXPECT_EQ(cpus[1].timeslices, 5145567945u);
}

TEST(Schedstat, SkipsWhatDoesNotMatch) {
  EXPECT_TRUE(parse::ParseSchedstat("").empty());
  EXPECT_TRUE(parse::ParseSchedstat("version 15\ncpu0 1 2 3\n").empty());                     // too few numbers
  EXPECT_TRUE(parse::ParseSchedstat("cpu0 1 2 3 4 5 6 x 8 9\n").empty());                     // not a number
  EXPECT_TRUE(parse::ParseSchedstat("cpu0 1  2 3 4 5 6 7 8 9\n").empty());                    // two blanks
  EXPECT_TRUE(parse::ParseSchedstat("cpu0 0 0 0 0 0 0 99999999999999999999 1 1\n").empty());  // overflow
  auto cpus = parse::ParseSchedstat("xcpu7 1 2 3 4 5 6 7 8 9 10 11\n");  // unanchored, extra fields ignored
  ASSERT_EQ(cpus.size(), 1u);
  EXPECT_EQ(cpus[0].cpu, "7");
  EXPECT_EQ(cpus[0].running_ns, 7u);
  EXPECT_EQ(cpus[0].timeslices, 9u);
}

// --- mdstat --------------------------------------------------------------------

const parse::MdStat* FindMd(const std::vector<parse::MdStat>& devices, const std::string& name) {
  for (const auto& md : devices) {
    if (md.name == name) return &md;
  }
  return nullptr;
}

TEST(Mdstat, FixtureDevices) {
  auto devices = parse::ParseMdstat(Fixture("proc/mdstat"));
  ASSERT_TRUE(devices.ok()) << devices.error();
  ASSERT_EQ(devices->size(), 17u);
  auto* md3 = FindMd(*devices, "md3");
  ASSERT_NE(md3, nullptr);
  EXPECT_EQ(md3->state, "active");
  EXPECT_EQ(md3->disks_active, 8);
  EXPECT_EQ(md3->disks_total, 8);
  EXPECT_EQ(md3->disks_spare, 2);
  EXPECT_EQ(md3->blocks_total, 5853468288);
  EXPECT_EQ(md3->blocks_synced, 5853468288);
  auto* md6 = FindMd(*devices, "md6");
  EXPECT_EQ(md6->state, "recovering");
  EXPECT_EQ(md6->disks_active, 1);
  EXPECT_EQ(md6->disks_total, 2);
  EXPECT_EQ(md6->disks_failed, 1);
  EXPECT_EQ(md6->blocks_synced, 16775552);
  EXPECT_EQ(FindMd(*devices, "md8")->state, "resyncing");
  EXPECT_EQ(FindMd(*devices, "md9")->blocks_synced, 0);     // resync=DELAYED
  EXPECT_EQ(FindMd(*devices, "md11")->state, "resyncing");  // resync=PENDING
  EXPECT_EQ(FindMd(*devices, "md201")->state, "checking");
  EXPECT_EQ(FindMd(*devices, "md201")->blocks_synced, 114176);
  auto* md7 = FindMd(*devices, "md7");  // a bitmap line before the (absent) sync line
  EXPECT_EQ(md7->state, "active");
  EXPECT_EQ(md7->disks_active, 3);
  EXPECT_EQ(md7->blocks_synced, 7813735424);
  auto* md4 = FindMd(*devices, "md4");
  EXPECT_EQ(md4->state, "inactive");
  EXPECT_EQ(md4->disks_total, 0);
  EXPECT_EQ(md4->disks_spare, 1);
  auto* md101 = FindMd(*devices, "md101");  // raid0: disks counted on the device line
  EXPECT_EQ(md101->state, "active");
  EXPECT_EQ(md101->disks_active, 3);
  EXPECT_EQ(FindMd(*devices, "md120")->disks_total, 2);  // linear
}

TEST(Mdstat, EmptyAndMalformed) {
  auto none = parse::ParseMdstat("Personalities : \nunused devices: <none>\n");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  // Too few fields on the device line.
  EXPECT_FALSE(parse::ParseMdstat("md0 :\n  1 blocks [1/1] [U]\n\n\n").ok());
  // Too few lines after the device line.
  EXPECT_FALSE(parse::ParseMdstat("md0 : active raid1 sda[0]\n      100 blocks [1/1] [U]\n").ok());
  // A status line without a size, or without [n/m] [U_].
  EXPECT_FALSE(parse::ParseMdstat("md0 : active raid1 sda[0]\nbogus\n\n\n").ok());
  EXPECT_FALSE(parse::ParseMdstat("md0 : active raid1 sda[0]\n      100 blocks super 1.2\n\n\n").ok());
  // A recovery line without its (synced/total), percentage, finish time or speed.
  const std::string head = "md0 : active raid1 sda[0] sdb[1]\n      100 blocks [2/1] [U_]\n";
  EXPECT_FALSE(parse::ParseMdstat(head + "      recovery = 5.0% finish=1.0min speed=100K/sec\n\n").ok());
  EXPECT_FALSE(parse::ParseMdstat(head + "      recovery (5/100) finish=1.0min speed=100K/sec\n\n").ok());
  EXPECT_FALSE(parse::ParseMdstat(head + "      recovery = 5.0% (5/100) speed=100K/sec\n\n").ok());
  EXPECT_FALSE(parse::ParseMdstat(head + "      recovery = 5.0% (5/100) finish=1.0min speed=fast\n\n").ok());
  auto ok = parse::ParseMdstat(head + "      [>....]  recovery = 5.0% (5/100) finish=1.0min speed=100K/sec\n\n");
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_EQ((*ok)[0].blocks_synced, 5);
}

// --- collectors on the fixture tree ----------------------------------------------

class Part1CollectorTest : public ::testing::Test {
 protected:
  void SetUp() override { UseRoot(FixtureRoot()); }
  void TearDown() override { UseRoot(FixtureRoot()); }

  static void UseRoot(const std::string& root) {
    auto& paths = MutablePaths();
    paths.procfs = root + "/proc";
    paths.sysfs = root + "/sys";
    paths.rootfs = root + "/rootfs";
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

TEST_F(Part1CollectorTest, Hwmon) {
  exporter::Families out;
  ASSERT_TRUE(Run("hwmon", out).ok());
  EXPECT_DOUBLE_EQ(Value(out, "node_hwmon_temp_celsius", {{"chip", "platform_coretemp_0"}, {"sensor", "temp1"}}), 55);
  EXPECT_DOUBLE_EQ(Value(out, "node_hwmon_temp_celsius", {{"chip", "lnxsybus:01_lnxtherm:00"}}), 27.8);
  EXPECT_DOUBLE_EQ(Value(out, "node_hwmon_temp_celsius", {{"chip", "hwmon4"}}), 38.5);  // neither device nor name
  EXPECT_DOUBLE_EQ(Value(out, "node_hwmon_chip_names", {{"chip", "platform_nct6775_656"}, {"chip_name", "nct6779"}}),
                   1);
  EXPECT_DOUBLE_EQ(Value(out, "node_hwmon_sensor_label",
                         {{"chip", "platform_coretemp_0"}, {"sensor", "temp1"}, {"label", "Package id 0"}}),
                   1);
  EXPECT_DOUBLE_EQ(Value(out, "node_hwmon_update_interval_seconds", {{"sensor", "update_interval0"}}), 1);
  EXPECT_DOUBLE_EQ(Value(out, "node_hwmon_beep_enabled", {{"sensor", "beep_enable0"}}), 0);
  EXPECT_EQ(Find(out, "node_hwmon_energy_joule_total")->type, prometheus::MetricType::Counter);
  // No chip_names for the chip without a name file; 4 chips with one.
  EXPECT_EQ(Find(out, "node_hwmon_chip_names")->metric.size(), 4u);
}

TEST_F(Part1CollectorTest, ThermalZone) {
  exporter::Families out;
  ASSERT_TRUE(Run("thermal_zone", out).ok());
  EXPECT_DOUBLE_EQ(Value(out, "node_thermal_zone_temp", {{"zone", "1"}, {"type", "x86_pkg_temp"}}), 55);
  EXPECT_DOUBLE_EQ(Value(out, "node_cooling_device_cur_state", {{"name", "1"}, {"type", "intel_powerclamp"}}), -1);
  EXPECT_DOUBLE_EQ(Value(out, "node_cooling_device_max_state", {{"name", "0"}}), 3);
}

TEST_F(Part1CollectorTest, Cpufreq) {
  exporter::Families out;
  ASSERT_TRUE(Run("cpufreq", out).ok());
  EXPECT_DOUBLE_EQ(Value(out, "node_cpu_scaling_frequency_hertz", {{"cpu", "1"}}), 1800332000);
  EXPECT_DOUBLE_EQ(Value(out, "node_cpu_frequency_max_hertz", {{"cpu", "0"}}), 3.6e9);
  // cpuinfo_cur_freq only for cpu0; cpu2 has no cpufreq directory.
  EXPECT_EQ(Find(out, "node_cpu_frequency_hertz")->metric.size(), 1u);
  EXPECT_EQ(Find(out, "node_cpu_scaling_frequency_min_hertz")->metric.size(), 2u);
}

TEST_F(Part1CollectorTest, PowerSupplyClass) {
  exporter::Families out;
  ASSERT_TRUE(Run("powersupplyclass", out).ok());
  EXPECT_DOUBLE_EQ(Value(out, "node_power_supply_energy_watthour", {{"power_supply", "BAT0"}}), 36.58);
  EXPECT_DOUBLE_EQ(Value(out, "node_power_supply_temp_min_celsius", {{"power_supply", "ucsi-source-psy-USBC000:001"}}),
                   -10);
  EXPECT_DOUBLE_EQ(Value(out, "node_power_supply_info", {{"power_supply", "AC"}, {"type", "Mains"}}), 1);
  const auto* info = Find(out, "node_power_supply_info");
  for (const auto& metric : info->metric) {
    for (const auto& label : metric.label) EXPECT_NE(label.name, "uevent");
  }
  EXPECT_EQ(Find(out, "node_power_supply_alarm"), nullptr);  // not a node_exporter attribute
}

TEST_F(Part1CollectorTest, Rapl) {
  exporter::Families out;
  ASSERT_TRUE(Run("rapl", out).ok());
  std::string base = FixtureRoot() + "/sys/class/powercap/";
  EXPECT_DOUBLE_EQ(Value(out, "node_rapl_package_joules_total", {{"index", "0"}, {"path", base + "intel-rapl:0"}}),
                   35287.443541);
  EXPECT_DOUBLE_EQ(Value(out, "node_rapl_dram_joules_total", {{"index", "0"}}), 5093.518925);
  EXPECT_EQ(Find(out, "node_rapl_package_joules_total")->metric.size(), 2u);  // intel-rapl and intel-rapl-mmio
  EXPECT_EQ(Find(out, "node_rapl_joules_total"), nullptr);
}

TEST_F(Part1CollectorTest, SchedstatEdacMdadm) {
  exporter::Families out;
  ASSERT_TRUE(Run("schedstat", out).ok());
  EXPECT_DOUBLE_EQ(Value(out, "node_schedstat_timeslices_total", {{"cpu", "0"}}), 4767485306);
  ASSERT_TRUE(Run("edac", out).ok());
  EXPECT_DOUBLE_EQ(Value(out, "node_edac_csrow_correctable_errors_total", {{"controller", "0"}, {"csrow", "unknown"}}),
                   1);
  EXPECT_DOUBLE_EQ(Value(out, "node_edac_csrow_correctable_errors_total", {{"controller", "0"}, {"csrow", "0"}}), 2);
  EXPECT_DOUBLE_EQ(Value(out, "node_edac_uncorrectable_errors_total", {{"controller", "1"}}), 1);
  ASSERT_TRUE(Run("mdadm", out).ok());
  EXPECT_DOUBLE_EQ(Value(out, "node_md_state", {{"device", "md6"}, {"state", "recovering"}}), 1);
  EXPECT_DOUBLE_EQ(Value(out, "node_md_state", {{"device", "md6"}, {"state", "active"}}), 0);
  EXPECT_DOUBLE_EQ(Value(out, "node_md_disks", {{"device", "md9"}, {"state", "failed"}}), 2);
}

TEST_F(Part1CollectorTest, BondingOnTheMainTree) {
  exporter::Families out;
  ASSERT_TRUE(Run("bonding", out).ok());
  EXPECT_DOUBLE_EQ(Value(out, "node_bonding_slaves", {{"master", "bond0"}}), 1);
  EXPECT_DOUBLE_EQ(Value(out, "node_bonding_active", {{"master", "bond0"}}), 1);
}

// fixtures/node/bonding: slaves down, linked the old way (slave_<name>), or none.
TEST_F(Part1CollectorTest, BondingLayouts) {
  UseRoot(FixtureRoot() + "/bonding");
  exporter::Families out;
  ASSERT_TRUE(Run("bonding", out).ok());
  EXPECT_DOUBLE_EQ(Value(out, "node_bonding_slaves", {{"master", "bond0"}}), 2);
  EXPECT_DOUBLE_EQ(Value(out, "node_bonding_active", {{"master", "bond0"}}), 1);  // eth1 is down
  EXPECT_DOUBLE_EQ(Value(out, "node_bonding_slaves", {{"master", "bond1"}}), 1);
  EXPECT_DOUBLE_EQ(Value(out, "node_bonding_active", {{"master", "bond1"}}), 1);
  EXPECT_DOUBLE_EQ(Value(out, "node_bonding_slaves", {{"master", "bond2"}}), 0);
  EXPECT_DOUBLE_EQ(Value(out, "node_bonding_active", {{"master", "bond2"}}), 0);
}

// Without their sources the collectors behave as node_exporter's: no output,
// and failure only where node_exporter reports "no data".
TEST_F(Part1CollectorTest, AbsentSources) {
  UseRoot(FixtureRoot() + "/absent-part1");  // no such directory
  for (const char* name : {"thermal_zone", "cpufreq", "edac"}) {
    exporter::Families out;
    EXPECT_TRUE(Run(name, out).ok()) << name;
    EXPECT_TRUE(out.empty()) << name;
  }
  for (const char* name : {"hwmon", "powersupplyclass", "rapl", "schedstat", "bonding", "mdadm"}) {
    exporter::Families out;
    auto status = Run(name, out);
    EXPECT_FALSE(status.ok()) << name;
    EXPECT_NE(status.message().find("no data"), std::string::npos) << name << ": " << status.message();
    EXPECT_TRUE(out.empty()) << name;
  }
}

// Malformed content fails the collector (node_scrape_collector_success 0), as in node_exporter.
TEST_F(Part1CollectorTest, MalformedFilesFailTheirCollector) {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("part1_test_" + std::to_string(::getpid()));
  fs::remove_all(root);
  auto write = [&](const std::string& relative, const std::string& content) {
    fs::create_directories((root / relative).parent_path());
    std::ofstream(root / relative) << content;
  };
  write("sys/class/thermal/thermal_zone0/type", "acpitz\n");
  write("sys/class/thermal/thermal_zone0/policy", "step_wise\n");
  write("sys/class/thermal/thermal_zone0/temp", "hot\n");
  write("sys/class/power_supply/BAT0/capacity", "full\n");
  write("sys/class/powercap/intel-rapl:0/name", "package-x\n");
  write("sys/class/powercap/intel-rapl:0/max_energy_range_uj", "1\n");
  write("sys/devices/system/edac/mc/mc0/ce_count", "-1\n");
  write("sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "fast\n");
  write("sys/class/net/bonding_masters", "bond0\n");  // bond0/bonding/slaves missing
  write("proc/mdstat", "md0 : active raid1 sda[0]\n      bogus\n\n\n");
  UseRoot(root.string());
  for (const char* name : {"thermal_zone", "powersupplyclass", "rapl", "edac", "cpufreq", "bonding", "mdadm"}) {
    exporter::Families out;
    auto status = Run(name, out);
    EXPECT_FALSE(status.ok()) << name;
    EXPECT_EQ(status.message().find("no data"), std::string::npos) << name << ": " << status.message();
  }
  // cpufreq: an unreadable frequency is skipped, but the driver's text attributes are required.
  fs::remove(root / "sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq");
  exporter::Families out;
  EXPECT_FALSE(Run("cpufreq", out).ok());
  for (const char* file :
       {"scaling_available_governors", "scaling_driver", "scaling_governor", "related_cpus", "scaling_setspeed"}) {
    write(std::string("sys/devices/system/cpu/cpu0/cpufreq/") + file, "x\n");
  }
  out.clear();
  EXPECT_TRUE(Run("cpufreq", out).ok());
  EXPECT_TRUE(out.empty());
  fs::remove_all(root);
}

}  // namespace
}  // namespace node
