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

TEST(KeepAlive, FollowsVersionAndConnectionHeader) {
  EXPECT_TRUE(KeepAlive("1.1", nullptr));
  EXPECT_FALSE(KeepAlive("1.1", "close"));
  EXPECT_FALSE(KeepAlive("1.1", "Upgrade, Close"));
  EXPECT_FALSE(KeepAlive("1.0", nullptr));
  EXPECT_TRUE(KeepAlive("1.0", "Keep-Alive"));
  EXPECT_FALSE(KeepAlive("1.0", "keep-alive, close"));
}

TEST(ResponseHead, StatusHeadersDateAndConnection) {
  time_t at = 1795000000;  // 2026-11-18T11:06:40Z, a Wednesday
  std::string head = ResponseHead(200, "OK", {{"Content-Type", "text/plain"}, {"Content-Length", "12"}}, true, at);
  EXPECT_EQ(head,
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: text/plain\r\n"
            "Content-Length: 12\r\n"
            "Date: Wed, 18 Nov 2026 11:06:40 GMT\r\n"
            "Connection: keep-alive\r\n\r\n");
  std::string closing = ResponseHead(503, "Service Unavailable", {}, false, at);
  EXPECT_EQ(closing.substr(0, closing.find("\r\n")), "HTTP/1.1 503 Service Unavailable");
  EXPECT_NE(closing.find("\r\nConnection: close\r\n\r\n"), std::string::npos);
}

}  // namespace
}  // namespace exporter
