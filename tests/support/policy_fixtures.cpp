#include "tests/support/policy_fixtures.h"

#include <cmath>
#include <stdexcept>

#include "engine/plugin_loader.h"
#include "engine/registry.h"
#include "libs/sampling/policy_plugins.h"

namespace avflow::test {

namespace {

// A registry of its own holding just the sampler plugins, loaded once.
const Registry& plugin_registry() {
  static Registry* registry = [] {
    auto* r = new Registry;
    static PluginLoader loader(*r);
    sampling::load_policy_plugins(loader, AVFLOW_PLUGIN_OUTPUT_DIR);
    return r;
  }();
  return *registry;
}

}  // namespace

const sampling::SamplingPolicyFactory& policy(const std::string& name) {
  const auto* f = plugin_registry().extension<sampling::SamplingPolicyFactory>(sampling::kSamplingPolicyKind, name);
  if (!f) throw std::runtime_error("no sampling policy '" + name + "' in " AVFLOW_PLUGIN_OUTPUT_DIR);
  return *f;
}

sampling::SamplingIndex index_of(const std::vector<int64_t>& snippets) {
  sampling::SamplingIndex index;
  for (size_t i = 0; i < snippets.size(); ++i)
    index.titles.push_back({"t" + std::to_string(i), "s" + std::to_string(i / 2), snippets[i], {}, false});
  return index;
}

std::unique_ptr<sampling::SamplingPlan> plan(const std::string& name, const sampling::SamplingIndex& index, int64_t k,
                                             int64_t w) {
  return policy(name).plan(index, {k, w});
}

std::vector<sampling::Pick> draw_batch(const sampling::SamplingPlan& plan, uint64_t batch, int64_t groups) {
  sampling::Random random(12345, 0, batch, "test");
  std::vector<sampling::Pick> out;
  plan.draw(random, groups, out);
  return out;
}

double chi_square(const std::vector<double>& counts, const std::vector<double>& expected) {
  double x = 0;
  for (size_t i = 0; i < counts.size(); ++i) x += (counts[i] - expected[i]) * (counts[i] - expected[i]) / expected[i];
  return x;
}

double chi_square_bound(double dof) {
  // Wilson-Hilferty: (X/k)^(1/3) is about normal, mean 1 - 2/(9k), var 2/(9k).
  const double z = 3.72;  // one-sided 1e-4
  const double v = 2.0 / (9.0 * dof);
  return dof * std::pow(1.0 - v + z * std::sqrt(v), 3.0);
}

}  // namespace avflow::test
