#include "mysqld_config.h"

#include <gtest/gtest.h>

namespace mysqld {
namespace {

ConnectionParams FromText(std::string_view text, std::string_view module = "client") {
  auto file = exporter::OptionFile::Parse(text, "test.cnf");
  EXPECT_TRUE(file.ok()) << file.error();
  auto params = ParamsFromOptionFile(*file, module);
  EXPECT_TRUE(params.ok()) << params.error();
  return params.ok() ? *params : ConnectionParams{};
}

TEST(mysqld_config, ClientKeys) {
  auto params = FromText(
      "[mysqld]\nuser=mysql\nport=1\n"
      "[client]\nuser = exporter\npassword = \"p#ss\\\"w\" # comment\nhost=db.example\nport=3307\n"
      "socket=/run/x.sock\nssl-ca=/ca.pem\nssl_cert=/c.pem\nloose-ssl-key=/k.pem\nconnect_timeout=5\n"
      "default-character-set=utf8mb4\nunknown-key=1\n");
  EXPECT_EQ(params.user, "exporter");
  ASSERT_TRUE(params.password);
  EXPECT_EQ(*params.password, "p#ss\"w");
  EXPECT_EQ(params.host, "db.example");
  EXPECT_EQ(params.port, 3307u);
  EXPECT_EQ(params.socket, "/run/x.sock");
  EXPECT_EQ(params.ssl_ca, "/ca.pem");
  EXPECT_EQ(params.ssl_cert, "/c.pem");
  EXPECT_EQ(params.ssl_key, "/k.pem");
  EXPECT_EQ(params.connect_timeout_seconds, 5);
  EXPECT_EQ(params.ssl_mode, ConnectionParams::SslMode::kDefault);
}

TEST(mysqld_config, LaterGroupsOverrideInFileOrder) {
  auto params = FromText("[client]\nuser=a\npassword=1\n[client-mariadb]\nuser=b\n[client]\nport=5\n");
  EXPECT_EQ(params.user, "b");
  EXPECT_EQ(*params.password, "1");
  EXPECT_EQ(params.port, 5u);
}

TEST(mysqld_config, AuthModuleInheritsClient) {
  const char* text = "[client]\nuser=a\npassword=pa\nport=3306\n[client.other]\nuser=b\npassword=pb\n";
  auto base = FromText(text);
  EXPECT_EQ(base.user, "a");
  auto other = FromText(text, "client.other");
  EXPECT_EQ(other.user, "b");
  EXPECT_EQ(*other.password, "pb");
  EXPECT_EQ(other.port, 3306u);
  auto upper = FromText(text, "CLIENT.OTHER");
  EXPECT_EQ(upper.user, "b");
}

TEST(mysqld_config, SslModes) {
  using Mode = ConnectionParams::SslMode;
  EXPECT_EQ(FromText("[client]\nssl-mode=REQUIRED\n").ssl_mode, Mode::kRequired);
  EXPECT_EQ(FromText("[client]\nssl_mode=verify_identity\n").ssl_mode, Mode::kVerifyIdentity);
  EXPECT_EQ(FromText("[client]\nssl-mode=VERIFY-CA\n").ssl_mode, Mode::kVerifyCa);
  EXPECT_EQ(FromText("[client]\nssl-mode=disabled\n").ssl_mode, Mode::kDisabled);
  EXPECT_EQ(FromText("[client]\nssl-mode=PREFERRED\n").ssl_mode, Mode::kDefault);
  EXPECT_EQ(FromText("[client]\nskip-ssl\n").ssl_mode, Mode::kDisabled);
  EXPECT_EQ(FromText("[client]\nssl\n").ssl_mode, Mode::kRequired);
  EXPECT_EQ(FromText("[client]\nssl=0\n").ssl_mode, Mode::kDisabled);
  EXPECT_EQ(FromText("[client]\nssl-verify-server-cert\n").ssl_verify_server_cert, true);
  EXPECT_EQ(FromText("[client]\nssl-verify-server-cert=OFF\n").ssl_verify_server_cert, false);
  EXPECT_FALSE(FromText("[client]\n").ssl_verify_server_cert.has_value());
}

TEST(mysqld_config, MalformedValuesNameTheLine) {
  for (const char* text : {"[client]\nuser=x\nport=abc\n", "[client]\nport=70000\n", "[client]\nssl-mode=sometimes\n",
                           "[client]\nconnect-timeout=soon\n", "[client]\nprotocol=pipe\n"}) {
    auto file = exporter::OptionFile::Parse(text, "bad.cnf");
    ASSERT_TRUE(file.ok());
    auto params = ParamsFromOptionFile(*file, "client");
    ASSERT_FALSE(params.ok()) << text;
    EXPECT_NE(params.error().find("bad.cnf:"), std::string::npos) << params.error();
  }
}

TEST(mysqld_config, FallbacksFillOnlyWhatIsMissing) {
  ConfigFallbacks fallbacks{"10.1.2.3:3310", "flaguser", std::string("envpass")};
  auto empty = FromText("[client]\n");
  ASSERT_TRUE(ApplyFallbacks(empty, fallbacks).ok());
  EXPECT_EQ(empty.user, "flaguser");
  EXPECT_EQ(*empty.password, "envpass");
  EXPECT_EQ(empty.host, "10.1.2.3");
  EXPECT_EQ(empty.port, 3310u);

  auto full = FromText("[client]\nuser=u\npassword=\nhost=h\nport=1\n");
  ASSERT_TRUE(ApplyFallbacks(full, fallbacks).ok());
  EXPECT_EQ(full.user, "u");
  EXPECT_EQ(*full.password, "");  // set (empty) in the file: kept
  EXPECT_EQ(full.host, "h");
  EXPECT_EQ(full.port, 1u);

  auto socket = FromText("[client]\nsocket=/s\n");
  ASSERT_TRUE(ApplyFallbacks(socket, fallbacks).ok());
  EXPECT_EQ(socket.host, "");  // the file's socket says where
  EXPECT_EQ(socket.port, 3310u);

  auto unix_fallback = FromText("[client]\n");
  ASSERT_TRUE(ApplyFallbacks(unix_fallback, {"unix:///run/m.sock", "", std::nullopt}).ok());
  EXPECT_EQ(unix_fallback.socket, "/run/m.sock");
  EXPECT_EQ(unix_fallback.host, "localhost");

  auto bad = FromText("[client]\n");
  EXPECT_FALSE(ApplyFallbacks(bad, {"host:notaport", "", std::nullopt}).ok());
}

TEST(mysqld_config, ProbeTargets) {
  ConnectionParams params;
  params.socket = "/old.sock";
  ASSERT_TRUE(ApplyTarget(params, "db1:3307").ok());
  EXPECT_EQ(params.host, "db1");
  EXPECT_EQ(params.port, 3307u);
  EXPECT_EQ(params.socket, "");
  EXPECT_EQ(params.protocol, "tcp");

  ASSERT_TRUE(ApplyTarget(params, "db2").ok());
  EXPECT_EQ(params.port, 3306u);

  ASSERT_TRUE(ApplyTarget(params, "[::1]:3308").ok());
  EXPECT_EQ(params.host, "::1");
  EXPECT_EQ(params.port, 3308u);

  ConnectionParams unix_params;
  ASSERT_TRUE(ApplyTarget(unix_params, "unix:///run/mysqld/mysqld.sock").ok());
  EXPECT_EQ(unix_params.socket, "/run/mysqld/mysqld.sock");
  EXPECT_EQ(unix_params.host, "localhost");
  EXPECT_EQ(unix_params.protocol, "socket");

  for (const char* bad : {"", ":3306", "db:0", "db:65536", "db:x", "unix://", "[::1"}) {
    ConnectionParams p;
    EXPECT_FALSE(ApplyTarget(p, bad).ok()) << bad;
  }
}

TEST(mysqld_config, DescribeNeverShowsPassword) {
  auto params = FromText("[client]\nuser=u\npassword=TopSecret\nhost=h\nport=3306\n");
  EXPECT_EQ(params.Describe(), "u@h:3306");
  auto sock = FromText("[client]\nuser=u\nsocket=/s.sock\n");
  EXPECT_EQ(sock.Describe(), "u@unix(/s.sock)");
}

TEST(mysqld_config, OptionBools) {
  EXPECT_EQ(ParseOptionBool(""), true);
  EXPECT_EQ(ParseOptionBool("ON"), true);
  EXPECT_EQ(ParseOptionBool("1"), true);
  EXPECT_EQ(ParseOptionBool("false"), false);
  EXPECT_EQ(ParseOptionBool("0"), false);
  EXPECT_FALSE(ParseOptionBool("maybe"));
}

}  // namespace
}  // namespace mysqld
