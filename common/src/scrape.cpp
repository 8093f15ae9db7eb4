#include "exporter/scrape.h"

#include <algorithm>
#include <cstdlib>

namespace exporter {

ScrapeDeadline ScrapeDeadline::After(double seconds) {
  auto duration = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  return ScrapeDeadline(Clock::now() + duration);
}

double ScrapeDeadline::RemainingSeconds() const {
  return std::max(0.0, std::chrono::duration<double>(at_ - Clock::now()).count());
}

double ScrapeTimeoutSeconds(const char* header_value, double offset_seconds, double default_seconds) {
  double timeout = default_seconds;
  if (header_value) {
    char* end = nullptr;
    double parsed = std::strtod(header_value, &end);
    if (end != header_value && parsed > 0) timeout = parsed - offset_seconds;
  }
  return std::max(timeout, 0.01);
}

WorkerPool::WorkerPool(size_t max_threads) : shared_(std::make_shared<Shared>()) {
  shared_->max_threads = max_threads;
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
  }
  shared_->wake.notify_all();
}

bool WorkerPool::Submit(std::function<void()> job) {
  Shared& shared = *shared_;
  std::lock_guard lock(shared.mutex);
  if (shared.stopping) return false;
  if (shared.idle <= shared.jobs.size()) {
    if (shared.threads >= shared.max_threads) return false;
    // Detached: a thread stuck in a hung system call must not block exit. It
    // holds the shared state, so it never touches a destroyed pool.
    std::thread([state = shared_] { WorkerLoop(*state); }).detach();
    ++shared.threads;
    ++shared.idle;  // the new thread counts as idle until it takes a job
  }
  shared.jobs.push_back(std::move(job));
  shared.wake.notify_one();
  return true;
}

void WorkerPool::WorkerLoop(Shared& shared) {
  std::unique_lock lock(shared.mutex);
  while (true) {
    shared.wake.wait(lock, [&] { return shared.stopping || !shared.jobs.empty(); });
    if (shared.stopping) {
      --shared.threads;
      return;
    }
    auto job = std::move(shared.jobs.front());
    shared.jobs.pop_front();
    --shared.idle;
    lock.unlock();
    job();
    job = nullptr;
    lock.lock();
    ++shared.idle;
  }
}

namespace {
struct TaskResult {
  Families families;
  CollectorOutcome outcome;
  bool done = false;
};

// Shared between the scrape and its workers; outlives the scrape when a worker
// is still running a hung task.
struct RunState {
  std::mutex mutex;
  std::condition_variable progress;
  std::vector<CollectorTask> tasks;
  std::vector<TaskResult> results;
  size_t next = 0;
  size_t remaining = 0;
};

void DrainTasks(const std::shared_ptr<RunState>& state) {
  while (true) {
    size_t index;
    {
      std::lock_guard lock(state->mutex);
      if (state->next >= state->tasks.size()) return;
      index = state->next++;
    }
    CollectorTask& task = state->tasks[index];
    Families families;
    auto start = std::chrono::steady_clock::now();
    Status status;
    try {
      status = task.run(families);
    } catch (const std::exception& e) {
      status = Status::Error(std::string("exception: ") + e.what());
    } catch (...) {
      status = Status::Error("unknown exception");
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::lock_guard lock(state->mutex);
    if (task.overrunning) task.overrunning->store(false);
    TaskResult& result = state->results[index];
    result.families = std::move(families);
    result.outcome.duration_seconds = seconds;
    result.outcome.success = status.ok();
    result.outcome.error = status.message();
    result.done = true;
    if (--state->remaining == 0) state->progress.notify_all();
  }
}
}  // namespace

std::vector<CollectorOutcome> ScrapeRunner::Run(std::vector<CollectorTask> tasks, const ScrapeDeadline& deadline,
                                                Families& out) {
  auto state = std::make_shared<RunState>();
  // Outcomes come back in task order; skipped tasks keep their place.
  std::vector<CollectorOutcome> outcomes(tasks.size());
  std::vector<size_t> outcome_of_run;  // run index -> outcome index
  auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (tasks[i].overrunning && tasks[i].overrunning->load()) {
      outcomes[i] = {tasks[i].name, 0, false, "still running from an earlier scrape"};
      continue;
    }
    outcome_of_run.push_back(i);
    state->tasks.push_back(std::move(tasks[i]));
  }
  state->results.resize(state->tasks.size());
  state->remaining = state->tasks.size();
  for (size_t i = 0; i < state->tasks.size(); ++i) state->results[i].outcome.name = state->tasks[i].name;

  size_t workers = std::min(parallelism_, state->tasks.size());
  for (size_t i = 0; i < workers; ++i) {
    if (!pool_.Submit([state] { DrainTasks(state); })) break;
  }

  std::unique_lock lock(state->mutex);
  state->progress.wait_until(lock, deadline.at(), [&] { return state->remaining == 0; });
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (size_t i = 0; i < state->results.size(); ++i) {
    TaskResult& result = state->results[i];
    if (result.done) {
      for (auto& family : result.families) out.push_back(std::move(family));
      outcomes[outcome_of_run[i]] = std::move(result.outcome);
      continue;
    }
    outcomes[outcome_of_run[i]] = {result.outcome.name, elapsed, false, "deadline exceeded"};
    // Under the state lock, so the worker's clearing on return cannot come first.
    bool started = i < state->next;
    if (started && state->tasks[i].overrunning) state->tasks[i].overrunning->store(true);
  }
  // Tasks not yet started are never started: a late worker finds next past the end.
  state->next = state->tasks.size();
  return outcomes;
}

void AppendScrapeCollectorMetrics(Families& out, std::string_view prefix, std::string_view exporter_name,
                                  const std::vector<CollectorOutcome>& outcomes) {
  std::string p(prefix), n(exporter_name);
  auto duration = Gauge(out, p + "_scrape_collector_duration_seconds", n + ": Duration of a collector scrape.");
  for (const auto& outcome : outcomes) duration.Add(outcome.duration_seconds, {{"collector", outcome.name}});
  auto success = Gauge(out, p + "_scrape_collector_success", n + ": Whether a collector succeeded.");
  for (const auto& outcome : outcomes) success.Add(outcome.success ? 1 : 0, {{"collector", outcome.name}});
}

}  // namespace exporter
