#include "json.h"

#include <gtest/gtest.h>

#include <string>

#include "exporter/strings.h"

namespace exporter::mattermost {
namespace {

TEST(MattermostJsonTest, ParsesScalarsAndContainers) {
  auto doc = ParseJson(R"( {"a": [1, -2.5e3, true, false, null, "x"], "b": {}, "c": [] } )");
  ASSERT_TRUE(doc.ok()) << doc.error();
  ASSERT_TRUE(doc->IsObject());
  const JsonValue* a = doc->Find("a");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->array.size(), 6u);
  EXPECT_EQ(a->array[0].number, 1);
  EXPECT_EQ(a->array[1].number, -2500);
  EXPECT_TRUE(a->array[2].boolean);
  EXPECT_EQ(a->array[3].type, JsonValue::Type::kBool);
  EXPECT_FALSE(a->array[3].boolean);
  EXPECT_EQ(a->array[4].type, JsonValue::Type::kNull);
  EXPECT_EQ(a->array[5].string, "x");
  EXPECT_TRUE(doc->Find("b")->IsObject());
  EXPECT_TRUE(doc->Find("c")->IsArray());
  EXPECT_EQ(doc->Find("missing"), nullptr);
}

TEST(MattermostJsonTest, DecodesEscapesAndUnicode) {
  auto doc = ParseJson(R"(["a\"b\\c\/d\b\f\n\r\t", "\u00e9\u20ac", "\ud83d\ude00", "\u0000z"])");
  ASSERT_TRUE(doc.ok()) << doc.error();
  EXPECT_EQ(doc->array[0].string, "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(doc->array[1].string, "\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(doc->array[2].string, "\xF0\x9F\x98\x80");
  EXPECT_EQ(doc->array[3].string, std::string("\0z", 2));
}

TEST(MattermostJsonTest, FindPrefersExactThenCaseInsensitiveAndLastDuplicate) {
  auto doc = ParseJson(R"({"sqlsettings": 1, "SqlSettings": 2, "SqlSettings": 3, "Other": 4})");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->Find("SqlSettings")->number, 3);
  EXPECT_EQ(doc->Find("SQLSETTINGS")->number, 3);  // the last case-insensitive match
  EXPECT_EQ(doc->Find("other")->number, 4);
}

TEST(MattermostJsonTest, AcceptsByteOrderMarkAndSurroundingBlanks) {
  auto doc = ParseJson("\xEF\xBB\xBF \r\n\t{\"k\":\"v\"}\n\n");
  ASSERT_TRUE(doc.ok()) << doc.error();
  EXPECT_EQ(doc->Find("k")->string, "v");
}

TEST(MattermostJsonTest, RejectsMalformedInput) {
  const char* bad[] = {
      "",           "   ",         "{",           "}",           "[1,]",
      "{\"a\":1,}", "{\"a\" 1}",   "{a:1}",       "[1 2]",       "01",
      "1.",         ".5",          "-",           "1e",          "+1",
      "tru",        "nul",         "falsey",      "\"abc",       "\"\\x\"",
      "\"\\u12\"",  "\"\\u12G4\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
      "\"a\nb\"",   "{} {}",       "[] x",        "{\"a\":}",    "[,1]",
      "NaN",        "Infinity",    "'single'",    "/* c */ {}",  "{\"a\":1 // c\n}",
  };
  for (const char* text : bad) {
    auto doc = ParseJson(text);
    EXPECT_FALSE(doc.ok()) << "accepted: " << text;
  }
}

TEST(MattermostJsonTest, ErrorsGiveOffsetsNotContent) {
  auto doc = ParseJson(R"({"DataSource": "postgres://u:hunter2@h/db", oops})");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.error().find("byte"), std::string::npos);
  EXPECT_EQ(doc.error().find("hunter2"), std::string::npos);
}

TEST(MattermostJsonTest, RefusesDeepNestingWithoutRecursingIntoIt) {
  std::string deep(100000, '[');
  auto doc = ParseJson(deep);
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.error().find("deep"), std::string::npos);
  std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(ParseJson(ok).ok());
  EXPECT_FALSE(ParseJson(std::string(65, '[') + std::string(65, ']')).ok());
  EXPECT_TRUE(ParseJson(std::string(65, '[') + std::string(65, ']'), 65).ok());
}

// A cheap stand-in for fuzzing: every prefix and many single-byte mutations of
// a real config must parse or fail cleanly (run under the sanitizer build too).
TEST(MattermostJsonTest, SurvivesTruncationsAndMutationsOfARealConfig) {
  auto text = ReadFile(std::string(TEST_SOURCE_DIR) + "/fixtures/mattermost/config-postgres.json");
  ASSERT_TRUE(text.has_value());
  ASSERT_TRUE(ParseJson(*text).ok());
  size_t accepted_prefixes = 0;
  for (size_t n = 0; n < text->size(); ++n) {
    if (ParseJson(std::string_view(*text).substr(0, n)).ok()) ++accepted_prefixes;
  }
  // An object is complete only at its closing brace: the one accepted prefix
  // is the document without its final newline.
  EXPECT_EQ(accepted_prefixes, 1u);
  const unsigned char replacements[] = {0, '"', '\\', '{', '}', '[', ']', ',', ':', 0x80, 0xFF, 'u', '\n'};
  for (size_t i = 0; i < text->size(); i += 3) {
    for (unsigned char c : replacements) {
      std::string mutated = *text;
      mutated[i] = static_cast<char>(c);
      auto doc = ParseJson(mutated);
      if (doc.ok()) (void)doc->Find("SqlSettings");
    }
  }
}

}  // namespace
}  // namespace exporter::mattermost
