#include "parse/xfs.h"

#include <charconv>
#include <string>
#include <vector>

#include "parse/procfs.h"

namespace node::parse {

using exporter::Status;

namespace {

template <class T>
bool ToUnsigned(std::string_view s, T& out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

template <class T, size_t N>
Status Assign(std::string_view label, const std::vector<T>& values, std::array<T, N>& out, size_t min = N) {
  if (values.size() < min || values.size() > N) {
    return Status::Error("incorrect number of values for XFS " + std::string(label) +
                         " stats: " + std::to_string(values.size()));
  }
  out.fill(0);
  for (size_t i = 0; i < values.size(); ++i) out[i] = values[i];
  return {};
}

}  // namespace

exporter::Expected<XfsStats> ParseXfsStats(std::string_view content) {
  XfsStats stats;
  Status status;
  std::vector<uint32_t> values;
  std::vector<uint64_t> wide;
  ForEachLine(content, [&](std::string_view line) {
    if (!status.ok()) return;
    std::string_view rest = line;
    std::string_view label = NextField(rest);
    std::string_view first = NextField(rest);
    if (first.empty()) return;  // fewer than two fields: skipped
    rest = line;
    NextField(rest);
    bool extended = label == "xpc";
    values.clear();
    wide.clear();
    for (std::string_view field = NextField(rest); !field.empty(); field = NextField(rest)) {
      bool ok = extended ? ToUnsigned(field, wide.emplace_back()) : ToUnsigned(field, values.emplace_back());
      if (!ok) {
        status = Status::Error("invalid XFS statistics line \"" + std::string(line.substr(0, 160)) + "\"");
        return;
      }
    }
    if (extended)
      status = Assign(label, wide, stats.xpc);
    else if (label == "extent_alloc")
      status = Assign(label, values, stats.extent_alloc);
    else if (label == "abt")
      status = Assign(label, values, stats.abt);
    else if (label == "blk_map")
      status = Assign(label, values, stats.blk_map);
    else if (label == "bmbt")
      status = Assign(label, values, stats.bmbt);
    else if (label == "dir")
      status = Assign(label, values, stats.dir);
    else if (label == "trans")
      status = Assign(label, values, stats.trans);
    else if (label == "ig")
      status = Assign(label, values, stats.ig);
    else if (label == "log")
      status = Assign(label, values, stats.log);
    else if (label == "rw")
      status = Assign(label, values, stats.rw);
    else if (label == "attr")
      status = Assign(label, values, stats.attr);
    else if (label == "icluster")
      status = Assign(label, values, stats.icluster);
    else if (label == "vnodes")
      status = Assign(label, values, stats.vnodes, 7);  // "free" is newer
    else if (label == "buf")
      status = Assign(label, values, stats.buf);
  });
  if (!status.ok()) return status;
  return stats;
}

}  // namespace node::parse
