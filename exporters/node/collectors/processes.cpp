#include <dirent.h>

#include <map>
#include <optional>
#include <string>

#include "collectors/util.h"
#include "exporter/collector.h"
#include "exporter/metrics.h"
#include "node_context.h"
#include "parse/offdefault.h"
#include "parse/procfs.h"

namespace node {
namespace {

// The numeric entries of a /proc-like directory; false (errno set) when it cannot be read.
bool ListPids(const std::string& dir, std::vector<std::string>& pids) {
  pids.clear();
  DIR* handle = opendir(dir.c_str());
  if (!handle) return false;
  while (dirent* entry = readdir(handle)) {
    if (parse::IsPidName(entry->d_name)) pids.emplace_back(entry->d_name);
  }
  closedir(handle);
  return true;
}

// A process or thread that vanished while it was being read.
bool Vanished(int error) { return error == ENOENT || error == ESRCH; }

// Processes and threads by state, and the kernel's limits on both (/proc/PID/stat, /proc/PID/task/TID/stat).
class ProcessesCollector : public exporter::Collector {
 public:
  exporter::Status Collect(exporter::Families& out) override {
    std::map<std::string, double> process_states, thread_states;
    double pids = 0, threads = 0;
    if (auto status = Count(pids, threads, process_states, thread_states); !status.ok()) {
      return exporter::Status::Error("unable to retrieve number of allocated threads: " + status.message());
    }
    exporter::Gauge(out, "node_processes_threads", "Allocated threads in system").Add(threads);
    auto max_threads = ReadNumber("sys/kernel/threads-max");
    if (!max_threads) {
      return exporter::Status::Error("unable to retrieve limit number of threads: " + max_threads.error());
    }
    exporter::Gauge(out, "node_processes_max_threads", "Limit of threads in the system").Add(*max_threads);
    auto state = exporter::Gauge(out, "node_processes_state", "Number of processes in each state.");
    for (const auto& [name, count] : process_states) state.Add(count, {{"state", name}});
    auto thread_state = exporter::Gauge(out, "node_processes_threads_state", "Number of threads in each state.");
    for (const auto& [name, count] : thread_states) thread_state.Add(count, {{"thread_state", name}});
    auto pid_max = ReadNumber("sys/kernel/pid_max");
    if (!pid_max) {
      return exporter::Status::Error("unable to retrieve limit number of maximum pids alloved: " + pid_max.error());
    }
    exporter::Gauge(out, "node_processes_pids", "Number of PIDs").Add(pids);
    exporter::Gauge(out, "node_processes_max_processes", "Number of max PIDs limit").Add(*pid_max);
    return {};
  }

 private:
  exporter::Status Count(double& pids, double& threads, std::map<std::string, double>& process_states,
                         std::map<std::string, double>& thread_states) {
    if (!ListPids(root_, pid_names_)) return ReadFailed(root_, errno);
    for (const auto& pid : pid_names_) {
      std::string dir = root_ + pid;
      std::optional<parse::ProcessState> stat;
      if (auto status = ReadState(dir + "/stat", stat); !status.ok()) return status;
      if (!stat) continue;
      ++pids;
      process_states[stat->state] += 1;
      threads += static_cast<double>(stat->num_threads);
      if (auto status = CountThreads(dir, pid, stat->state, thread_states); !status.ok()) return status;
    }
    return {};
  }

  // A process's or thread's state from its stat file; none (and no error) when it has gone meanwhile.
  exporter::Status ReadState(const std::string& path, std::optional<parse::ProcessState>& state) {
    int error = 0;
    if (!ReadInto(path, buffer_, &error)) {
      if (Vanished(error)) return {};
      return ReadFailed(path, error);
    }
    auto parsed = parse::ParseProcessState(buffer_);
    if (!parsed) return exporter::Status::Error(path + ": " + parsed.error());
    state = std::move(*parsed);
    return {};
  }

  exporter::Status CountThreads(const std::string& dir, const std::string& pid, const std::string& pid_state,
                                std::map<std::string, double>& thread_states) {
    std::string task_dir = dir + "/task/";
    if (!ListPids(task_dir, tid_names_)) {
      if (Vanished(errno)) return {};
      return ReadFailed(task_dir, errno);
    }
    for (const auto& tid : tid_names_) {
      if (tid == pid) {
        thread_states[pid_state] += 1;
        continue;
      }
      std::optional<parse::ProcessState> stat;
      if (auto status = ReadState(task_dir + tid + "/stat", stat); !status.ok()) return status;
      if (!stat) continue;
      thread_states[stat->state] += 1;
    }
    return {};
  }

  exporter::Expected<double> ReadNumber(std::string_view relative) {
    std::string path = ProcPath(relative);
    int error = 0;
    if (!ReadInto(path, buffer_, &error)) return ReadFailed(path, error);
    auto value = parse::ParseSingleUint(buffer_);
    if (!value) return value.status();
    return static_cast<double>(*value);
  }

  std::string root_ = ProcPath("");
  std::string buffer_;
  std::vector<std::string> pid_names_, tid_names_;
};

EXPORTER_REGISTER_COLLECTOR(exporter::Collector, "processes", false, ProcessesCollector);

}  // namespace
}  // namespace node
