#pragma once

// Directory helpers for the sysfs hardware collectors (hwmon, thermal_zone,
// cpufreq, powersupplyclass, rapl, edac, bonding): listings as Go's
// os.ReadDir / filepath.Glob give them, sorted by name.

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace node {

struct DirEntry {
  std::string name;
  unsigned char type = DT_UNKNOWN;  // of the entry itself (a symlink is DT_LNK)
  ino_t inode = 0;                  // sysfs gives a re-created object a new inode
};

// The entries of path except "." and "..", sorted by name. False (errno in
// *error) when the directory cannot be opened.
inline bool ListDir(const std::string& path, std::vector<DirEntry>& out, int* error = nullptr) {
  out.clear();
  DIR* dir = opendir(path.c_str());
  if (!dir) {
    if (error) *error = errno;
    return false;
  }
  while (dirent* entry = readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    unsigned char type = entry->d_type;
    if (type == DT_UNKNOWN) {
      struct stat st;
      if (lstat((path + "/" + entry->d_name).c_str(), &st) == 0) {
        type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
      }
    }
    out.push_back({std::string(name), type, entry->d_ino});
  }
  closedir(dir);
  std::sort(out.begin(), out.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return true;
}

// Names in path that start with prefix followed by a digit (Go's Glob "prefix[0-9]*"), sorted.
inline std::vector<std::string> GlobNumbered(const std::string& path, std::string_view prefix) {
  std::vector<DirEntry> entries;
  std::vector<std::string> names;
  if (!ListDir(path, entries)) return names;
  for (auto& entry : entries) {
    if (entry.name.size() > prefix.size() && entry.name.compare(0, prefix.size(), prefix) == 0 &&
        entry.name[prefix.size()] >= '0' && entry.name[prefix.size()] <= '9') {
      names.push_back(std::move(entry.name));
    }
  }
  return names;
}

// Whether path is (or links to) a directory.
inline bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The path with every symlink resolved, or nullopt.
inline std::optional<std::string> RealPath(const std::string& path) {
  char buffer[PATH_MAX];
  if (!realpath(path.c_str(), buffer)) return std::nullopt;
  return std::string(buffer);
}

// The leading digits of name after prefix ("mc12" -> "12").
inline std::string NumberAfter(std::string_view name, std::string_view prefix) {
  size_t end = prefix.size();
  while (end < name.size() && name[end] >= '0' && name[end] <= '9') ++end;
  return std::string(name.substr(prefix.size(), end - prefix.size()));
}

}  // namespace node
