// The KL monitor's accuracy on Gaussian sets of the sizes it sees by
// default (S+ 512, S- 1536, S!= thinned to 8192; graphs/parts/kl_monitor.toml),
// whose KLs have a closed form: for each estimator and each case, every
// measure's truth, mean error (bias), standard deviation over draws, its
// 95 % interval's mean width against 3.92 standard deviations (what an
// interval of the estimate's own spread would take), how many intervals
// held the truth, and the seconds a measurement took (resamples included).
// The figures of README.md's "KL monitor" section and of kl_monitor.cpp's
// stated tolerance come from it.
//
//   build/bench/bench_kl_accuracy [draws]      (default 100; about 1 minute)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "libs/monitor/kl_measures.h"
#include "tests/libs/monitor/gaussian_samples.h"

using namespace avflow::monitor;
using avflow::test::gaussian_kl;
using avflow::test::gaussian_values;

namespace {

struct Normal {
  double mean, stddev;
};

struct Case {
  const char* name;
  Normal plus, minus, other;
};

const Case kCases[] = {
    {"equal", {0.2, 0.2}, {0.2, 0.2}, {0.2, 0.2}},
    {"close", {0.3, 0.15}, {0.28, 0.15}, {0.25, 0.16}},
    {"drifting", {0.5, 0.2}, {0.45, 0.2}, {0.4, 0.22}},
    {"apart", {0.5, 0.2}, {0.35, 0.2}, {0.2, 0.25}},
    {"apart, S+ narrow", {0.5, 0.15}, {0.4, 0.18}, {0.3, 0.2}},
    {"far", {0.5, 0.2}, {0.3, 0.2}, {0.1, 0.2}},
};

struct Tally {
  double truth = 0, sum = 0, sum_sq = 0, width = 0;
  int held = 0;
  void add(const Measure& m) {
    const double e = m.value - truth;
    sum += e, sum_sq += e * e, width += m.interval.hi - m.interval.lo;
    held += m.interval.lo <= truth && truth <= m.interval.hi;
  }
};

}  // namespace

int main(int argc, char** argv) {
  const int draws = argc > 1 ? std::atoi(argv[1]) : 100;
  if (draws < 2) {
    std::fprintf(stderr, "usage: bench_kl_accuracy [draws >= 2]\n");
    return 2;
  }
  std::printf("%d draws a row; S+ 512, S- 1536, S!= %zu values; 200 resamples, level 0.95\n\n", draws,
              kMaxEstimatedSet);
  std::printf("| estimator | case | measure | truth | bias | sd | width / 3.92 sd | held | s / measurement |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  for (const Estimator estimator : {Estimator::kKnn, Estimator::kHistogram}) {
    KlOptions options;
    options.estimator.estimator = estimator;
    for (const Case& c : kCases) {
      auto kl = [](Normal p, Normal q) { return gaussian_kl(p.mean, p.stddev, q.mean, q.stddev); };
      Tally t[4];
      t[0].truth = kl(c.minus, c.plus);
      t[1].truth = kl(c.other, c.plus);
      t[2].truth = kl(c.minus, c.other);
      t[3].truth = t[1].truth - t[0].truth;
      double seconds = 0;
      for (int d = 0; d < draws; ++d) {
        const uint64_t seed = 3000 + 10 * static_cast<uint64_t>(d);
        const SimilaritySets sets{gaussian_values(c.plus.mean, c.plus.stddev, 512, seed),
                                  gaussian_values(c.minus.mean, c.minus.stddev, 1536, seed + 1),
                                  gaussian_values(c.other.mean, c.other.stddev, kMaxEstimatedSet, seed + 2)};
        options.bootstrap.seed = static_cast<uint64_t>(d);
        const auto start = std::chrono::steady_clock::now();
        const KlMeasures m = kl_measures(sets, options);
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        t[0].add(m.minus_plus), t[1].add(m.other_plus), t[2].add(m.minus_other), t[3].add(m.gap);
      }
      const char* names[4] = {"KL(S- || S+)", "KL(S!= || S+)", "KL(S- || S!=)", "gap"};
      for (int i = 0; i < 4; ++i) {
        const double bias = t[i].sum / draws, sd = std::sqrt(std::max(0.0, t[i].sum_sq / draws - bias * bias));
        std::printf("| %s | %s | %s | %.4f | %+.4f | %.4f | %.2f | %d/%d | %.3f |\n",
                    estimator == Estimator::kKnn ? "knn" : "histogram", c.name, names[i], t[i].truth, bias, sd,
                    t[i].width / draws / (3.92 * sd), t[i].held, draws, seconds / draws);
      }
    }
  }
  return 0;
}
