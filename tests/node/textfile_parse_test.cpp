#include <gtest/gtest.h>

#include <cmath>

#include "node_context.h"
#include "parse/textfile.h"

namespace node::parse {
namespace {

TEST(TextFormat, FamiliesTypesAndLabels) {
  auto families = ParseTextFormat(
      "# HELP my_metric A thing.\n# TYPE my_metric gauge\nmy_metric{a=\"1\"} 3\nmy_metric{b=\"x\\\"y\\\\z\\n\"} 4\n"
      "# a plain comment\nother_metric 5\n");
  ASSERT_TRUE(families.ok()) << families.error();
  ASSERT_EQ(families->size(), 2u);
  const auto& mine = (*families)[0];
  EXPECT_EQ(mine.name, "my_metric");
  EXPECT_EQ(mine.type, "gauge");
  EXPECT_EQ(mine.help, "A thing.");
  ASSERT_EQ(mine.samples.size(), 2u);
  EXPECT_EQ(mine.samples[1].labels[0].second, "x\"y\\z\n");
  EXPECT_EQ((*families)[1].type, "untyped");
  EXPECT_FALSE((*families)[1].has_help);
}

TEST(TextFormat, HistogramAndSummaryOwnTheirSuffixes) {
  auto families = ParseTextFormat(
      "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 3\nh_sum 4\nh_count 3\n"
      "# TYPE s summary\ns{quantile=\"0.5\"} 1\ns_sum 2\ns_count 3\nplain_count 7\n");
  ASSERT_TRUE(families.ok()) << families.error();
  ASSERT_EQ(families->size(), 3u);
  EXPECT_EQ((*families)[0].samples.size(), 4u);
  EXPECT_EQ((*families)[1].samples.size(), 3u);
  EXPECT_EQ((*families)[2].name, "plain_count");
}

TEST(TextFormat, SpecialValuesAndTimestamps) {
  auto families = ParseTextFormat("a +Inf\nb -Inf\nc NaN\nd 1e3 1700000000000\n");
  ASSERT_TRUE(families.ok()) << families.error();
  EXPECT_TRUE(std::isinf((*families)[0].samples[0].value));
  EXPECT_TRUE(std::isnan((*families)[2].samples[0].value));
  EXPECT_DOUBLE_EQ((*families)[3].samples[0].value, 1000);
  EXPECT_TRUE((*families)[3].samples[0].has_timestamp);
  EXPECT_FALSE((*families)[0].samples[0].has_timestamp);
}

TEST(TextFormat, RejectsMalformed) {
  EXPECT_FALSE(ParseTextFormat("bad metric here {\n").ok());
  EXPECT_FALSE(ParseTextFormat("m{a=\"1\" 2\n").ok());
  EXPECT_FALSE(ParseTextFormat("m{a=1} 2\n").ok());
  EXPECT_FALSE(ParseTextFormat("m{a=\"1\",a=\"2\"} 2\n").ok());
  EXPECT_FALSE(ParseTextFormat("m abc\n").ok());
  EXPECT_FALSE(ParseTextFormat("m 1 notatime\n").ok());
  EXPECT_FALSE(ParseTextFormat("# TYPE m gauge\n# TYPE m counter\nm 1\n").ok());
  EXPECT_FALSE(ParseTextFormat("# HELP m a\n# HELP m b\nm 1\n").ok());
  EXPECT_FALSE(ParseTextFormat("# TYPE m bogus\nm 1\n").ok());
  EXPECT_FALSE(ParseTextFormat("m 1\n# TYPE m gauge\n").ok());
  EXPECT_FALSE(ParseTextFormat("# TYPE s summary\ns 1\n").ok());
  EXPECT_FALSE(ParseTextFormat("9metric 1\n").ok());
}

TEST(RootfsStripPrefix, AsNodeExporter) {
  EXPECT_EQ(RootfsStripPrefix("/rootfs/boot", "/rootfs"), "/boot");
  EXPECT_EQ(RootfsStripPrefix("/rootfs", "/rootfs"), "/");
  EXPECT_EQ(RootfsStripPrefix("/rootfs", "/rootfs/"), "/");
  EXPECT_EQ(RootfsStripPrefix("/boot", "/rootfs"), "/boot");
  EXPECT_EQ(RootfsStripPrefix("/rootfs2/x", "/rootfs"), "/rootfs2/x");
  EXPECT_EQ(RootfsStripPrefix("/boot", "/"), "/boot");
}

}  // namespace
}  // namespace node::parse
