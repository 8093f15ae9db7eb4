// mysqld's families (regrouped, histograms) through the core's text serializer.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "exporter/text_format.h"
#include "mysqld_parse.h"

namespace mysqld {
namespace {

TEST(mysqld_text, SortsMergesAndDropsEmptyFamilies) {
  exporter::Families families;
  exporter::Gauge(families, "mysql_up", "Whether the MySQL server is up.").Add(1);
  exporter::Counter(families, "mysql_empty_total", "Nothing here.");
  exporter::Gauge(families, "mysql_exporter_collector_duration_seconds", "Collector time duration.")
      .Add(0.5, {{"collector", "connection"}});
  exporter::Gauge(families, "mysql_exporter_collector_duration_seconds", "Collector time duration.")
      .Add(0.25, {{"collector", "collect.global_status"}});
  exporter::Untyped(families, "mysql_global_status_uptime", "Generic metric from SHOW GLOBAL STATUS.").Add(3600);
  EXPECT_EQ(exporter::SerializeText(families),
            "# HELP mysql_exporter_collector_duration_seconds Collector time duration.\n"
            "# TYPE mysql_exporter_collector_duration_seconds gauge\n"
            "mysql_exporter_collector_duration_seconds{collector=\"connection\"} 0.5\n"
            "mysql_exporter_collector_duration_seconds{collector=\"collect.global_status\"} 0.25\n"
            "# HELP mysql_global_status_uptime Generic metric from SHOW GLOBAL STATUS.\n"
            "# TYPE mysql_global_status_uptime untyped\n"
            "mysql_global_status_uptime 3600\n"
            "# HELP mysql_up Whether the MySQL server is up.\n"
            "# TYPE mysql_up gauge\n"
            "mysql_up 1\n");
}

TEST(mysqld_text, EscapesLabelValuesAndHelp) {
  exporter::Families families;
  exporter::Gauge(families, "mysql_version_info", "Back\\slash and\nnewline.")
      .Add(1, {{"version", "a\"b\\c\nd"}, {"version_comment", ""}});
  EXPECT_EQ(exporter::SerializeText(families),
            "# HELP mysql_version_info Back\\\\slash and\\nnewline.\n"
            "# TYPE mysql_version_info gauge\n"
            "mysql_version_info{version=\"a\\\"b\\\\c\\nd\",version_comment=\"\"} 1\n");
}

TEST(mysqld_text, Numbers) {
  auto text = [](double value) {
    std::string out;
    exporter::AppendNumber(out, value);
    return out;
  };
  EXPECT_EQ(text(0), "0");
  EXPECT_EQ(text(-2.5), "-2.5");
  EXPECT_EQ(text(1136214245), "1136214245");
  EXPECT_EQ(text(18446744073709551615.0), "18446744073709551616");
  EXPECT_EQ(text(1e-6), "1e-06");
  EXPECT_EQ(text(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(text(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(text(std::nan("")), "NaN");
}

TEST(mysqld_text, Histogram) {
  Table table;
  table.columns = {"TIME", "COUNT", "TOTAL"};
  table.rows.push_back({"0.000001", "2", "0.000001"});
  table.rows.push_back({"1.000000", "3", "2.5"});
  table.rows.push_back({"TOO LONG", "1", "TOO LONG"});
  exporter::Families families;
  AppendQueryResponseTime(table, "mysql_info_schema_query_response_time_seconds", "h", families);
  EXPECT_EQ(exporter::SerializeText(families),
            "# HELP mysql_info_schema_query_response_time_seconds h\n"
            "# TYPE mysql_info_schema_query_response_time_seconds histogram\n"
            "mysql_info_schema_query_response_time_seconds_bucket{le=\"1e-06\"} 2\n"
            "mysql_info_schema_query_response_time_seconds_bucket{le=\"1\"} 5\n"
            "mysql_info_schema_query_response_time_seconds_bucket{le=\"+Inf\"} 6\n"
            "mysql_info_schema_query_response_time_seconds_sum 2.500001\n"
            "mysql_info_schema_query_response_time_seconds_count 6\n");
}

}  // namespace
}  // namespace mysqld
