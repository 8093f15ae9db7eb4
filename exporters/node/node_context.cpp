#include "node_context.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace node {

namespace {
std::atomic<uint64_t> scrape_generation{1};

std::string Join(const std::string& root, std::string_view relative) {
  std::string path = root;
  while (!relative.empty() && relative.front() == '/') relative.remove_prefix(1);
  if (path.empty() || path.back() != '/') path.push_back('/');
  path.append(relative);
  return path;
}
}  // namespace

Paths& MutablePaths() {
  static Paths paths;
  return paths;
}

std::string ProcPath(std::string_view relative) { return Join(paths().procfs, relative); }
std::string SysPath(std::string_view relative) { return Join(paths().sysfs, relative); }
std::string RootfsPath(std::string_view absolute) { return Join(paths().rootfs, absolute); }

std::string RootfsStripPrefix(std::string_view path, std::string_view rootfs) {
  while (rootfs.size() > 1 && rootfs.back() == '/') rootfs.remove_suffix(1);
  if (rootfs == "/" || rootfs.empty()) return std::string(path);
  if (path.substr(0, rootfs.size()) != rootfs) return std::string(path);
  std::string_view rest = path.substr(rootfs.size());
  if (rest.empty()) return "/";
  if (rest.front() != '/') return std::string(path);  // "/rootfs2" is not under "/rootfs"
  return std::string(rest);
}

bool ReadFd(int fd, std::string& buffer, int* error) {
  if (buffer.capacity() < 4096) buffer.reserve(4096);
  buffer.resize(buffer.capacity());
  size_t used = 0;
  while (true) {
    if (used == buffer.size()) buffer.resize(buffer.size() * 2);
    ssize_t n = ::read(fd, buffer.data() + used, buffer.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (error) *error = errno;
      buffer.clear();
      return false;
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  buffer.resize(used);
  return true;
}

bool ReadInto(const std::string& path, std::string& buffer, int* error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (error) *error = errno;
    return false;
  }
  bool ok = ReadFd(fd, buffer, error);
  ::close(fd);
  return ok;
}

void BeginScrape() { scrape_generation.fetch_add(1); }

bool SharedFile::Get(const std::string& path, std::string& out, int* error) {
  std::lock_guard lock(mutex_);
  uint64_t generation = scrape_generation.load();
  if (!valid_ || generation_ != generation || path != path_) {
    path_ = path;
    int read_error = 0;
    ok_ = ReadInto(path_, content_, &read_error);
    error_ = read_error;
    generation_ = generation;
    valid_ = true;
  }
  if (error) *error = error_;
  if (!ok_) return false;
  out.assign(content_);
  return true;
}

SharedFile& ProcStatFile() {
  static SharedFile file;
  return file;
}

}  // namespace node
