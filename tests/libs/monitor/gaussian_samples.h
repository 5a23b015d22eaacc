// Samples of Gaussians and their closed-form KL, for the KL monitor's
// estimator tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace avflow::test {

// n values of N(mean, stddev^2) from a generator seeded with `seed`.
inline std::vector<double> gaussian_values(double mean, double stddev, size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> d(mean, stddev);
  std::vector<double> out(n);
  for (double& v : out) v = d(rng);
  return out;
}

// KL(N(m1, s1^2) || N(m2, s2^2)) in nats.
inline double gaussian_kl(double m1, double s1, double m2, double s2) {
  return std::log(s2 / s1) + (s1 * s1 + (m1 - m2) * (m1 - m2)) / (2 * s2 * s2) - 0.5;
}

// P = N(m1, s1^2) and Q = N(m2, s2^2), with KL(P || Q).
struct GaussianPair {
  double m1, s1, m2, s2;
  double kl() const { return gaussian_kl(m1, s1, m2, s2); }
  std::string name() const {
    return "N(" + std::to_string(m1) + ", " + std::to_string(s1) + ") || N(" + std::to_string(m2) + ", " +
           std::to_string(s2) + ")";
  }
};

// Shifted, wider, narrower and shifted, shifted and wider: KLs of 0.5, 0.32,
// 0.17 and 1.02 nats.
inline const GaussianPair kGaussianPairs[] = {{0, 1, 1, 1}, {0, 1, 0, 2}, {0.5, 0.8, 0, 1}, {0, 1, 2, 1.5}};

}  // namespace avflow::test
