#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "exporter/metrics.h"
#include "exporter/status.h"

namespace exporter {

class ScrapeDeadline {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ScrapeDeadline(Clock::time_point at) : at_(at) {}
  static ScrapeDeadline After(double seconds);

  Clock::time_point at() const { return at_; }
  double RemainingSeconds() const;
  bool Expired() const { return Clock::now() >= at_; }

 private:
  Clock::time_point at_;
};

// The time a scrape may take: Prometheus's X-Prometheus-Scrape-Timeout-Seconds
// header (nullptr when absent) minus the offset, else the default. Never below 10 ms.
double ScrapeTimeoutSeconds(const char* header_value, double offset_seconds, double default_seconds);

// A pool of threads that grows when every thread is busy, so that a task hung
// in a system call never starves the next scrape; threads are reused.
class WorkerPool {
 public:
  explicit WorkerPool(size_t max_threads = 64);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False when the pool is at its thread limit with none idle; the job is then not run.
  bool Submit(std::function<void()> job);

 private:
  struct Shared {
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<std::function<void()>> jobs;
    size_t threads = 0;
    size_t idle = 0;
    size_t max_threads = 64;
    bool stopping = false;
  };
  static void WorkerLoop(Shared& shared);
  std::shared_ptr<Shared> shared_;
};

struct CollectorOutcome {
  std::string name;
  double duration_seconds = 0;
  bool success = false;
  std::string error;
};

struct CollectorTask {
  std::string name;
  std::function<Status(Families&)> run;
  // Set when the task overran a scrape deadline, cleared when it returns. A
  // task still overrunning is not started again (a hung statfs would pile up
  // threads) and is reported failed. Tasks running for a concurrent scrape
  // are not affected: Collect may run concurrently.
  std::shared_ptr<std::atomic<bool>> overrunning;
};

// Runs collector tasks on a pool with a deadline: the scrape answers at the
// deadline with every task that finished; the others are reported failed.
// Run returns one outcome per task, in task order.
class ScrapeRunner {
 public:
  ScrapeRunner(WorkerPool& pool, size_t parallelism) : pool_(pool), parallelism_(parallelism ? parallelism : 1) {}

  std::vector<CollectorOutcome> Run(std::vector<CollectorTask> tasks, const ScrapeDeadline& deadline, Families& out);

 private:
  WorkerPool& pool_;
  size_t parallelism_;
};

// <prefix>_scrape_collector_duration_seconds{collector} and
// <prefix>_scrape_collector_success{collector}, as node_exporter and
// postgres_exporter name them.
void AppendScrapeCollectorMetrics(Families& out, std::string_view prefix, std::string_view exporter_name,
                                  const std::vector<CollectorOutcome>& outcomes);

// Concurrent callers share one computation in flight: a caller arriving while
// one runs waits for its result rather than starting another. Each caller waits
// at most until its own deadline; the computation runs on the pool and may
// outlive a caller that gave up.
template <class T>
class SingleFlight {
 public:
  explicit SingleFlight(WorkerPool& pool) : pool_(pool) {}

  // nullptr when the deadline passed first (or the pool could not run it).
  std::shared_ptr<const T> Do(std::function<T()> compute, const ScrapeDeadline& deadline) {
    std::shared_ptr<Call> call;
    {
      std::lock_guard lock(mutex_);
      if (current_ && !current_->done) {
        call = current_;
      } else {
        call = std::make_shared<Call>();
        current_ = call;
        bool submitted = pool_.Submit([call, compute = std::move(compute)] {
          auto result = std::make_shared<const T>(compute());
          std::lock_guard call_lock(call->mutex);
          call->result = std::move(result);
          call->done = true;
          call->finished.notify_all();
        });
        if (!submitted) {
          current_.reset();
          return nullptr;
        }
      }
    }
    std::unique_lock call_lock(call->mutex);
    call->finished.wait_until(call_lock, deadline.at(), [&] { return call->done; });
    return call->result;
  }

 private:
  struct Call {
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    std::shared_ptr<const T> result;
  };
  WorkerPool& pool_;
  std::mutex mutex_;
  std::shared_ptr<Call> current_;
};

}  // namespace exporter
