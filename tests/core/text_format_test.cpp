#include "exporter/text_format.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>
#include <zlib.h>

#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <thread>

#include "exporter/strings.h"

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

// Splits a sample line into "name{labels}" and its value.
std::pair<std::string, std::string> SplitSample(const std::string& line) {
  auto space = line.rfind(' ');
  return {line.substr(0, space), line.substr(space + 1)};
}

// Our serializer against prometheus-cpp's on the same data model: the same
// lines in the same order, HELP/TYPE to the letter, sample values equal as
// numbers (the two print different digit counts for the same double).
TEST(TextFormat, AgreesWithPrometheusCppSerializer) {
  Families families;
  const double kInf = std::numeric_limits<double>::infinity();
  auto gauge = Gauge(families, "a_gauge", "A gauge (HELP escaping is tested apart: prometheus-cpp does none).");
  for (double v : {0.0, -0.0, 1.0, -1.5, 0.1, 1e-9, 123456789012.0, 1.8446744073709552e19, 3.141592653589793,
                   2.5e-300, kInf, -kInf, std::nan("")}) {
    gauge.Add(v, {{"i", std::to_string(gauge.family().metric.size())}});
  }
  Counter(families, "b_total", "Counter.").Add(42, {{"path", "C:\\dir \"quoted\"\nline"}, {"empty", ""}});
  Untyped(families, "c_untyped", "").Add(7);
  {
    auto& histogram = families.emplace_back();
    histogram.name = "d_seconds";
    histogram.help = "A histogram.";
    histogram.type = prometheus::MetricType::Histogram;
    auto& metric = histogram.metric.emplace_back();
    metric.label = {{"op", "read"}};
    metric.histogram.sample_count = 10;
    metric.histogram.sample_sum = 2.5;
    metric.histogram.bucket = {{3, 0.1}, {8, 1}, {10, kInf}};
  }
  {
    auto& summary = families.emplace_back();
    summary.name = "e_summary";
    summary.help = "A summary.";
    summary.type = prometheus::MetricType::Summary;
    auto& metric = summary.metric.emplace_back();
    metric.summary.sample_count = 4;
    metric.summary.sample_sum = 9;
    metric.summary.quantile = {{0.5, 2}, {0.99, 3.5}};
  }

  std::ostringstream reference_stream;
  prometheus::TextSerializer().Serialize(reference_stream, families);
  // Comment lines in order; each family's samples as series -> value (the
  // two write a histogram's _count/_sum and its buckets in different orders).
  auto parse = [](const std::string& text) {
    std::vector<std::string> comments;
    std::vector<std::map<std::string, std::string>> samples_by_family;
    for (auto view : Split(text, '\n')) {
      std::string line(view);
      if (line.empty()) continue;
      if (line[0] == '#') {
        if (line.rfind("# TYPE ", 0) == 0) samples_by_family.emplace_back();
        comments.push_back(line);
        continue;
      }
      auto [series, value] = SplitSample(line);
      samples_by_family.back()[series] = value;
    }
    return std::make_pair(comments, samples_by_family);
  };
  auto [our_comments, our_samples] = parse(SerializeText(families));
  auto [reference_comments, reference_samples] = parse(reference_stream.str());
  EXPECT_EQ(our_comments, reference_comments);
  ASSERT_EQ(our_samples.size(), reference_samples.size());
  size_t compared = 0;
  for (size_t f = 0; f < our_samples.size(); ++f) {
    ASSERT_EQ(our_samples[f].size(), reference_samples[f].size());
    for (const auto& [series, reference_value] : reference_samples[f]) {
      ASSERT_EQ(our_samples[f].count(series), 1u) << series;
      double a = std::strtod(our_samples[f][series].c_str(), nullptr);
      double b = std::strtod(reference_value.c_str(), nullptr);
      ++compared;
      if (std::isnan(b)) {
        EXPECT_TRUE(std::isnan(a)) << series;
      } else if (std::isinf(b)) {
        EXPECT_EQ(a, b) << series;
      } else {
        EXPECT_NEAR(a, b, std::abs(b) * 1e-15) << series << ": " << a << " vs " << b;
      }
    }
  }
  EXPECT_EQ(compared, 24u);
}

// prometheus-cpp 1.0.1 leaves a newline in HELP as it is, which breaks the
// format; the text format says HELP escapes backslash and newline.
TEST(TextFormat, HelpEscapesBackslashAndNewline) {
  Families families;
  Gauge(families, "g", "two\nlines \\ here").Add(1);
  EXPECT_EQ(SerializeText(families), "# HELP g two\\nlines \\\\ here\n# TYPE g gauge\ng 1\n");
}

TEST(TextFormat, GzipRoundTrips) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "metric_" + std::to_string(i) + " 1\n";
  std::string compressed = GzipCompress(text);
  EXPECT_LT(compressed.size(), text.size() / 3);
  EXPECT_EQ(Gunzip(compressed), text);
  EXPECT_EQ(Gunzip(GzipCompress("")), "");
}

TEST(TextFormat, ConcurrentGzipRoundTrips) {
  // Threads that find the shared compressor busy compress with their own.
  std::vector<std::string> texts(8), results(8);
  for (size_t t = 0; t < texts.size(); ++t) {
    for (int i = 0; i < 20000; ++i) texts[t] += "metric_" + std::to_string(t) + "_" + std::to_string(i) + " 1\n";
  }
  std::vector<std::thread> threads;
  for (size_t t = 0; t < texts.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) results[t] = GzipCompress(texts[t]);
    });
  }
  for (auto& thread : threads) thread.join();
  for (size_t t = 0; t < texts.size(); ++t) EXPECT_EQ(Gunzip(results[t]), texts[t]);
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
