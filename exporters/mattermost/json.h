#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "exporter/status.h"

namespace exporter::mattermost {

struct JsonMember;

// A parsed JSON document (RFC 8259). Small and allocation-happy: it is meant
// for configuration files read at start-up, not for hot paths.
struct JsonValue {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<JsonValue> array;
  std::vector<JsonMember> object;  // in document order, duplicates kept

  bool IsString() const { return type == Type::kString; }
  bool IsArray() const { return type == Type::kArray; }
  bool IsObject() const { return type == Type::kObject; }
  // The member named key: an exact match (the last one when repeated), else a
  // case-insensitive one, as Go's encoding/json (Mattermost's reader) matches
  // struct fields. nullptr when absent or when this is not an object.
  const JsonValue* Find(std::string_view key) const;
};

struct JsonMember {
  std::string key;
  JsonValue value;
};

// Parses a whole document: one value, optionally surrounded by whitespace and
// preceded by a UTF-8 byte order mark. Strict otherwise (no comments, no
// trailing commas, no control characters in strings, no lone surrogates).
// Nesting deeper than max_depth is refused rather than recursed into. Errors
// carry the byte offset, never the surrounding text (it may hold passwords).
Expected<JsonValue> ParseJson(std::string_view text, size_t max_depth = 64);

}  // namespace exporter::mattermost
