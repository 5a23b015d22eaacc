// Sampler throughput: requests per second each policy draws on one core for
// 10,000 titles of 2,000 snippets (batches of 512), against a plain loop of
// i.i.d. draws with the same random stream (the floor any policy pays).
// Target: over 1,000,000 requests per second, so the sampler is never the
// bottleneck.
//
//   build-release/bench/bench_sampler_throughput [seconds_per_row]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/plugin_loader.h"
#include "engine/registry.h"
#include "libs/sampling/batch_sampler.h"
#include "libs/sampling/policy_plugins.h"

using namespace avflow;
using namespace avflow::sampling;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double rate_of(BatchSampler& s, double budget) {
  std::vector<Pick> out;
  int64_t n = 0;
  const auto t0 = Clock::now();
  do {
    for (int i = 0; i < 20; ++i) {
      out.clear();
      s.next(out);
      n += static_cast<int64_t>(out.size());
    }
  } while (seconds_since(t0) < budget);
  return static_cast<double>(n) / seconds_since(t0);
}

}  // namespace

int main(int argc, char** argv) {
  const double budget = argc > 1 ? std::atof(argv[1]) : 1.0;
  Registry registry;
  PluginLoader loader(registry);
  load_policy_plugins(loader, AVFLOW_PLUGIN_OUTPUT_DIR);
  SamplingIndex index;
  for (int i = 0; i < 10000; ++i) {
    TitleEntry t{"title" + std::to_string(i), "", 2000, {}, true};
    for (int64_t s = 40 + i % 30; s < 2000; s += 40 + (s * 7 + i) % 60) t.scene_starts.push_back(s);
    index.titles.push_back(std::move(t));
  }

  // Floor: the random stream alone, one integer draw per request.
  double floor_rate;
  {
    Random random(1, 0, 0, "bench");
    int64_t n = 0, sink = 0;
    const auto t0 = Clock::now();
    do {
      for (int i = 0; i < 100000; ++i) sink += random.integer(0, 2000 * 10000 - 1);
      n += 100000;
    } while (seconds_since(t0) < budget);
    floor_rate = static_cast<double>(n) / seconds_since(t0);
    if (sink == 42) std::puts("");
  }

  std::printf("sampler_throughput: 10000 titles x 2000 snippets, batch 512, one core, %.1f s per row\n", budget);
  std::printf("%-28s %16s %12s\n", "policy", "requests/s", "vs floor");
  std::printf("%-28s %16.0f %11.2fx\n", "floor (one draw / request)", floor_rate, 1.0);
  struct Row {
    const char* policy;
    int64_t k, w;
  };
  for (const Row& row : {Row{"uniform", 1, 0}, Row{"title_grouping", 16, 0}, Row{"title_grouping", 16, 64},
                         Row{"adjacent", 16, 0}, Row{"scene_aware", 16, 0}}) {
    const auto* policy = registry.extension<SamplingPolicyFactory>(kSamplingPolicyKind, row.policy);
    SamplerConfig config;
    config.batch_size = 512;
    BatchSampler sampler(policy->plan(index, {row.k, row.w}), config, index.total_snippets());
    const double rate = rate_of(sampler, budget);
    const std::string name = std::string(row.policy) + " k=" + std::to_string(row.k) +
                             (row.w ? " w=" + std::to_string(row.w) : std::string());
    std::printf("%-28s %16.0f %11.2fx\n", name.c_str(), rate, rate / floor_rate);
  }
  return 0;
}
