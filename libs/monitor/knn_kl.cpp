#include "libs/monitor/knn_kl.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace avflow::monitor {
namespace {

// psi(l) for an integer l >= 1: -gamma + sum_{j < l} 1/j, by its asymptotic
// series past the first terms.
double digamma(int64_t l) {
  if (l <= 16) {
    double s = -0.57721566490153286061;
    for (int64_t j = 1; j < l; ++j) s += 1.0 / static_cast<double>(j);
    return s;
  }
  const double x = static_cast<double>(l), x2 = x * x;
  return std::log(x) - 1 / (2 * x) - 1 / (12 * x2) + 1 / (120 * x2 * x2);
}

int64_t total(const SortedSample& s, Counts counts, const char* which) {
  if (counts.empty()) return static_cast<int64_t>(s.size());
  if (counts.size() != s.size())
    throw std::invalid_argument(std::string("knn kl: ") + std::to_string(counts.size()) + " counts for " +
                                std::to_string(s.size()) + " values of " + which);
  int64_t t = 0;
  for (uint32_t c : counts) t += c;
  return t;
}

struct Neighbour {
  double distance;
  int64_t rank;  // max(k, ties + 1)
};

// The nearest values of `v` to x, counted with multiplicity, walked outwards
// from v[left] (downwards) and v[right] (upwards): the distance of the k-th,
// or of the first at a positive distance when ties fill the first k ranks.
// A walk that runs out of values takes the farthest positive distance it
// saw, or `floor`.
Neighbour nearest(const std::vector<double>& v, Counts counts, double x, ptrdiff_t left, size_t right, int64_t k,
                  double floor) {
  int64_t seen = 0, ties = 0;
  double farthest = 0;
  while (left >= 0 || right < v.size()) {
    const bool take_left =
        right >= v.size() || (left >= 0 && x - v[static_cast<size_t>(left)] <= v[right] - x);
    const size_t at = take_left ? static_cast<size_t>(left--) : right++;
    const int64_t c = counts.empty() ? 1 : counts[at];
    if (c == 0) continue;
    const double d = std::abs(x - v[at]);
    seen += c;
    if (d == 0) {
      ties += c;
      continue;
    }
    farthest = d;
    if (seen >= k) return {d, std::max(k, ties + 1)};
  }
  return {farthest > 0 ? farthest : floor, std::max(k, ties + 1)};
}

// The values of a sample repeated by their counts: the sample a resample is.
std::vector<double> expanded(const SortedSample& s, Counts counts) {
  if (counts.empty()) return s.values;
  size_t n = 0;
  for (uint32_t c : counts) n += c;
  // Four copies written whatever the count (a resample's counts are mostly
  // 0 to 3), the next value overwriting those not wanted: no branch to
  // mispredict.
  std::vector<double> out(n + 4);
  size_t at = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const double v = s.values[i];
    const uint32_t c = counts[i];
    out[at] = v, out[at + 1] = v, out[at + 2] = v, out[at + 3] = v;
    for (uint32_t more = 4; more < c; ++more) out[at + more] = v;
    at += c;
  }
  out.resize(n);
  return out;
}

// Sorted values without the block [skip, skip + skipped): the others of a
// value whose copies fill the block.
struct Others {
  const std::vector<double>& v;
  size_t skip, skipped;
  size_t size() const { return v.size() - skipped; }
  double operator[](size_t t) const { return t < skip ? v[t] : v[t + skipped]; }
};

// The distance from x to its k-th nearest value of `o` (1 <= k <= o.size()),
// x sitting at position `at` (o[at - 1] <= x <= o[at]). The k nearest are a
// window [w, w + k) with at - k <= w <= at: the first w whose value after
// the window is no nearer than o[w] (a condition true, then false, as w
// grows). The search starts at `w` and leaves the answer there: for values
// of x in ascending order the window only moves up, a few steps at a time.
double kth_distance(const Others& o, double x, size_t at, size_t k, size_t& w) {
  const size_t lo = at > k ? at - k : 0, hi = std::min(at, o.size() - k);
  auto move_up = [&](size_t v) { return v < hi && x - o[v] > o[v + k] - x; };
  w = std::clamp(w, lo, hi);
  if (move_up(w)) {
    while (move_up(w)) ++w;
  } else {
    while (w > lo && !move_up(w - 1)) --w;
  }
  return std::max(std::abs(x - o[w]), std::abs(o[w + k - 1] - x));
}

}  // namespace

