// The example plugin in examples/gain_plugin, loaded and run the way a user's
// plugin would be: its operators, their declared parameters, and a graph.
#include <catch2/catch.hpp>

#include <algorithm>
#include <mutex>

#include "engine/payloads/scalars.h"
#include "tests/plugins/plugin_test_util.h"

using namespace avflow;
using namespace avflow::test;

namespace {

std::string gain_library() { return std::string(AVFLOW_BINARY_DIR) + "/examples/libgain.so"; }

class CollectScalars final : public Operator {
 public:
  static inline const In<Scalars> kIn{"in", "rows"};
  AVFLOW_CONTRACT(kIn);
  void process(Context& ctx) override {
    std::lock_guard<std::mutex> lock(mu);
    rows.push_back(ctx.input(kIn));
  }
  static inline std::mutex mu;
  static inline std::vector<Scalars> rows;
};

std::string ramp_gain_graph(const std::string& gain_params) {
  return "plugins = [\"" + gain_library() + "\"]\n"
         "[[node]]\nname = \"ramp\"\nop = \"gain_ramp\"\ncount = 4\nstart = 1.0\nslope = 0.5\n"
         "[[node]]\nname = \"gain\"\nop = \"gain\"\n" + gain_params + "\n"
         "[[node]]\nname = \"sink\"\nop = \"test_scalars\"\n"
         "[[edge]]\nfrom = \"ramp.out\"\nto = \"gain.in\"\n"
         "[[edge]]\nfrom = \"gain.out\"\nto = \"sink.in\"\n";
}

}  // namespace

TEST_CASE("The gain example plugin registers gain and gain_ramp", "[plugin][example]") {
  Registry registry;
  PluginLoader loader(registry);
  const LoadedPlugin& p = loader.load_file(gain_library(), {"test"});
  CHECK(p.name == "gain");
  CHECK(p.operators == std::vector<std::string>{"gain", "gain_ramp"});
  const OperatorInfo* gain = registry.find("gain");
  REQUIRE(gain != nullptr);
  CHECK(gain->contract.shape() == Shape::kFunction);
  CHECK(gain->contract.concurrency == Concurrency::kParallel);
  REQUIRE(gain->contract.param("factor") != nullptr);
  CHECK(range_text(*gain->contract.param("factor")) == "[-1000.0, 1000.0]");
  CHECK(registry.find("gain_ramp")->contract.shape() == Shape::kSource);
}

TEST_CASE("A graph of the gain example's operators scales every row", "[plugin][example][run]") {
  Registry registry;
  registry.add<CollectScalars>("test_scalars", "collects rows", "test binary");
  PluginLoader loader(registry);
  ResolvedGraph g = load_graph_text(ramp_gain_graph("factor = -2.0"), graph_path("gain.toml"), {}, loader, registry);
  CollectScalars::rows.clear();
  Executor ex(g);
  REQUIRE(ex.run().status == RunStatus::kFinished);
  auto rows = CollectScalars::rows;
  // kParallel: rows may arrive out of order.
  std::sort(rows.begin(), rows.end(), [](const Scalars& a, const Scalars& b) { return a.step < b.step; });
  REQUIRE(rows.size() == 4);
  for (int i = 0; i < 4; ++i) {
    CHECK(rows[i].step == i);
    REQUIRE(rows[i].values.size() == 1);
    CHECK(rows[i].values[0].first == "x");
    CHECK(rows[i].values[0].second == Approx(-2.0 * (1.0 + 0.5 * i)));
  }
}

TEST_CASE("The gain example refuses a factor outside its range", "[plugin][example]") {
  Registry registry;
  registry.add<CollectScalars>("test_scalars", "collects rows", "test binary");
  PluginLoader loader(registry);
  std::string msg = graph_error_of(
      [&] { load_graph_text(ramp_gain_graph("factor = 5000.0"), graph_path("gain.toml"), {}, loader, registry); });
  CHECK(contains(msg, "node 'gain'"));
  CHECK(contains(msg, "factor"));
  CHECK(contains(msg, "[-1000.0, 1000.0]"));
}

TEST_CASE("The example graph file names the plugin and its operators", "[plugin][example]") {
  GraphSpec spec = load_graph_file(std::string(AVFLOW_SOURCE_DIR) + "/examples/gain_plugin/gain.toml");
  REQUIRE(spec.plugins.size() == 1);
  CHECK(spec.plugins[0].entry == "gain");
  std::vector<std::string> ops;
  for (const auto& n : spec.nodes) ops.push_back(n.op);
  CHECK(ops == std::vector<std::string>{"gain_ramp", "gain", "jsonl"});
}
