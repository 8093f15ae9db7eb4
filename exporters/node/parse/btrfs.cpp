#include "parse/btrfs.h"

#include "exporter/strings.h"
#include "parse/procfs.h"

namespace node::parse {

uint64_t ParseBtrfsValue(std::string_view content) { return exporter::ParseUint(exporter::Trim(content)).value_or(0); }

double BtrfsAllocationRatio(std::string_view mode, size_t devices) {
  double n = static_cast<double>(devices);
  if (mode == "single" || mode == "raid0") return 1;
  if (mode == "dup" || mode == "raid1" || mode == "raid10") return 2;
  if (mode == "raid5") return n / (n - 1);
  if (mode == "raid6") return n / (n - 2);
  return 0;
}

exporter::Expected<std::vector<BtrfsMountEntry>> ParseBtrfsMounts(std::string_view content) {
  std::vector<BtrfsMountEntry> mounts;
  exporter::Status status;
  ForEachLine(content, [&](std::string_view line) {
    if (!status.ok()) return;
    auto fields = exporter::SplitFields(line);
    if (fields.size() < 4) {
      status = exporter::Status::Error("malformed mount point information: \"" + std::string(line) + "\"");
      return;
    }
    std::string mount_point;
    std::string_view rest = fields[1];
    while (!rest.empty()) {
      if (rest.substr(0, 4) == "\\040") {
        mount_point += ' ';
        rest.remove_prefix(4);
      } else if (rest.substr(0, 4) == "\\011") {
        mount_point += '\t';
        rest.remove_prefix(4);
      } else {
        mount_point += rest.front();
        rest.remove_prefix(1);
      }
    }
    mounts.push_back({std::string(fields[0]), std::move(mount_point), std::string(fields[2])});
  });
  if (!status.ok()) return status;
  return mounts;
}

namespace {
void AppendHex(std::string& out, const uint8_t* bytes, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
}
}  // namespace

std::string FormatBtrfsFsid(const uint8_t (&fsid)[16]) {
  std::string out;
  AppendHex(out, fsid, 16);
  return out;
}

std::string FormatBtrfsUuid(const uint8_t (&uuid)[16]) {
  bool zero = true;
  for (uint8_t b : uuid) zero &= b == 0;
  if (zero) return "<zero>";
  std::string out;
  AppendHex(out, uuid, 4);
  out += '-';
  AppendHex(out, uuid + 4, 2);
  out += '-';
  AppendHex(out, uuid + 6, 2);
  out += '-';
  AppendHex(out, uuid + 8, 2);
  out += '-';
  AppendHex(out, uuid + 10, 6);
  return out;
}

}  // namespace node::parse
