// KL divergence between two samples of a scalar by nearest-neighbour
// distances, the KL monitor's default estimator (Wang, Kulkarni and Verdú,
// "Divergence estimation for multidimensional densities via k-nearest-
// neighbor distances", IEEE Trans. Inf. Theory 55(5), 2009), for d = 1:
//
//   D(P || Q) ~ (1/n) sum_i [log(nu(i) / rho(i)) + psi(l_i) - psi(k_i)] + log(m / (n - 1))
//
// with n = |P|, m = |Q|; rho(i) the distance from p_i to its l_i-th nearest
// neighbour among the other values of P, nu(i) the distance from p_i to its
// k_i-th nearest value of Q, psi the digamma function. The smaller sample's
// rank is `neighbours`, the larger one's that times the ratio of the sizes,
// so that both neighbourhoods hold about the same probability and the
// densities' curvature over them cancels (with one rank for both, 16384
// values against 512 of one Gaussian read -0.005 nats at 5 neighbours and
// -0.017 at 20). Where ties make a distance zero, its rank grows to the first
// value at a positive distance and the digamma terms correct for it (the
// paper's adaptive form); only where a sample offers no positive distance
// at all (every value equal) is a floor of 1e-12 times the pooled range
// used, so the result stays finite. In nats. Consistent (no binning), so
// its bias falls with the sample sizes instead of settling at a binning's;
// it can be slightly negative for equal distributions. Where P has mass in
// a tail of Q that Q's values do not reach, it reads low: nothing in Q's
// sample says how fast Q's density falls there.
//
// Samples are sorted values with multiplicities (sorted_sample.h: a
// bootstrap resample is counts), and a value's own copies are not its
// neighbours: a resample's duplicates do not collapse rho to zero.
#pragma once

#include <cstdint>

#include "libs/monitor/sorted_sample.h"

namespace avflow::monitor {

// KL(P || Q) in nats by the estimator above. Throws std::invalid_argument
// when neighbours < 1, P holds fewer than neighbours + 1 values or Q fewer
// than neighbours (counted with multiplicity), or counts are not one per
// value.
double knn_kl(const SortedSample& p, Counts p_counts, const SortedSample& q, Counts q_counts, int64_t neighbours);

inline double knn_kl(const SortedSample& p, const SortedSample& q, int64_t neighbours) {
  return knn_kl(p, {}, q, {}, neighbours);
}

}  // namespace avflow::monitor
