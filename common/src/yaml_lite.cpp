#include "exporter/yaml_lite.h"

#include "exporter/strings.h"

namespace exporter {

const YamlNode* YamlNode::Find(std::string_view key) const {
  for (const auto& [name, value] : map) {
    if (name == key) return &value;
  }
  return nullptr;
}

namespace {

struct Line {
  int number;
  size_t indent;
  std::string_view text;  // without indentation and comment
};

Status ErrorAt(int line, const std::string& message) {
  return Status::Error("line " + std::to_string(line) + ": " + message);
}

// Cuts a " #" comment outside quotes.
std::string_view StripComment(std::string_view text) {
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == '\\' && quote == '"') ++i;
      else if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      if (i == 0 || text[i - 1] == ' ' || text[i - 1] == '[' || text[i - 1] == ',' || text[i - 1] == ':') quote = c;
    } else if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) {
      return text.substr(0, i);
    }
  }
  return text;
}

Expected<std::string> ParseScalar(std::string_view text, int line) {
  text = Trim(text);
  if (text.empty()) return std::string();
  char first = text.front();
  if (first == '&' || first == '*' || first == '!' || first == '|' || first == '>' || first == '{') {
    return ErrorAt(line, "unsupported YAML construct '" + std::string(1, first) + "'");
  }
  if (first == '\'') {
    if (text.size() < 2 || text.back() != '\'') return ErrorAt(line, "unterminated single-quoted string");
    std::string out;
    for (size_t i = 1; i + 1 < text.size(); ++i) {
      out.push_back(text[i]);
      if (text[i] == '\'') {
        if (i + 2 < text.size() && text[i + 1] == '\'') ++i;
        else return ErrorAt(line, "stray quote in single-quoted string");
      }
    }
    return out;
  }
  if (first == '"') {
    if (text.size() < 2 || text.back() != '"') return ErrorAt(line, "unterminated double-quoted string");
    std::string out;
    for (size_t i = 1; i + 1 < text.size(); ++i) {
      char c = text[i];
      if (c != '\\') {
        if (c == '"') return ErrorAt(line, "stray quote in double-quoted string");
        out.push_back(c);
        continue;
      }
      if (i + 2 >= text.size()) return ErrorAt(line, "dangling backslash");
      char e = text[++i];
      switch (e) {
        case 'n': out.push_back('\n'); break;
        case 't': out.push_back('\t'); break;
        case 'r': out.push_back('\r'); break;
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case '0': out.push_back('\0'); break;
        default: return ErrorAt(line, std::string("unsupported escape \\") + e);
      }
    }
    return out;
  }
  if (text == "~" || text == "null") return std::string();
  return std::string(text);
}

Expected<YamlNode> ParseFlowList(std::string_view text, int line) {
  YamlNode node;
  node.kind = YamlNode::Kind::kList;
  node.line = line;
  text = Trim(text);
  if (text.size() < 2 || text.back() != ']') return ErrorAt(line, "unterminated flow sequence");
  std::string_view inner = Trim(text.substr(1, text.size() - 2));
  if (inner.empty()) return node;
  size_t start = 0;
  char quote = 0;
  for (size_t i = 0; i <= inner.size(); ++i) {
    if (i < inner.size()) {
      char c = inner[i];
      if (quote) {
        if (c == quote) quote = 0;
        continue;
      }
      if (c == '"' || c == '\'') {
        quote = c;
        continue;
      }
      if (c == '[' || c == '{') return ErrorAt(line, "nested flow collections are not supported");
      if (c != ',') continue;
    }
    auto item = ParseScalar(inner.substr(start, i - start), line);
    if (!item) return item.status();
    YamlNode child;
    child.kind = YamlNode::Kind::kScalar;
    child.scalar = *item;
    child.line = line;
    node.list.push_back(std::move(child));
    start = i + 1;
  }
  if (quote) return ErrorAt(line, "unterminated string in flow sequence");
  return node;
}

