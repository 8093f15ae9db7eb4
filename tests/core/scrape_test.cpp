#include "exporter/scrape.h"

#include <gtest/gtest.h>

#include <future>

namespace exporter {
namespace {

// A task that blocks until released: stands in for statfs on a hung NFS mount.
struct Gate {
  std::mutex mutex;
  std::condition_variable cv;
  bool open = false;
  void Wait() {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return open; });
  }
  void Open() {
    std::lock_guard lock(mutex);
    open = true;
    cv.notify_all();
  }
};

CollectorTask Emitting(std::string name, double value) {
  return {name, [name, value](Families& out) {
            Gauge(out, "test_" + name, "h").Add(value);
            return Status();
          }, nullptr};
}

const CollectorOutcome* Find(const std::vector<CollectorOutcome>& outcomes, const std::string& name) {
  for (const auto& outcome : outcomes) {
    if (outcome.name == name) return &outcome;
  }
  return nullptr;
}

TEST(ScrapeRunner, AnswersAtTheDeadlineWithoutTheHungCollector) {
  WorkerPool pool;
  ScrapeRunner runner(pool, 2);
  auto gate = std::make_shared<Gate>();
  auto overrunning = std::make_shared<std::atomic<bool>>(false);
  std::vector<CollectorTask> tasks = {
      {"hung", [gate](Families&) { gate->Wait(); return Status(); }, overrunning},
      Emitting("a", 1), Emitting("b", 2), Emitting("c", 3)};
  Families out;
  // If Run waited for the hung task, this test would never finish.
  auto outcomes = runner.Run(std::move(tasks), ScrapeDeadline::After(0.2), out);
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_FALSE(Find(outcomes, "hung")->success);
  EXPECT_EQ(Find(outcomes, "hung")->error, "deadline exceeded");
  for (const char* name : {"a", "b", "c"}) EXPECT_TRUE(Find(outcomes, name)->success) << name;
  EXPECT_EQ(out.size(), 3u);

  // The next scrape does not start the still-hung collector a second time.
  Families again;
  std::vector<CollectorTask> next = {{"hung", [](Families&) { return Status(); }, overrunning}, Emitting("a", 1)};
  outcomes = runner.Run(std::move(next), ScrapeDeadline::After(5), again);
  EXPECT_EQ(Find(outcomes, "hung")->error, "still running from an earlier scrape");
  EXPECT_TRUE(Find(outcomes, "a")->success);

  gate->Open();
  for (int i = 0; i < 500 && overrunning->load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_FALSE(overrunning->load()) << "the flag is cleared once the hung collector returns";
  Families after;
  outcomes = runner.Run({{"hung", [](Families&) { return Status(); }, overrunning}}, ScrapeDeadline::After(5), after);
  EXPECT_TRUE(Find(outcomes, "hung")->success);
}

TEST(ScrapeRunner, ConcurrentScrapesBothRunACollector) {
  WorkerPool pool;
  ScrapeRunner runner(pool, 2);
  auto overrunning = std::make_shared<std::atomic<bool>>(false);
  auto gate = std::make_shared<Gate>();
  std::atomic<int> running{0};
  auto task = [&] {
    return CollectorTask{"shared", [&, gate](Families& out) {
                           ++running;
                           gate->Wait();
                           Gauge(out, "x", "h").Add(1);
                           return Status();
                         }, overrunning};
  };
  auto first = std::async(std::launch::async, [&] {
    Families out;
    return runner.Run({task()}, ScrapeDeadline::After(30), out);
  });
  auto second = std::async(std::launch::async, [&] {
    Families out;
    return runner.Run({task()}, ScrapeDeadline::After(30), out);
  });
  while (running.load() < 2) std::this_thread::yield();  // both scrapes are inside Collect at once
  gate->Open();
  EXPECT_TRUE(first.get()[0].success);
  EXPECT_TRUE(second.get()[0].success);
}

TEST(ScrapeRunner, ErrorsAndExceptionsFailOnlyTheirCollector) {
  WorkerPool pool;
  ScrapeRunner runner(pool, 2);
  std::vector<CollectorTask> tasks = {
      {"error", [](Families&) { return Status::Error("cannot read /proc/x"); }, nullptr},
      {"throws", [](Families&) -> Status { throw std::runtime_error("boom"); }, nullptr},
      Emitting("ok", 1)};
  Families out;
  auto outcomes = runner.Run(std::move(tasks), ScrapeDeadline::After(5), out);
  EXPECT_EQ(Find(outcomes, "error")->error, "cannot read /proc/x");
  EXPECT_FALSE(Find(outcomes, "throws")->success);
  EXPECT_NE(Find(outcomes, "throws")->error.find("boom"), std::string::npos);
  EXPECT_TRUE(Find(outcomes, "ok")->success);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].name, "test_ok");
}

TEST(ScrapeRunner, MetaMetricsNameEveryCollector) {
  Families out;
  AppendScrapeCollectorMetrics(out, "node", "node_exporter", {{"cpu", 0.5, true, ""}, {"x", 0.1, false, "e"}});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].name, "node_scrape_collector_duration_seconds");
  EXPECT_EQ(out[1].name, "node_scrape_collector_success");
  ASSERT_EQ(out[1].metric.size(), 2u);
  EXPECT_EQ(out[1].metric[1].label[0].value, "x");
  EXPECT_EQ(out[1].metric[1].gauge.value, 0);
}

TEST(ScrapeTimeout, HeaderMinusOffsetElseDefault) {
  EXPECT_DOUBLE_EQ(ScrapeTimeoutSeconds("10", 0.25, 30), 9.75);
  EXPECT_DOUBLE_EQ(ScrapeTimeoutSeconds(nullptr, 0.25, 30), 30);
  EXPECT_DOUBLE_EQ(ScrapeTimeoutSeconds("garbage", 0.25, 30), 30);
  EXPECT_DOUBLE_EQ(ScrapeTimeoutSeconds("0.1", 0.25, 30), 0.01);
}

TEST(SingleFlight, ConcurrentCallersShareOneComputation) {
  WorkerPool pool;
  SingleFlight<int> flight(pool);
  std::atomic<int> computations{0};
  auto gate = std::make_shared<Gate>();
  auto compute = [&, gate] {
    ++computations;
    gate->Wait();
    return 42;
  };
  auto first = std::async(std::launch::async, [&] { return flight.Do(compute, ScrapeDeadline::After(30)); });
  while (computations.load() == 0) std::this_thread::yield();
  auto second = std::async(std::launch::async, [&] { return flight.Do(compute, ScrapeDeadline::After(30)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  gate->Open();
  auto a = first.get(), b = second.get();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, 42);
  EXPECT_EQ(a.get(), b.get()) << "both callers got the same result object";
  EXPECT_EQ(computations.load(), 1);

  // Once done, the next call computes afresh.
  auto c = flight.Do([] { return 7; }, ScrapeDeadline::After(30));
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, 7);
}

TEST(SingleFlight, CallerGivesUpAtItsDeadline) {
  WorkerPool pool;
  SingleFlight<int> flight(pool);
  auto gate = std::make_shared<Gate>();
  auto result = flight.Do([gate] { gate->Wait(); return 1; }, ScrapeDeadline::After(0.05));
  EXPECT_EQ(result, nullptr);
  gate->Open();
}

}  // namespace
}  // namespace exporter
