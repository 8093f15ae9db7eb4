#include "flag_pattern.h"

#include <gtest/gtest.h>

namespace node {
namespace {

TEST(FlagPattern, EmptyIsUnsetAndMatchesNothing) {
  FlagPattern pattern("collector.x", "");
  EXPECT_FALSE(pattern);
  EXPECT_FALSE(pattern.Search("anything"));
}

TEST(FlagPattern, SearchesAnywhereUnlessAnchored) {
  FlagPattern loose("collector.x", "sd[a-z]");
  ASSERT_TRUE(loose);
  EXPECT_TRUE(loose.Search("/dev/sdb1"));
  EXPECT_FALSE(loose.Search("nvme0n1"));
  FlagPattern anchored("collector.x", "^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$");
  EXPECT_TRUE(anchored.Search("nvme0n1p2"));
  EXPECT_TRUE(anchored.Search("loop7"));
  EXPECT_FALSE(anchored.Search("nvme0n1"));
  EXPECT_FALSE(anchored.Search("xloop7"));
}

TEST(FlagPattern, InvalidPatternIsUnset) {
  FlagPattern broken("collector.x", "(unclosed");
  EXPECT_FALSE(broken);
  EXPECT_FALSE(broken.Search("(unclosed"));
}

TEST(FlagPattern, CopiesShareTheCompiledExpression) {
  FlagPattern original("collector.x", "^eth");
  FlagPattern copy = original;
  EXPECT_TRUE(copy.Search("eth0"));
  EXPECT_TRUE(original.Search("eth1"));
}

TEST(DeviceFilter, ExcludeThenInclude) {
  EXPECT_FALSE(DeviceFilter().Ignored("eth0"));
  DeviceFilter exclude_lo(FlagPattern("x", "^lo$"), FlagPattern());
  EXPECT_TRUE(exclude_lo.Ignored("lo"));
  EXPECT_FALSE(exclude_lo.Ignored("eth0"));
  DeviceFilter only_eth(FlagPattern(), FlagPattern("x", "^eth"));
  EXPECT_TRUE(only_eth.Ignored("wlan0"));
  EXPECT_FALSE(only_eth.Ignored("eth0"));
  DeviceFilter both(FlagPattern("x", "^eth1$"), FlagPattern("x", "^eth"));
  EXPECT_TRUE(both.Ignored("eth1"));
  EXPECT_FALSE(both.Ignored("eth2"));
}

}  // namespace
}  // namespace node