double knn_kl(const SortedSample& p, Counts p_counts, const SortedSample& q, Counts q_counts, int64_t neighbours) {
  if (neighbours < 1) throw std::invalid_argument("knn kl: neighbours must be >= 1, got " + std::to_string(neighbours));
  const int64_t n = total(p, p_counts, "P"), m = total(q, q_counts, "Q");
  if (n < neighbours + 1 || m < neighbours)
    throw std::invalid_argument("knn kl: " + std::to_string(n) + " and " + std::to_string(m) + " values for " +
                                std::to_string(neighbours) + " neighbours; P needs neighbours + 1, Q neighbours");
  const double range = std::max(p.values.back(), q.values.back()) - std::min(p.values.front(), q.values.front());
  const double floor = 1e-12 * (range > 0 ? range : 1.0);
  // The smaller sample's neighbours are `neighbours`; the larger one's are as
  // many more as it has values, so both balls hold about the same
  // probability and the densities' curvature over them cancels.
  const double others = static_cast<double>(n - 1), ratio = others / static_cast<double>(m);
  const int64_t k_p = ratio > 1 ? std::llround(static_cast<double>(neighbours) * ratio) : neighbours;
  const int64_t k_q = ratio < 1 ? std::llround(static_cast<double>(neighbours) / ratio) : neighbours;
  const double psi_p = digamma(k_p), psi_q = digamma(k_q);

  // Resamples are searched as the flat samples they are (a value's copies
  // side by side); ties, which need the adaptive rank, by a walk.
  const std::vector<double> p_flat = expanded(p, p_counts), q_flat = expanded(q, q_counts);
  const Others q_all{q_flat, q_flat.size(), 0};
  double sum = 0;
  size_t block = 0;  // where p_i's copies start in p_flat
  size_t q_at = 0;   // the first value of q_flat >= p_i
  size_t p_window = 0, q_window = 0;  // where the last windows started, in p_flat and q_flat
  for (size_t i = 0; i < p.size(); block += p_counts.empty() ? 1 : p_counts[i], ++i) {
    const int64_t c = p_counts.empty() ? 1 : p_counts[i];
    if (c == 0) continue;
    const double x = p.values[i];
    while (q_at < q_flat.size() && q_flat[q_at] < x) ++q_at;
    // Its own copies are not its neighbours.
    const Others p_others{p_flat, block, static_cast<size_t>(c)};
    Neighbour rho{0, k_p}, nu{0, k_q};
    if (p_others.size() >= static_cast<size_t>(k_p)) {
      size_t w = p_window < block ? p_window : block;  // p_flat to p_others' positions: below the block alike
      rho.distance = kth_distance(p_others, x, block, static_cast<size_t>(k_p), w);
      p_window = w < block ? w : w + static_cast<size_t>(c);
    }
    if (rho.distance == 0) rho = nearest(p.values, p_counts, x, static_cast<ptrdiff_t>(i) - 1, i + 1, k_p, floor);
    nu.distance = kth_distance(q_all, x, q_at, static_cast<size_t>(k_q), q_window);
    if (nu.distance == 0) {
      const auto at = static_cast<size_t>(std::lower_bound(q.values.begin(), q.values.end(), x) - q.values.begin());
      nu = nearest(q.values, q_counts, x, static_cast<ptrdiff_t>(at) - 1, at, k_q, floor);
    }
    const double psi_rho = rho.rank == k_p ? psi_p : digamma(rho.rank);
    const double psi_nu = nu.rank == k_q ? psi_q : digamma(nu.rank);
    sum += static_cast<double>(c) * (std::log(nu.distance / rho.distance) + psi_rho - psi_nu);
  }
  return sum / static_cast<double>(n) + std::log(static_cast<double>(m) / others);
}

}  // namespace avflow::monitor
