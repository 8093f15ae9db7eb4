#include "exporter/log.h"

#include <gtest/gtest.h>

namespace exporter::log {
namespace {

TEST(Log, LogfmtQuotesWhatNeedsIt) {
  std::string line = FormatLine(Level::kWarn, "collector failed", {{"name", "cpu"}, {"err", "no such \"file\""}},
                                Format::kLogfmt);
  EXPECT_EQ(line.substr(0, 3), "ts=");
  EXPECT_NE(line.find(" level=warn msg=\"collector failed\" name=cpu err=\"no such \\\"file\\\"\"\n"),
            std::string::npos)
      << line;
}

TEST(Log, JsonIsOneObjectPerLine) {
  std::string line = FormatLine(Level::kInfo, "hi", {{"k", "a\nb"}}, Format::kJson);
  EXPECT_EQ(line.front(), '{');
  EXPECT_NE(line.find("\"level\":\"info\",\"msg\":\"hi\",\"k\":\"a\\nb\"}\n"), std::string::npos) << line;
}

TEST(Log, LevelsParse) {
  Level level;
  EXPECT_TRUE(ParseLevel("debug", level));
  EXPECT_EQ(level, Level::kDebug);
  EXPECT_FALSE(ParseLevel("verbose", level));
  Format format;
  EXPECT_TRUE(ParseFormat("json", format));
  EXPECT_FALSE(ParseFormat("xml", format));
}

}  // namespace
}  // namespace exporter::log
