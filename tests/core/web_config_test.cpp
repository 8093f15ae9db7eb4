#include "exporter/web_config.h"

#include <crypt.h>
#include <gtest/gtest.h>

#include "exporter/sha256.h"
#include "exporter/yaml_lite.h"

namespace exporter {
namespace {

TEST(Yaml, MapsListsScalarsAndComments) {
  auto doc = ParseYaml(
      "# comment\n"
      "top:\n"
      "  name: 'it''s'   # trailing comment\n"
      "  quoted: \"a\\tb #not a comment\"\n"
      "  url: http://x:9/#frag\n"
      "  empty:\n"
      "  flow: [a, 'b c', \"d\"]\n"
      "  items:\n"
      "  - one\n"
      "  - key: v\n"
      "    other: w\n"
      "last: 3\n");
  ASSERT_TRUE(doc.ok()) << doc.error();
  const YamlNode* top = doc->Find("top");
  ASSERT_NE(top, nullptr);
  EXPECT_EQ(top->Find("name")->scalar, "it's");
  EXPECT_EQ(top->Find("quoted")->scalar, "a\tb #not a comment");
  EXPECT_EQ(top->Find("url")->scalar, "http://x:9/#frag");
  EXPECT_EQ(top->Find("empty")->kind, YamlNode::Kind::kNull);
  ASSERT_EQ(top->Find("flow")->list.size(), 3u);
  EXPECT_EQ(top->Find("flow")->list[1].scalar, "b c");
  const YamlNode* items = top->Find("items");
  ASSERT_EQ(items->list.size(), 2u);
  EXPECT_EQ(items->list[0].scalar, "one");
  EXPECT_EQ(items->list[1].Find("other")->scalar, "w");
  EXPECT_EQ(doc->Find("last")->scalar, "3");
}

TEST(Yaml, RejectsWhatItDoesNotUnderstandWithTheLine) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {Case{"a: 1\n\tb: 2\n", "line 2"}, Case{"a: &anchor 1\n", "line 1"},
                        Case{"a: |\n  text\n", "line 1"}, Case{"a: 1\na: 2\n", "duplicate"},
                        Case{"a: 'open\n", "unterminated"}, Case{"a: [1, 2\n", "unterminated"},
                        Case{"a: 1\n  b: 2\n", "line 2"}, Case{"just a scalar line\n", "line 1"},
                        Case{"a: 1\n---\nb: 2\n", "documents"}}) {
    auto doc = ParseYaml(c.text);
    ASSERT_FALSE(doc.ok()) << c.text;
    EXPECT_NE(doc.error().find(c.message), std::string::npos) << c.text << " -> " << doc.error();
  }
}

TEST(WebConfig, ExporterToolkitFile) {
  auto config = ParseWebConfig(
      "tls_server_config:\n"
      "  cert_file: server.crt\n"
      "  key_file: /abs/server.key\n"
      "  client_auth_type: RequireAndVerifyClientCert\n"
      "  client_ca_file: ca.crt\n"
      "  min_version: TLS13\n"
      "  cipher_suites: [TLS_AES_128_GCM_SHA256]\n"
      "basic_auth_users:\n"
      "  alice: $2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi\n"
      "http_server_config:\n"
      "  headers:\n"
      "    Strict-Transport-Security: max-age=31536000\n",
      "/etc/exporter");
  ASSERT_TRUE(config.ok()) << config.error();
  ASSERT_TRUE(config->tls.has_value());
  EXPECT_EQ(config->tls->cert_file, "/etc/exporter/server.crt");
  EXPECT_EQ(config->tls->key_file, "/abs/server.key");
  EXPECT_EQ(config->tls->client_ca_file, "/etc/exporter/ca.crt");
  EXPECT_EQ(config->tls->min_version, "TLS13");
  EXPECT_EQ(config->basic_auth_users.at("alice").substr(0, 4), "$2y$");
  ASSERT_EQ(config->headers.size(), 1u);
  EXPECT_EQ(config->headers[0].first, "Strict-Transport-Security");
}

TEST(WebConfig, EmptyFileMeansNoTlsNoAuth) {
  auto config = ParseWebConfig("# nothing\n", ".");
  ASSERT_TRUE(config.ok());
  EXPECT_FALSE(config->tls.has_value());
  EXPECT_TRUE(config->basic_auth_users.empty());
}

TEST(WebConfig, BadConfigsNameTheProblem) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {
           Case{"tls_server_config:\n  cert_file: a.crt\n", "missing key_file"},
           Case{"tls_server_config:\n  key_file: a.key\n", "missing cert_file"},
           Case{"tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS9\n", "min_version"},
           Case{"tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: Sometimes\n",
                "client_auth_type"},
           Case{"tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAndVerifyClientCert\n",
                "client_ca_file"},
           Case{"tls_server_config:\n  cert_file: a\n  key_file: b\n  typo_field: 1\n", "typo_field"},
           Case{"basic_auth_users:\n  bob: plaintext-password\n", "not a bcrypt hash"},
           Case{"unknown_section: 1\n", "unknown field"},
           Case{"http_server_config:\n  headers:\n    X-Bad: \"a\\nb\"\n", "line break"},
       }) {
    auto config = ParseWebConfig(c.text, ".");
    ASSERT_FALSE(config.ok()) << c.text;
    EXPECT_NE(config.error().find(c.message), std::string::npos) << c.text << " -> " << config.error();
  }
}

