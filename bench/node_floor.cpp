// The kernel's floor for one node_exporter scrape: performs exactly the file
// reads, directory listings, statfs calls and netlink link dumps that one
// scrape of ours performs (the list comes from strace, see bench/node.py), in a
// tight loop, and prints the CPU time per iteration. Nothing else: no parsing,
// no serialisation, no HTTP.
//
//   node_floor LIST_FILE ITERATIONS
// LIST_FILE lines: "read PATH", "dir PATH", "statfs PATH", "netlink".
#include <dirent.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

char buffer[1 << 16];

void ReadFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  while (read(fd, buffer, sizeof buffer) > 0) {
  }
  close(fd);
}

void ListDir(const std::string& path) {
  DIR* dir = opendir(path.c_str());
  if (!dir) return;
  while (readdir(dir)) {
  }
  closedir(dir);
}

void Statfs(const std::string& path) {
  struct statfs s;
  statfs(path.c_str(), &s);
}

void NetlinkDump() {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return;
  struct {
    nlmsghdr header;
    ifinfomsg info;
  } request{};
  request.header.nlmsg_len = NLMSG_LENGTH(sizeof(ifinfomsg));
  request.header.nlmsg_type = RTM_GETLINK;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = 1;
  request.info.ifi_family = AF_UNSPEC;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  sendto(fd, &request, request.header.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel);
  bool done = false;
  while (!done) {
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    int remaining = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(h, remaining); h = NLMSG_NEXT(h, remaining)) {
      if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) done = true;
    }
  }
  close(fd);
}

double CpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s LIST_FILE ITERATIONS\n", argv[0]);
    return 2;
  }
  struct Op {
    char kind;
    std::string path;
  };
  std::vector<Op> ops;
  std::ifstream in(argv[1]);
  std::string line;
  while (std::getline(in, line)) {
    size_t space = line.find(' ');
    std::string kind = line.substr(0, space);
    std::string path = space == std::string::npos ? "" : line.substr(space + 1);
    if (kind == "read") ops.push_back({'r', path});
    else if (kind == "dir") ops.push_back({'d', path});
    else if (kind == "statfs") ops.push_back({'s', path});
    else if (kind == "netlink") ops.push_back({'n', ""});
  }
  long iterations = std::atol(argv[2]);
  if (iterations <= 0 || ops.empty()) return 2;
  double start = CpuSeconds();
  for (long i = 0; i < iterations; ++i) {
    for (const auto& op : ops) {
      switch (op.kind) {
        case 'r': ReadFile(op.path); break;
        case 'd': ListDir(op.path); break;
        case 's': Statfs(op.path); break;
        case 'n': NetlinkDump(); break;
      }
    }
  }
  double per_iteration_ms = (CpuSeconds() - start) * 1000 / static_cast<double>(iterations);
  std::printf("ops=%zu iterations=%ld cpu_ms_per_iteration=%.4f\n", ops.size(), iterations, per_iteration_ms);
  return 0;
}
