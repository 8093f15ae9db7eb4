#include <dirent.h>
#include <fcntl.h>
#include <linux/btrfs.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "collectors/part2_util.h"
#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "exporter/strings.h"
#include "node_context.h"
#include "parse/btrfs.h"

namespace node {
namespace {

const char* const kBlockGroupTypes[] = {"data", "metadata", "system"};

// A device of a mounted filesystem, from the btrfs ioctls.
struct IoctlDevice {
  std::string name;  // last element of its path: "sda"
  std::string uuid;
  uint64_t total_bytes = 0, used_bytes = 0;
  std::array<uint64_t, 5> errors{};  // write, read, flush, corruption, generation
};
const char* const kErrorTypes[] = {"write", "read", "flush", "corruption", "generation"};

// The devices of the filesystem mounted at path, or false (errno set) when it is not a
// btrfs subvolume root or an ioctl fails.
bool QueryDevices(const std::string& path, std::string& fsid, std::vector<IoctlDevice>& devices) {
  struct statfs fs;
  struct stat st;
  // As github.com/dennwc/btrfs' Open: the path must be the root (inode 256) of a btrfs subvolume.
  if (statfs(path.c_str(), &fs) != 0 || stat(path.c_str(), &st) != 0) return false;
  if (static_cast<uint32_t>(fs.f_type) != BTRFS_SUPER_MAGIC || st.st_ino != 256) {
    errno = EINVAL;
    return false;
  }
  int fd = open(path.c_str(), O_RDONLY | O_NOATIME | O_CLOEXEC);
  if (fd < 0) fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);  // O_NOATIME needs ownership
  if (fd < 0) return false;
  btrfs_ioctl_fs_info_args info{};
  bool ok = ioctl(fd, BTRFS_IOC_FS_INFO, &info) == 0;
  if (ok) {
    fsid = parse::FormatBtrfsFsid(info.fsid);
    devices.clear();
    for (uint64_t id = 0; id <= info.max_id && devices.size() < info.num_devices; ++id) {
      btrfs_ioctl_dev_info_args dev{};
      dev.devid = id;
      if (ioctl(fd, BTRFS_IOC_DEV_INFO, &dev) != 0) {
        if (errno == ENODEV) continue;  // device ids need not be contiguous
        ok = false;
        break;
      }
      btrfs_ioctl_get_dev_stats stats{};
      stats.devid = id;
      stats.nr_items = BTRFS_DEV_STAT_VALUES_MAX;
      if (ioctl(fd, BTRFS_IOC_GET_DEV_STATS, &stats) != 0) {
        ok = false;
        break;
      }
      IoctlDevice& device = devices.emplace_back();
      std::string dev_path(reinterpret_cast<const char*>(dev.path),
                           strnlen(reinterpret_cast<const char*>(dev.path), sizeof(dev.path)));
      device.name = dev_path.substr(dev_path.rfind('/') + 1);
      device.uuid = parse::FormatBtrfsUuid(dev.uuid);
      device.total_bytes = dev.total_bytes;
      device.used_bytes = dev.bytes_used;
      device.errors = {stats.values[BTRFS_DEV_STAT_WRITE_ERRS], stats.values[BTRFS_DEV_STAT_READ_ERRS],
                       stats.values[BTRFS_DEV_STAT_FLUSH_ERRS], stats.values[BTRFS_DEV_STAT_CORRUPTION_ERRS],
                       stats.values[BTRFS_DEV_STAT_GENERATION_ERRS]};
    }
  }
  int saved = errno;
  close(fd);
  errno = saved;
  return ok;
}

// The sorted entries of a directory; false when it cannot be listed.
bool ListDir(const std::string& path, std::vector<std::string>& names, bool dirs_only = false) {
  names.clear();
  DIR* dir = opendir(path.c_str());
  if (!dir) return false;
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (dirs_only) {
      // As Go's ReadDir: a symbolic link to a directory is not a directory.
      struct stat st;
      if (lstat((path + "/" + name).c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    }
    names.push_back(std::move(name));
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return true;
}

class BtrfsCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    return AllOrNothing(out, [this](exporter::Families& families) { return Gather(families); });
  }

 private:
  exporter::Status Gather(exporter::Families& out) {
    // Filesystems are <sysfs>/fs/btrfs/<uuid>; "features" there is the kernel's, not a filesystem.
    std::vector<std::string> filesystems;
    ListDir(base_, filesystems);
    filesystems.erase(std::remove_if(filesystems.begin(), filesystems.end(),
                                     [](const std::string& name) { return name.find('-') == std::string::npos; }),
                      filesystems.end());

    auto info = exporter::Gauge(out, "node_btrfs_info", "Filesystem information");
    auto global_rsv = exporter::Gauge(out, "node_btrfs_global_rsv_size_bytes", "Size of global reserve.");
    auto reserved = exporter::Gauge(out, "node_btrfs_reserved_bytes", "Amount of space reserved for a data type");
    auto used = exporter::Gauge(out, "node_btrfs_used_bytes", "Amount of used space by a layout/data type");
    auto size = exporter::Gauge(out, "node_btrfs_size_bytes", "Amount of space allocated for a layout/data type");
    auto ratio = exporter::Gauge(out, "node_btrfs_allocation_ratio", "Data allocation ratio for a layout/data type");
    auto device_size =
        exporter::Gauge(out, "node_btrfs_device_size_bytes", "Size of a device that is part of the filesystem.");

    // Mounted filesystems also report per-device errors through ioctls (by fsid, without dashes).
    std::map<std::string, std::vector<IoctlDevice>> ioctl_devices;
    if (!filesystems.empty()) ioctl_devices = IoctlStats();
    auto device_unused = exporter::Gauge(out, "node_btrfs_device_unused_bytes",
                                         "Unused bytes unused on a device that is part of the filesystem.");
    auto device_errors = exporter::Counter(out, "node_btrfs_device_errors_total", "Errors reported for the device");

    std::vector<std::string> devices, entries;
    for (const auto& name : filesystems) {
      Reader fs{base_ + "/" + name + "/", {}};
      List(fs, "devices", devices);
      std::vector<uint64_t> device_sizes;
      for (const auto& device : devices) {
        device_sizes.push_back(parse::kBtrfsSectorSize * Value(fs, "devices/" + device + "/size"));
      }
      std::string label = std::string(exporter::Trim(Text(fs, "label")));
      std::string uuid = std::string(exporter::Trim(Text(fs, "metadata_uuid")));
      if (uuid.empty()) uuid = name;
      List(fs, "features", entries);
      uint64_t global_rsv_size = Value(fs, "allocation/global_rsv_size");
      struct Layout {
        std::string mode;
        uint64_t total = 0, used = 0;
      };
      std::array<uint64_t, 3> reserved_bytes{};
      std::array<std::vector<Layout>, 3> type_layouts;
      for (size_t t = 0; t < 3; ++t) {
        // As procfs: each allocation directory has its own reader, whose error replaces the filesystem's.
        Reader allocation{fs.path + "allocation/" + kBlockGroupTypes[t] + "/", {}};
        reserved_bytes[t] = Value(allocation, "bytes_reserved");
        List(allocation, "", entries, true);
        for (const auto& mode : entries) {
          Layout& layout = type_layouts[t].emplace_back();
          layout.mode = mode;
          layout.total = Value(allocation, mode + "/total_bytes");
          layout.used = Value(allocation, mode + "/used_bytes");
        }
        fs.error = allocation.error;
      }
      if (!fs.error.ok()) return Failed(fs.error);

      info.Add(1, {{"label", label}, {"uuid", uuid}});
      global_rsv.Add(static_cast<double>(global_rsv_size), {{"uuid", uuid}});
      for (size_t t = 0; t < 3; ++t) {
        const char* type = kBlockGroupTypes[t];
        reserved.Add(static_cast<double>(reserved_bytes[t]), {{"block_group_type", type}, {"uuid", uuid}});
        for (const auto& layout : type_layouts[t]) {
          exporter::Labels labels = {{"block_group_type", type}, {"mode", layout.mode}, {"uuid", uuid}};
          used.Add(static_cast<double>(layout.used), labels);
          size.Add(static_cast<double>(layout.total), labels);
          ratio.Add(parse::BtrfsAllocationRatio(layout.mode, devices.size()), labels);
        }
      }
      std::string fsid = uuid;
      fsid.erase(std::remove(fsid.begin(), fsid.end(), '-'), fsid.end());
      if (auto it = ioctl_devices.find(fsid); it != ioctl_devices.end()) {
        for (const auto& device : it->second) {
          exporter::Labels labels = {{"btrfs_dev_uuid", device.uuid}, {"device", device.name}, {"uuid", uuid}};
          device_size.Add(static_cast<double>(device.total_bytes), labels);
          device_unused.Add(static_cast<double>(device.total_bytes - device.used_bytes), labels);
          for (size_t i = 0; i < device.errors.size(); ++i) {
            exporter::Labels error_labels = labels;
            error_labels.emplace_back("type", kErrorTypes[i]);
            device_errors.Add(static_cast<double>(device.errors[i]), error_labels);
          }
        }
      } else {
        for (size_t i = 0; i < devices.size(); ++i) {
          device_size.Add(static_cast<double>(device_sizes[i]), {{"device", devices[i]}, {"uuid", uuid}});
        }
      }
    }
    return {};
  }

  // Device statistics of the mounted btrfs filesystems by fsid. Failures only
  // leave the sysfs device sizes, as for node_exporter (which logs them at debug).
  std::map<std::string, std::vector<IoctlDevice>> IoctlStats() {
    std::map<std::string, std::vector<IoctlDevice>> result;
    int error = 0;
    if (!ReadInto(ProcPath("1/mounts"), buffer_, &error) && !ReadInto(ProcPath("mounts"), buffer_, &error)) {
      exporter::log::Debug("Error querying btrfs device stats with ioctl", {{"err", std::strerror(error)}});
      return result;
    }
    auto mounts = parse::ParseBtrfsMounts(buffer_);
    if (!mounts) {
      exporter::log::Debug("Error querying btrfs device stats with ioctl", {{"err", mounts.error()}});
      return result;
    }
    std::vector<std::string> done;  // block devices already queried through another mount point
    std::string fsid;
    std::vector<IoctlDevice> devices;
    for (const auto& mount : *mounts) {
      if (mount.fs_type != "btrfs" || std::find(done.begin(), done.end(), mount.device) != done.end()) continue;
      std::string path = RootfsPath(mount.mount_point);
      if (!QueryDevices(path, fsid, devices)) {
        exporter::log::Debug("Error inspecting btrfs mountpoint",
                             {{"mountPoint", path}, {"err", std::strerror(errno)}});
        continue;
      }
      if (result.count(fsid)) continue;
      done.push_back(mount.device);
      result[fsid] = std::move(devices);
    }
    return result;
  }

  static exporter::Status Failed(const exporter::Status& status) {
    return exporter::Status::Error("failed to retrieve Btrfs stats from procfs: " + status.message());
  }

  // procfs' reader of a directory: a read error other than "absent" is kept, makes the
  // reader's later values 0 and fails the filesystem (unless replaced, see above).
  struct Reader {
    std::string path;  // ends in '/'
    exporter::Status error;
  };
  // An attribute's content; "" when absent.
  const std::string& Text(Reader& reader, const std::string& name) {
    int error = 0;
    if (!ReadInto(reader.path + name, buffer_, &error)) {
      buffer_.clear();
      if (error != ENOENT) reader.error = ReadFailed(reader.path + name, error);
    }
    return buffer_;
  }
  uint64_t Value(Reader& reader, const std::string& name) {
    const std::string& text = Text(reader, name);
    return reader.error.ok() ? parse::ParseBtrfsValue(text) : 0;
  }
  void List(Reader& reader, const std::string& name, std::vector<std::string>& names, bool dirs_only = false) {
    if (!ListDir(reader.path + name, names, dirs_only)) reader.error = ReadFailed(reader.path + name, errno);
  }

  std::string base_ = SysPath("fs/btrfs");
  std::string buffer_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "btrfs", true, BtrfsCollector);

}  // namespace
}  // namespace node
