#include "tls_compat.h"

#include <dlfcn.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>

namespace exporter::tls_compat {

extern const unsigned char k_ssl_shim[];
extern const std::size_t k_ssl_shim_size;
extern const unsigned char k_crypto_shim[];
extern const std::size_t k_crypto_shim_size;

namespace {
Status LoadFromMemory(const char* name, const unsigned char* bytes, std::size_t size) {
  int fd = memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) return Status::Error(std::string("memfd_create: ") + std::strerror(errno));
  std::size_t written = 0;
  while (written < size) {
    ssize_t n = ::write(fd, bytes + written, size - written);
    if (n <= 0) {
      ::close(fd);
      return Status::Error(std::string("writing the TLS shim: ") + std::strerror(errno));
    }
    written += static_cast<std::size_t>(n);
  }
  // The fd stays open: the loader knows an object by its path too, and a
  // reused /proc/self/fd/N would make the next shim match this one.
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    ::close(fd);
    return Status::Error(std::string("loading the TLS shim: ") + ::dlerror());
  }
  return {};
}
}  // namespace

Status PrepareCivetwebTls() {
  static std::once_flag once;
  static Status result;
  std::call_once(once, [] {
    result = LoadFromMemory("libcrypto.so", k_crypto_shim, k_crypto_shim_size);
    if (result) result = LoadFromMemory("libssl.so", k_ssl_shim, k_ssl_shim_size);
  });
  return result;
}

}  // namespace exporter::tls_compat
