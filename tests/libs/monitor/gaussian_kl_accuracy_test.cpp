// The KL monitor's stated accuracy, on sets of the sizes it sees by default
// (graphs/parts/kl_monitor.toml: 128 held-out titles x 4 snippets, so S+
// holds 512 similarities, S- 512 x 3 = 1536 and S!= 512 x 508, which the
// measures thin to kMaxEstimatedSet = 8192; thinning a sample of independent
// values leaves one, so S!= is drawn at that size here), drawn from
// Gaussians whose KLs have a closed form:
//   - for KLs up to 0.15 nats the estimate's bias is within 0.025 nats;
//   - KLs of a set wider than S+ against S+ read low, by up to 25 % at 1 to
//     2 nats (S+'s 512 values do not show its density's tails);
//   - the 95 % intervals hold the true KL in at least 90 of 100 trials.
#include <catch2/catch.hpp>
#include <cmath>

#include "libs/monitor/kl_measures.h"
#include "tests/libs/monitor/gaussian_samples.h"

using namespace avflow::monitor;

namespace {

constexpr size_t kPlus = 512, kMinus = 512 * 3, kOther = kMaxEstimatedSet;

struct Normal {
  double mean, stddev;
};

// One set of each, from streams of `seed`.
struct Case {
  Normal plus, minus, other;

  SimilaritySets draw(uint64_t seed) const {
    return {avflow::test::gaussian_values(plus.mean, plus.stddev, kPlus, seed),
            avflow::test::gaussian_values(minus.mean, minus.stddev, kMinus, seed + 1),
            avflow::test::gaussian_values(other.mean, other.stddev, kOther, seed + 2)};
  }
};

double kl(Normal p, Normal q) { return avflow::test::gaussian_kl(p.mean, p.stddev, q.mean, q.stddev); }

struct Truth {
  double minus_plus, other_plus, minus_other, gap;
};

Truth truth_of(const Case& c) {
  const double mp = kl(c.minus, c.plus), op = kl(c.other, c.plus);
  return {mp, op, kl(c.minus, c.other), op - mp};
}

// The mean error of each measure over `trials` draws (no intervals).
Truth mean_error(const Case& c, int trials) {
  const Truth t = truth_of(c);
  KlOptions options;
  options.bootstrap.resamples = 0;
  Truth e{0, 0, 0, 0};
  for (int i = 0; i < trials; ++i) {
    const KlMeasures m = kl_measures(c.draw(1000 + static_cast<uint64_t>(i)), options);
    e.minus_plus += (m.minus_plus.value - t.minus_plus) / trials;
    e.other_plus += (m.other_plus.value - t.other_plus) / trials;
    e.minus_other += (m.minus_other.value - t.minus_other) / trials;
    e.gap += (m.gap.value - t.gap) / trials;
  }
  return e;
}

}  // namespace

TEST_CASE("KL measures at the default sample are within 0.025 nats of KLs up to 0.15 nats", "[monitor][accuracy]") {
  // Equal sets; the three close together (the start of training); S- and
  // S!= drifting below S+ (KLs 0.03 to 0.13 nats). 200 draws each: the mean
  // error's own noise is about 0.002 nats.
  for (const Case& c : {Case{{0.2, 0.2}, {0.2, 0.2}, {0.2, 0.2}}, Case{{0.3, 0.15}, {0.28, 0.15}, {0.25, 0.16}},
                        Case{{0.5, 0.2}, {0.45, 0.2}, {0.4, 0.22}}}) {
    const Truth t = truth_of(c), e = mean_error(c, 200);
    INFO("truth " << t.minus_plus << ", " << t.other_plus << ", " << t.minus_other << ", gap " << t.gap);
    INFO("bias " << e.minus_plus << ", " << e.other_plus << ", " << e.minus_other << ", gap " << e.gap);
    CHECK(std::abs(e.minus_plus) <= 0.025);
    CHECK(std::abs(e.other_plus) <= 0.025);
    CHECK(std::abs(e.minus_other) <= 0.025);
    CHECK(std::abs(e.gap) <= 0.025);
  }
}

TEST_CASE("KL measures read large KLs against S+ low, by at most a quarter", "[monitor][accuracy]") {
  // S!= wider than S+ and far from it (KL(S!= || S+) = 1.18 nats): read
  // about 0.25 nats low. KL(S- || S!=), against the large S!=, stays close.
  const Case c{{0.5, 0.2}, {0.35, 0.2}, {0.2, 0.25}};
  const Truth t = truth_of(c), e = mean_error(c, 100);
  INFO("truth " << t.other_plus << ", bias " << e.other_plus);
  CHECK(e.other_plus < 0);
  CHECK(e.other_plus > -0.25 * t.other_plus);
  CHECK(std::abs(e.minus_other) <= 0.025);
}

TEST_CASE("the 95 % intervals of KL measures at the default sample hold the true KL", "[monitor][accuracy]") {
  // 100 draws with the monitor's defaults (200 resamples, level 0.95): each
  // measure's interval holds its true KL in at least 90.
  const Case c{{0.5, 0.2}, {0.45, 0.2}, {0.4, 0.22}};
  const Truth t = truth_of(c);
  KlOptions options;
  int held[4] = {0, 0, 0, 0};
  auto holds = [](const Measure& m, double truth) { return m.interval.lo <= truth && truth <= m.interval.hi; };
  for (int i = 0; i < 100; ++i) {
    options.bootstrap.seed = static_cast<uint64_t>(i);
    const KlMeasures m = kl_measures(c.draw(2000 + static_cast<uint64_t>(i)), options);
    held[0] += holds(m.minus_plus, t.minus_plus);
    held[1] += holds(m.other_plus, t.other_plus);
    held[2] += holds(m.minus_other, t.minus_other);
    held[3] += holds(m.gap, t.gap);
  }
  INFO("held " << held[0] << ", " << held[1] << ", " << held[2] << ", gap " << held[3] << " of 100");
  CHECK(held[0] >= 90);
  CHECK(held[1] >= 90);
  CHECK(held[2] >= 90);
  CHECK(held[3] >= 90);
}
