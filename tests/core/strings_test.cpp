#include "exporter/strings.h"

#include <gtest/gtest.h>

namespace exporter {
namespace {

TEST(Strings, DurationsInGoSyntax) {
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("10s"), 10);
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("250ms"), 0.25);
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("1m30s"), 90);
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("1.5h"), 5400);
  EXPECT_DOUBLE_EQ(*ParseDurationSeconds("3"), 3);
  EXPECT_FALSE(ParseDurationSeconds("").has_value());
  EXPECT_FALSE(ParseDurationSeconds("5 parsecs").has_value());
  EXPECT_FALSE(ParseDurationSeconds("-1s").has_value());
  EXPECT_FALSE(ParseDurationSeconds("s").has_value());
}

TEST(Strings, SplitFieldsCollapsesBlanks) {
  auto fields = SplitFields("  cpu0  12 \t 34\n");
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0], "cpu0");
  EXPECT_EQ(fields[2], "34");
  EXPECT_TRUE(SplitFields("   ").empty());
}

TEST(Strings, SplitKeepsEmptyParts) {
  auto parts = Split("a,,b,", ',');
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[1], "");
  EXPECT_EQ(parts[3], "");
}

TEST(Strings, NumbersRejectTrailingGarbage) {
  EXPECT_EQ(ParseUint("18446744073709551615"), 18446744073709551615ull);
  EXPECT_FALSE(ParseUint("12a").has_value());
  EXPECT_FALSE(ParseUint("").has_value());
  EXPECT_EQ(ParseInt("-5"), -5);
  EXPECT_DOUBLE_EQ(*ParseDouble("1e3"), 1000);
  EXPECT_FALSE(ParseDouble("1.2.3").has_value());
}

TEST(Strings, DaysFromCivil) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(2024, 2, 29) * 86400, 1709164800);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
}

TEST(Strings, UrlDecode) {
  EXPECT_EQ(UrlDecode("collect%5B%5D"), "collect[]");
  EXPECT_EQ(UrlDecode("a+b%20c"), "a b c");
  EXPECT_EQ(UrlDecode("bad%2"), "bad%2");
  EXPECT_EQ(UrlDecode("%zz"), "%zz");
}

}  // namespace
}  // namespace exporter
