#include "exporter/collector.h"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include "exporter/exporter_app.h"

namespace exporter {
namespace {

class Dummy : public Collector {
 public:
  Status Collect(Families& out) override {
    Gauge(out, "dummy", "h").Add(1);
    return {};
  }
};

struct TestBase {
  virtual ~TestBase() = default;
};
struct A : TestBase {};
struct B : TestBase {};
std::string g_b_option = "unset";
int g_b_count = 3;
bool g_b_switch = true;
EXPORTER_REGISTER_COLLECTOR(TestBase, "alpha", true, A);
EXPORTER_REGISTER_COLLECTOR(TestBase, "beta", false, B, [](Flags& flags) {
  flags.Option("--collector.beta.option", g_b_option, "A string.");
  flags.Option("--collector.beta.count", g_b_count, "A number from 1 to 10.", {1, 10});
  flags.Flag("--collector.beta.switch,!--no-collector.beta.switch", g_b_switch, "On or off.");
});

std::vector<std::string> EnabledAfter(std::vector<std::string> args) {
  CLI::App app;
  CollectorSelection selection("collector", true);
  selection.AddFlags(app, CollectorRegistry<TestBase>::Instance());
  std::vector<const char*> argv = {"test"};
  for (auto& arg : args) argv.push_back(arg.c_str());
  app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
  return selection.Enabled();
}

TEST(CollectorSelection, DefaultsAndFlags) {
  EXPECT_EQ(EnabledAfter({}), (std::vector<std::string>{"alpha"}));
  EXPECT_EQ(EnabledAfter({"--collector.beta"}), (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_EQ(EnabledAfter({"--no-collector.alpha"}), (std::vector<std::string>{}));
  EXPECT_EQ(EnabledAfter({"--collector.disable-defaults", "--collector.beta"}), (std::vector<std::string>{"beta"}));
  EXPECT_EQ(EnabledAfter({"--collector.disable-defaults", "--collector.alpha"}), (std::vector<std::string>{"alpha"}));
}

TEST(CollectorSelection, CollectorFlagsComeFromTheRegistration) {
  EnabledAfter({"--collector.beta.option=x"});
  EXPECT_EQ(g_b_option, "x");
  EXPECT_THROW(EnabledAfter({"--collector.gamma"}), CLI::ParseError);
}

TEST(CollectorSelection, CollectorFlagsKeepTheirDefaultsCheckRangesAndNegate) {
  EnabledAfter({});
  EXPECT_EQ(g_b_count, 3);
  EXPECT_TRUE(g_b_switch);
  EnabledAfter({"--collector.beta.count=10", "--no-collector.beta.switch"});
  EXPECT_EQ(g_b_count, 10);
  EXPECT_FALSE(g_b_switch);
  EXPECT_THROW(EnabledAfter({"--collector.beta.count=11"}), CLI::ValidationError);
  EXPECT_THROW(EnabledAfter({"--collector.beta.count=0"}), CLI::ValidationError);
}

TEST(CollectorSelection, CollectorFlagsAreListedUnderTheirCollector) {
  CLI::App app;
  CollectorSelection selection("collector", true);
  selection.AddFlags(app, CollectorRegistry<TestBase>::Instance());
  std::string help = app.help();
  EXPECT_NE(help.find("Collector beta"), std::string::npos) << help;
  EXPECT_NE(help.find("--collector.beta.count"), std::string::npos) << help;
}

TEST(CollectorSelection, RegistryCreatesInstances) {
  auto& registry = CollectorRegistry<TestBase>::Instance();
  ASSERT_EQ(registry.entries().count("alpha"), 1u);
  EXPECT_NE(dynamic_cast<A*>(registry.entries().at("alpha").create().get()), nullptr);
}

HttpRequest RequestWith(std::vector<std::pair<std::string, std::string>> query) {
  HttpRequest request;
  request.query = std::move(query);
  return request;
}

TEST(FilterCollectors, CollectExcludeAndErrors) {
  CLI::App app;
  CollectorSelection selection("collector", true);
  selection.AddFlags(app, CollectorRegistry<TestBase>::Instance());
  const char* argv[] = {"test"};
  app.parse(1, const_cast<char**>(argv));
  std::vector<std::string> enabled = {"alpha"};

  EXPECT_EQ(*FilterCollectors(RequestWith({}), enabled, selection), enabled);
  EXPECT_EQ(*FilterCollectors(RequestWith({{"collect[]", "alpha"}}), enabled, selection), enabled);
  EXPECT_TRUE(FilterCollectors(RequestWith({{"exclude[]", "alpha"}}), enabled, selection)->empty());

  auto unknown = FilterCollectors(RequestWith({{"collect[]", "nope"}}), enabled, selection);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().find("missing collector: nope"), std::string::npos);
  auto disabled = FilterCollectors(RequestWith({{"collect[]", "beta"}}), enabled, selection);
  ASSERT_FALSE(disabled.ok());
  EXPECT_NE(disabled.error().find("disabled collector: beta"), std::string::npos);
  EXPECT_FALSE(FilterCollectors(RequestWith({{"collect[]", "alpha"}, {"exclude[]", "alpha"}}), enabled, selection).ok());
}

}  // namespace
}  // namespace exporter
