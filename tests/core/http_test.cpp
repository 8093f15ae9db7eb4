#include <gtest/gtest.h>

#include "exporter/http_server.h"

namespace exporter {
namespace {

TEST(ListenAddress, GoFormsToCivetweb) {
  EXPECT_EQ(*ToCivetwebPort(":9100", true), "+9100");
  EXPECT_EQ(*ToCivetwebPort(":9100", false), "9100");
  EXPECT_EQ(*ToCivetwebPort("0.0.0.0:9100", false), "0.0.0.0:9100");
  EXPECT_EQ(*ToCivetwebPort("127.0.0.1:9100", false), "127.0.0.1:9100");
  EXPECT_EQ(*ToCivetwebPort("localhost:9104", false), "127.0.0.1:9104");
  EXPECT_EQ(*ToCivetwebPort("[::1]:9187", true), "[::1]:9187");
  EXPECT_EQ(*ToCivetwebPort(":::9187", true), "[::]:9187");
  auto no_ipv6 = ToCivetwebPort("[::1]:9187", false);
  ASSERT_FALSE(no_ipv6.ok());
  EXPECT_NE(no_ipv6.error().find("IPv6"), std::string::npos);
  EXPECT_FALSE(ToCivetwebPort("9100", false).ok());
  EXPECT_FALSE(ToCivetwebPort("host:99999", false).ok());
  EXPECT_FALSE(ToCivetwebPort("example.com:80", false).ok());
}

TEST(QueryString, RepeatedAndEncodedKeys) {
  auto pairs = ParseQueryString("collect%5B%5D=cpu&collect[]=meminfo&target=db%3A3306&flag");
  ASSERT_EQ(pairs.size(), 4u);
  EXPECT_EQ(pairs[0], (std::pair<std::string, std::string>{"collect[]", "cpu"}));
  EXPECT_EQ(pairs[1].second, "meminfo");
  EXPECT_EQ(pairs[2].second, "db:3306");
  EXPECT_EQ(pairs[3], (std::pair<std::string, std::string>{"flag", ""}));
  HttpRequest request;
  request.query = pairs;
  EXPECT_EQ(request.QueryValues("collect[]").size(), 2u);
  EXPECT_EQ(request.QueryValue("target"), "db:3306");
  EXPECT_FALSE(request.QueryValue("missing").has_value());
}

}  // namespace
}  // namespace exporter
