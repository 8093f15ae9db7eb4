#pragma once

// What every node collector shares: the filesystem roots set by the --path.*
// flags, a buffer-reusing file reader, and the per-scrape read of files that
// more than one collector parses.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace node {

struct Paths {
  std::string procfs = "/proc";
  std::string sysfs = "/sys";
  std::string rootfs = "/";
  std::string udev_data = "/run/udev/data";
};

// Set once by main after flag parsing, before any collector is created.
Paths& MutablePaths();
inline const Paths& paths() { return MutablePaths(); }

std::string ProcPath(std::string_view relative);    // <procfs>/relative
std::string SysPath(std::string_view relative);     // <sysfs>/relative
std::string RootfsPath(std::string_view absolute);  // <rootfs>/absolute
// A mount point as seen from the host: the --path.rootfs prefix removed.
std::string RootfsStripPrefix(std::string_view path, std::string_view rootfs);

// Reads a whole file into buffer, reusing its capacity. False (and errno in
// *error) when it cannot be opened or read.
bool ReadInto(const std::string& path, std::string& buffer, int* error = nullptr);
// The same from an open descriptor (left open).
bool ReadFd(int fd, std::string& buffer, int* error = nullptr);

// The scrape generation: main bumps it at the start of each scrape, so files
// that several collectors parse are read once per scrape.
void BeginScrape();

class SharedFile {
 public:
  // Copies this scrape's content of path into out; reads the file if this scrape has not yet.
  bool Get(const std::string& path, std::string& out, int* error = nullptr);

 private:
  std::string path_;
  std::mutex mutex_;
  uint64_t generation_ = 0;
  bool valid_ = false;
  bool ok_ = false;
  int error_ = 0;
  std::string content_;
};

// <procfs>/stat, read by the cpu and stat collectors.
SharedFile& ProcStatFile();

}  // namespace node
