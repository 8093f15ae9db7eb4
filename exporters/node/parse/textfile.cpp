#include "parse/textfile.h"

#include <limits>
#include <map>
#include <optional>

#include "exporter/strings.h"

namespace node::parse {

using exporter::Status;

namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }
bool IsLabelStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsLabelChar(char c) { return IsLabelStart(c) || (c >= '0' && c <= '9'); }

void SkipBlanks(std::string_view& s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
}

std::string_view TakeName(std::string_view& s) {
  if (s.empty() || !IsNameStart(s.front())) return {};
  size_t i = 1;
  while (i < s.size() && IsNameChar(s[i])) ++i;
  std::string_view name = s.substr(0, i);
  s.remove_prefix(i);
  return name;
}

std::optional<double> ParseValue(std::string_view s) {
  if (s == "+Inf" || s == "Inf") return std::numeric_limits<double>::infinity();
  if (s == "-Inf") return -std::numeric_limits<double>::infinity();
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  return exporter::ParseDouble(s);
}

// The family a sample belongs to: summaries and histograms own name_sum,
// name_count (and name_bucket) samples.
std::string_view FamilyOf(std::string_view name, const std::map<std::string, size_t, std::less<>>& index,
                          const std::vector<TextFamily>& families) {
  for (std::string_view suffix : {"_sum", "_count", "_bucket"}) {
    if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix) continue;
    std::string_view base = name.substr(0, name.size() - suffix.size());
    auto it = index.find(base);
    if (it == index.end()) continue;
    const std::string& type = families[it->second].type;
    if (type == "histogram" || (type == "summary" && suffix != "_bucket")) return base;
  }
  return name;
}

}  // namespace

exporter::Expected<std::vector<TextFamily>> ParseTextFormat(std::string_view content) {
  std::vector<TextFamily> families;
  std::map<std::string, size_t, std::less<>> index;
  auto family_for = [&](std::string_view name) -> TextFamily& {
    auto it = index.find(name);
    if (it != index.end()) return families[it->second];
    index.emplace(std::string(name), families.size());
    families.push_back({});
    families.back().name = std::string(name);
    return families.back();
  };
  int line_number = 0;
  while (!content.empty()) {
    size_t end = content.find('\n');
    std::string_view line = content.substr(0, end);
    content.remove_prefix(end == std::string_view::npos ? content.size() : end + 1);
    ++line_number;
    auto error = [&](const std::string& what) {
      return Status::Error("text format parsing error in line " + std::to_string(line_number) + ": " + what);
    };
    SkipBlanks(line);
    if (line.empty()) continue;
    if (line.front() == '#') {
      line.remove_prefix(1);
      SkipBlanks(line);
      bool help = exporter::StartsWith(line, "HELP");
      bool type = exporter::StartsWith(line, "TYPE");
      if (!help && !type) continue;  // an ordinary comment
      line.remove_prefix(4);
      if (line.empty() || (line.front() != ' ' && line.front() != '\t')) continue;
      SkipBlanks(line);
      std::string_view name = TakeName(line);
      if (name.empty()) return error("invalid metric name in comment");
      if (!line.empty() && line.front() != ' ' && line.front() != '\t') return error("invalid metric name in comment");
      SkipBlanks(line);
      TextFamily& family = family_for(name);
      if (help) {
        if (family.has_help) return error("second HELP line for metric name \"" + std::string(name) + "\"");
        family.has_help = true;
        std::string text;
        for (size_t i = 0; i < line.size(); ++i) {
          if (line[i] == '\\' && i + 1 < line.size() && (line[i + 1] == '\\' || line[i + 1] == 'n')) {
            text.push_back(line[i + 1] == 'n' ? '\n' : '\\');
            ++i;
          } else {
            text.push_back(line[i]);
          }
        }
        family.help = std::move(text);
      } else {
        std::string_view kind = exporter::Trim(line);
        if (kind != "counter" && kind != "gauge" && kind != "untyped" && kind != "summary" && kind != "histogram") {
          return error("unknown metric type \"" + std::string(kind) + "\"");
        }
        if (!family.samples.empty()) return error("TYPE line for \"" + std::string(name) + "\" after its samples");
        if (family.type != "untyped" || kind == "untyped") {
          if (family.type != "untyped") return error("second TYPE line for metric name \"" + std::string(name) + "\"");
        }
        family.type = std::string(kind);
      }
      continue;
    }

    TextSample sample;
    std::string_view name = TakeName(line);
    if (name.empty()) return error("invalid metric name");
    sample.name = std::string(name);
    SkipBlanks(line);
    if (!line.empty() && line.front() == '{') {
      line.remove_prefix(1);
      while (true) {
        SkipBlanks(line);
        if (line.empty()) return error("unexpected end of label set");
        if (line.front() == '}') {
          line.remove_prefix(1);
          break;
        }
        if (!IsLabelStart(line.front())) return error("invalid label name");
        size_t i = 1;
        while (i < line.size() && IsLabelChar(line[i])) ++i;
        std::string label(line.substr(0, i));
        line.remove_prefix(i);
        SkipBlanks(line);
        if (line.empty() || line.front() != '=') return error("expected '=' after label name");
        line.remove_prefix(1);
        SkipBlanks(line);
        if (line.empty() || line.front() != '"') return error("expected '\"' to start a label value");
        line.remove_prefix(1);
        std::string value;
        bool closed = false;
        while (!line.empty()) {
          char c = line.front();
          line.remove_prefix(1);
          if (c == '"') {
            closed = true;
            break;
          }
          if (c == '\\') {
            if (line.empty()) break;
            char escaped = line.front();
            line.remove_prefix(1);
            if (escaped == 'n') value.push_back('\n');
            else if (escaped == '\\' || escaped == '"') value.push_back(escaped);
            else return error("invalid escape sequence in label value");
          } else {
            value.push_back(c);
          }
        }
        if (!closed) return error("unterminated label value");
        for (const auto& [existing, unused] : sample.labels) {
          if (existing == label) return error("duplicate label name \"" + label + "\"");
        }
        if (label == "__name__") return error("label name \"__name__\" is reserved");
        sample.labels.emplace_back(std::move(label), std::move(value));
        SkipBlanks(line);
        if (!line.empty() && line.front() == ',') line.remove_prefix(1);
        else if (line.empty() || line.front() != '}') return error("expected ',' or '}' after label value");
      }
    }
    SkipBlanks(line);
    std::string_view rest = exporter::Trim(line);
    size_t blank = rest.find_first_of(" \t");
    std::string_view value_text = rest.substr(0, blank);
    auto value = ParseValue(value_text);
    if (!value) return error("expected float as value, got \"" + std::string(value_text) + "\"");
    sample.value = *value;
    if (blank != std::string_view::npos) {
      std::string_view timestamp = exporter::Trim(rest.substr(blank));
      if (!exporter::ParseInt(timestamp)) return error("expected integer as timestamp, got \"" + std::string(timestamp) + "\"");
      sample.has_timestamp = true;
    }
    TextFamily& family = family_for(FamilyOf(sample.name, index, families));
    if (family.type == "summary" && family.name == sample.name) {
      bool has_quantile = false;
      for (const auto& [k, v] : sample.labels) has_quantile |= k == "quantile";
      if (!has_quantile) return error("summary sample without a quantile label");
    }
    if (family.type == "histogram" && sample.name == family.name + "_bucket") {
      bool has_le = false;
      for (const auto& [k, v] : sample.labels) has_le |= k == "le";
      if (!has_le) return error("histogram bucket without an le label");
    }
    family.samples.push_back(std::move(sample));
  }
  return families;
}

}  // namespace node::parse