// Finds the ": " (or trailing ':') that ends a mapping key, outside quotes.
size_t FindKeyColon(std::string_view text) {
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if ((c == '"' || c == '\'') && i == 0) {
      quote = c;
      continue;
    }
    if (c == ':' && (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\t')) return i;
  }
  return std::string_view::npos;
}

class Parser {
 public:
  explicit Parser(std::vector<Line> lines) : lines_(std::move(lines)) {}

  Expected<YamlNode> ParseDocument() {
    if (lines_.empty()) return YamlNode{};
    auto node = ParseBlock(lines_[0].indent);
    if (!node) return node;
    if (pos_ < lines_.size()) return ErrorAt(lines_[pos_].number, "unexpected indentation");
    return node;
  }

 private:
  // Parses the block whose lines start at exactly `indent`.
  Expected<YamlNode> ParseBlock(size_t indent) {
    const Line& first = lines_[pos_];
    if (first.text.substr(0, 2) == "- " || first.text == "-") return ParseList(indent);
    return ParseMap(indent);
  }

  // The value after "key:" or "- ": inline, or a nested block on the next lines.
  Expected<YamlNode> ParseValue(std::string_view inline_text, size_t parent_indent, int line, bool allow_same) {
    inline_text = Trim(inline_text);
    if (!inline_text.empty()) {
      if (inline_text.front() == '[') return ParseFlowList(inline_text, line);
      auto scalar = ParseScalar(inline_text, line);
      if (!scalar) return scalar.status();
      YamlNode node;
      node.kind = YamlNode::Kind::kScalar;
      node.scalar = *scalar;
      node.line = line;
      return node;
    }
    // A block sequence may sit at the same indentation as its parent key.
    if (pos_ < lines_.size() && (lines_[pos_].indent > parent_indent ||
                                 (allow_same && lines_[pos_].indent == parent_indent &&
                                  (lines_[pos_].text.substr(0, 2) == "- " || lines_[pos_].text == "-")))) {
      return ParseBlock(lines_[pos_].indent);
    }
    YamlNode null_node;
    null_node.line = line;
    return null_node;
  }

  Expected<YamlNode> ParseMap(size_t indent) {
    YamlNode node;
    node.kind = YamlNode::Kind::kMap;
    node.line = lines_[pos_].number;
    while (pos_ < lines_.size() && lines_[pos_].indent == indent) {
      const Line line = lines_[pos_];
      if (line.text.substr(0, 2) == "- ") return ErrorAt(line.number, "sequence item where a mapping key was expected");
      size_t colon = FindKeyColon(line.text);
      if (colon == std::string_view::npos) return ErrorAt(line.number, "expected 'key: value'");
      auto key = ParseScalar(line.text.substr(0, colon), line.number);
      if (!key) return key.status();
      if (node.Find(*key)) return ErrorAt(line.number, "duplicate key '" + *key + "'");
      ++pos_;
      auto value = ParseValue(line.text.substr(colon + 1), indent, line.number, true);
      if (!value) return value;
      node.map.push_back({*key, std::move(*value)});
    }
    if (pos_ < lines_.size() && lines_[pos_].indent > indent) return ErrorAt(lines_[pos_].number, "bad indentation");
    return node;
  }

  Expected<YamlNode> ParseList(size_t indent) {
    YamlNode node;
    node.kind = YamlNode::Kind::kList;
    node.line = lines_[pos_].number;
    while (pos_ < lines_.size() && lines_[pos_].indent == indent &&
           (lines_[pos_].text.substr(0, 2) == "- " || lines_[pos_].text == "-")) {
      Line line = lines_[pos_];
      std::string_view rest = line.text.size() > 1 ? line.text.substr(2) : std::string_view();
      size_t inner_indent = indent + 2 + (rest.size() - Trim(rest).size());
      rest = Trim(rest);
      if (!rest.empty() && FindKeyColon(rest) != std::string_view::npos && rest.front() != '[' &&
          rest.front() != '"' && rest.front() != '\'') {
        // "- key: value" starts a mapping whose keys sit at the item's column.
        lines_[pos_].indent = inner_indent;
        lines_[pos_].text = rest;
        auto item = ParseMap(inner_indent);
        if (!item) return item;
        node.list.push_back(std::move(*item));
        continue;
      }
      ++pos_;
      auto item = ParseValue(rest, indent, line.number, false);
      if (!item) return item;
      node.list.push_back(std::move(*item));
    }
    return node;
  }

  std::vector<Line> lines_;
  size_t pos_ = 0;
};

}  // namespace

Expected<YamlNode> ParseYaml(std::string_view text) {
  std::vector<Line> lines;
  int number = 0;
  for (auto raw : Split(text, '\n')) {
    ++number;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    size_t indent = 0;
    while (indent < raw.size() && raw[indent] == ' ') ++indent;
    if (indent < raw.size() && raw[indent] == '\t') return ErrorAt(number, "tabs are not allowed for indentation");
    std::string_view content = StripComment(raw.substr(indent));
    while (!content.empty() && (content.back() == ' ' || content.back() == '\t')) content.remove_suffix(1);
    if (content.empty()) continue;
    if (content == "---" && lines.empty()) continue;
    if (content == "---" || content == "...") return ErrorAt(number, "multiple documents are not supported");
    lines.push_back({number, indent, content});
  }
  return Parser(std::move(lines)).ParseDocument();
}

}  // namespace exporter