TEST(WebConfig, LoadNamesUnreadableFiles) {
  auto missing = LoadWebConfig("/nonexistent/web.yml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("/nonexistent/web.yml"), std::string::npos);
}

TEST(BasicAuth, DecodesHeader) {
  auto decoded = DecodeBasicAuth("Basic YWxpY2U6b3Blbjpz ZXNhbWU=");
  EXPECT_FALSE(decoded.has_value());  // embedded space: not base64
  decoded = DecodeBasicAuth("Basic YWxpY2U6b3BlbjpzZXNhbWU=");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->first, "alice");
  EXPECT_EQ(decoded->second, "open:sesame");  // only the first colon splits
  EXPECT_FALSE(DecodeBasicAuth("Bearer abc").has_value());
  EXPECT_FALSE(DecodeBasicAuth("Basic bm9jb2xvbg==").has_value());  // "nocolon"
}

TEST(BasicAuth, DecodesEveryPaddingAndRejectsMalformedBase64) {
  // "a:b" (no padding), "a:bc" (two '='), "a:bcd" (one '=').
  EXPECT_EQ(DecodeBasicAuth("Basic YTpi")->second, "b");
  EXPECT_EQ(DecodeBasicAuth("Basic YTpiYw==")->second, "bc");
  EXPECT_EQ(DecodeBasicAuth("Basic YTpiY2Q=")->second, "bcd");
  EXPECT_EQ(DecodeBasicAuth("Basic  YTpi ")->first, "a");  // surrounding blanks are trimmed
  EXPECT_FALSE(DecodeBasicAuth("Basic YTpiYw=").has_value());    // length not a multiple of 4
  EXPECT_FALSE(DecodeBasicAuth("Basic YT=iYw==").has_value());   // padding inside
  EXPECT_FALSE(DecodeBasicAuth("Basic YTpi====").has_value());   // a whole group of padding
  EXPECT_FALSE(DecodeBasicAuth("Basic YTpi-_==").has_value());   // URL alphabet is not Basic's
  EXPECT_FALSE(DecodeBasicAuth("Basic ").has_value());
  // Bytes above 0x7f survive: "\xff:\xfe" is /zr+.
  auto binary = DecodeBasicAuth("Basic /zr+");
  ASSERT_TRUE(binary.has_value());
  EXPECT_EQ(binary->first, "\xff");
  EXPECT_EQ(binary->second, "\xfe");
}

std::string Hex(const std::array<uint8_t, 32>& digest) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (uint8_t byte : digest) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 15];
  }
  return out;
}

TEST(Sha256, MatchesTheStandardTestVectors) {
  EXPECT_EQ(Hex(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Hex(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Hex(Sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Hex(Sha256(std::string(1000000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // A 55-byte tail still fits the length in its block; a 56-byte one needs a second block.
  EXPECT_EQ(Hex(Sha256(std::string(55, 'x'))), "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
  EXPECT_EQ(Hex(Sha256(std::string(56, 'x'))), "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e");
}

TEST(ConstantTimeEquals, ComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("$2b$04$abc", "$2b$04$abc"));
  EXPECT_FALSE(ConstantTimeEquals("$2b$04$abc", "$2b$04$abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

std::string Bcrypt(const char* password) {
  crypt_data data{};
  const char* hash = crypt_r(password, "$2b$04$abcdefghijklmnopqrstuu", &data);
  return hash ? hash : "";
}

std::string Header(const std::string& user, const std::string& password) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string in = user + ":" + password, out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
    for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(v >> shift) & 63]);
  }
  if (i + 1 == in.size()) {
    unsigned v = (unsigned char)in[i] << 16;
    out += {kAlphabet[v >> 18 & 63], kAlphabet[v >> 12 & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
    out += {kAlphabet[v >> 18 & 63], kAlphabet[v >> 12 & 63], kAlphabet[v >> 6 & 63], '='};
  }
  return "Basic " + out;
}

TEST(BasicAuth, VerifiesBcryptAndRemembersOnlyWhatMatched) {
  std::map<std::string, std::string> users = {{"alice", Bcrypt("wonderland")}};
  ASSERT_EQ(users["alice"].substr(0, 7), "$2b$04$");
  BasicAuthenticator auth;
  EXPECT_TRUE(auth.Allows(users, Header("alice", "wonderland").c_str()));
  EXPECT_TRUE(auth.Allows(users, Header("alice", "wonderland").c_str()));  // from the cache
  EXPECT_FALSE(auth.Allows(users, Header("alice", "wonderlan").c_str()));
  EXPECT_FALSE(auth.Allows(users, Header("mallory", "wonderland").c_str()));
  EXPECT_FALSE(auth.Allows(users, nullptr));
  // A changed hash (after a reload) is not satisfied by the old cached answer.
  users["alice"] = Bcrypt("looking-glass");
  EXPECT_FALSE(auth.Allows(users, Header("alice", "wonderland").c_str()));
  EXPECT_TRUE(auth.Allows(users, Header("alice", "looking-glass").c_str()));
  EXPECT_TRUE(auth.Allows({}, nullptr)) << "no users configured: no authentication";
}

}  // namespace
}  // namespace exporter
