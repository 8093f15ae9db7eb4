#include "exporter/text_format.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace exporter {
namespace {

std::string Gunzip(const std::string& data) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

TEST(TextFormat, SerializesFamiliesWithLabelsEscaped) {
  Families families;
  Gauge(families, "node_load1", "1m load average.").Add(0.5);
  Counter(families, "node_cpu_seconds_total", "Seconds.").Add(12, {{"cpu", "0"}, {"mode", "idle"}});
  Gauge(families, "weird", "h").Add(1, {{"path", "a\"b\\c\nd"}});
  std::string text = SerializeText(families);
  EXPECT_NE(text.find("# TYPE node_load1 gauge\nnode_load1 0.5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 12"), std::string::npos) << text;
  EXPECT_NE(text.find("weird{path=\"a\\\"b\\\\c\\nd\"} 1"), std::string::npos) << text;
}

TEST(TextFormat, GzipRoundTrips) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "metric_" + std::to_string(i) + " 1\n";
  std::string compressed = GzipCompress(text);
  EXPECT_LT(compressed.size(), text.size() / 3);
  EXPECT_EQ(Gunzip(compressed), text);
  EXPECT_EQ(Gunzip(GzipCompress("")), "");
}

TEST(TextFormat, AcceptEncoding) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, gzip;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip(nullptr));
}

TEST(Metrics, NormalizeMergesSortsAndDropsEmpty) {
  Families families;
  Gauge(families, "b", "h").Add(1, {{"x", "1"}});
  Gauge(families, "a", "h").Add(1);
  Gauge(families, "empty", "h");
  Gauge(families, "b", "h").Add(2, {{"x", "2"}});
  NormalizeFamilies(families);
  ASSERT_EQ(families.size(), 2u);
  EXPECT_EQ(families[0].name, "a");
  EXPECT_EQ(families[1].name, "b");
  EXPECT_EQ(families[1].metric.size(), 2u);
}

}  // namespace
}  // namespace exporter
