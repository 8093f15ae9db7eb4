#include "parse/zfs.h"

#include <cctype>

#include "exporter/strings.h"
#include "parse/procfs.h"

namespace node::parse {

using exporter::Status;

namespace {

constexpr std::string_view kUint64Type = "4";  // KSTAT_DATA_UINT64

bool IsHeader(std::string_view line) {
  std::string_view rest = line;
  return NextField(rest) == "name" && NextField(rest) == "type" && NextField(rest) == "data" && NextField(rest).empty();
}

Status BadValue(std::string_view name) {
  return Status::Error("could not parse expected integer value for \"" + std::string(name) + "\"");
}

// Calls fn(name, type, data) for each row of three fields or more after the header.
// False when there is no header.
template <class Fn>
bool ForEachRow(std::string_view content, Fn&& fn) {
  bool in_rows = false;
  ForEachLine(content, [&](std::string_view line) {
    if (!in_rows) {
      in_rows = IsHeader(line);
      return;
    }
    std::string_view rest = line;
    std::string_view name = NextField(rest), type = NextField(rest), data = NextField(rest);
    if (data.empty()) return;
    fn(name, type, data);
  });
  return in_rows;
}

}  // namespace

exporter::Expected<ZfsValues> ParseZfsKstat(std::string_view content) {
  ZfsValues values;
  Status status;
  bool header = ForEachRow(content, [&](std::string_view name, std::string_view type, std::string_view data) {
    if (!status.ok() || type != kUint64Type) return;
    auto value = exporter::ParseUint(data);
    if (!value)
      status = BadValue(name);
    else
      values.emplace_back(name, *value);
  });
  if (!status.ok()) return status;
  if (!header) return Status::Error("did not parse a single metric: no \"name type data\" header");
  return values;
}

exporter::Expected<ZfsValues> ParseZfsPoolIo(std::string_view content) {
  ZfsValues values;
  Status status;
  std::vector<std::string_view> columns;
  ForEachLine(content, [&](std::string_view line) {
    if (!status.ok()) return;
    auto fields = exporter::SplitFields(line);
    if (columns.empty()) {
      if (fields.size() >= 12 && fields[0] == "nread") columns = std::move(fields);
      return;
    }
    if (fields.size() < columns.size()) {
      status = Status::Error("pool io row has " + std::to_string(fields.size()) + " values for " +
                             std::to_string(columns.size()) + " columns");
      return;
    }
    for (size_t i = 0; i < columns.size(); ++i) {
      auto value = exporter::ParseUint(fields[i]);
      if (!value) {
        status = BadValue(columns[i]);
        return;
      }
      values.emplace_back(columns[i], *value);
    }
  });
  if (!status.ok()) return status;
  return values;
}

exporter::Expected<ZfsObjset> ParseZfsObjset(std::string_view content) {
  ZfsObjset objset;
  Status status;
  bool header = ForEachRow(content, [&](std::string_view name, std::string_view type, std::string_view data) {
    if (!status.ok()) return;
    if (name == "dataset_name") {
      objset.dataset = std::string(data);
      return;
    }
    if (type != kUint64Type) return;
    auto value = exporter::ParseUint(data);
    if (!value)
      status = BadValue(name);
    else
      objset.values.emplace_back(name, *value);
  });
  if (!status.ok()) return status;
  if (!header) return Status::Error("did not parse a single objset metric: no \"name type data\" header");
  return objset;
}

std::string ParseZfsPoolState(std::string_view content) {
  std::string state(content.substr(0, content.find('\n')));
  for (char& c : state) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return state;
}

std::string ZfsMetricName(std::string_view row_name) {
  size_t dot = row_name.rfind('.');
  if (dot != std::string_view::npos) row_name.remove_prefix(dot + 1);
  std::string name(row_name);
  for (char& c : name) {
    if (c == '-') c = '_';
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':') return {};
  }
  return name;
}

}  // namespace node::parse
