// contrastive_loss against a plain double-precision loop over Eq. 1.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "libs/model/contrastive_loss.h"

using namespace avflow::model;

namespace {

using Rows = std::vector<std::vector<double>>;

Rows to_rows(const torch::Tensor& t) {
  const auto c = t.to(torch::kDouble).contiguous();
  const auto acc = c.accessor<double, 2>();
  Rows rows(static_cast<size_t>(c.size(0)), std::vector<double>(static_cast<size_t>(c.size(1))));
  for (int64_t i = 0; i < c.size(0); ++i)
    for (int64_t k = 0; k < c.size(1); ++k) rows[i][k] = acc[i][k];
  return rows;
}

double dot(const std::vector<double>& x, const std::vector<double>& y) {
  double s = 0;
  for (size_t k = 0; k < x.size(); ++k) s += x[k] * y[k];
  return s;
}

void normalise(Rows& rows) {
  for (auto& r : rows) {
    const double n = std::sqrt(dot(r, r));
    for (double& x : r) x /= n;
  }
}

// Mean of l_i over [first, first + count): explicit loops, max-subtracted
// log-sum-exp, all in double.
double naive_loss(Rows v, Rows a, int64_t first = 0, int64_t count = -1, bool normalize = false, double tau = 1) {
  const size_t B = v.size();
  if (count < 0) count = static_cast<int64_t>(B) - first;
  if (normalize) {
    normalise(v);
    normalise(a);
  }
  const double scale = normalize ? 1.0 / tau : 1.0;
  double total = 0;
  for (size_t i = static_cast<size_t>(first); i < static_cast<size_t>(first + count); ++i) {
    std::vector<double> terms;
    for (size_t j = 0; j < B; ++j) terms.push_back(scale * dot(v[i], a[j]));  // s_ij, j = i included
    for (size_t j = 0; j < B; ++j)
      if (j != i) terms.push_back(scale * dot(v[j], a[i]));  // s_ji
    const double m = *std::max_element(terms.begin(), terms.end());
    double sum = 0;
    for (double t : terms) sum += std::exp(t - m);
    total += (m + std::log(sum)) - scale * dot(v[i], a[i]);
  }
  return total / static_cast<double>(count);
}

// d naive_loss / d x by central differences, x = v (wrt_v) or a.
Rows naive_gradient(const Rows& v, const Rows& a, bool wrt_v, bool normalize = false, double tau = 1) {
  const double h = 1e-5;
  Rows g = wrt_v ? v : a;
  for (size_t i = 0; i < g.size(); ++i)
    for (size_t k = 0; k < g[i].size(); ++k) {
      Rows vp = v, vm = v, ap = a, am = a;
      (wrt_v ? vp : ap)[i][k] += h;
      (wrt_v ? vm : am)[i][k] -= h;
      g[i][k] = (naive_loss(vp, ap, 0, -1, normalize, tau) - naive_loss(vm, am, 0, -1, normalize, tau)) / (2 * h);
    }
  return g;
}

void check_close(const torch::Tensor& actual, const Rows& expected, double margin) {
  const Rows got = to_rows(actual);
  REQUIRE(got.size() == expected.size());
  for (size_t i = 0; i < got.size(); ++i)
    for (size_t k = 0; k < got[i].size(); ++k) {
      INFO("element [" << i << "][" << k << "]");
      CHECK(got[i][k] == Approx(expected[i][k]).margin(margin).epsilon(margin));
    }
}

// Seeded [7, 5] embeddings, scale 2: scores span roughly +-20.
struct Pair {
  torch::Tensor v, a;
};
Pair random_pair(double scale, int64_t B = 7, int64_t d = 5, uint64_t seed = 17) {
  torch::manual_seed(seed);
  return {torch::randn({B, d}) * scale, torch::randn({B, d}) * scale};
}

double max_abs_score(const Pair& p) { return torch::matmul(p.v, p.a.t()).abs().max().item<double>(); }

struct Grads {
  torch::Tensor loss, gv, ga;
};
Grads loss_and_grads(const Pair& p, const ContrastiveLossOptions& options = {}, AnchorRows rows = {},
                     double weight = 1) {
  auto v = p.v.detach().clone().requires_grad_(true);
  auto a = p.a.detach().clone().requires_grad_(true);
  auto loss = contrastive_loss(v, a, options, rows);
  (loss * weight).backward();
  return {loss.detach(), v.grad(), a.grad()};
}

template <typename F>
void check_invalid(F&& call, const std::string& fragment) {
  CHECK_THROWS_AS(call(), std::invalid_argument);
  CHECK_THROWS_WITH(call(), Catch::Contains(fragment));
}

}  // namespace

TEST_CASE("the loss matches a double-precision loop over Eq. 1 on random embeddings", "[model][loss]") {
  const auto p = random_pair(2.0);
  const double span = max_abs_score(p);
  REQUIRE(span > 10);
  REQUIRE(span < 40);
  const auto loss = contrastive_loss(p.v, p.a);
  CHECK(loss.dim() == 0);
  CHECK(loss.scalar_type() == torch::kFloat);
  CHECK(loss.item<double>() == Approx(naive_loss(to_rows(p.v), to_rows(p.a))).epsilon(1e-5));

  const auto loss64 = contrastive_loss(p.v.to(torch::kDouble), p.a.to(torch::kDouble));
  CHECK(loss64.scalar_type() == torch::kDouble);
  CHECK(loss64.item<double>() == Approx(naive_loss(to_rows(p.v), to_rows(p.a))).epsilon(1e-12));
}

TEST_CASE("the gradients w.r.t. z_v and z_a match finite differences of the loop", "[model][loss]") {
  const auto p = random_pair(2.0);
  const auto v = to_rows(p.v), a = to_rows(p.a);
  const auto gv = naive_gradient(v, a, true), ga = naive_gradient(v, a, false);
  SECTION("float32") {
    const auto g = loss_and_grads(p);
    check_close(g.gv, gv, 1e-4);
    check_close(g.ga, ga, 1e-4);
  }
  SECTION("float64") {
    const auto g = loss_and_grads({p.v.to(torch::kDouble), p.a.to(torch::kDouble)});
    check_close(g.gv, gv, 1e-7);
    check_close(g.ga, ga, 1e-7);
  }
}

TEST_CASE("the normalised variant matches the loop on l2-normalised vectors with scores over tau",
          "[model][loss]") {
  const auto p = random_pair(2.0);
  const auto v = to_rows(p.v), a = to_rows(p.a);
  for (const double tau : {0.07, 0.3}) {
    INFO("tau " << tau);
    const ContrastiveLossOptions options{true, tau};
    const auto g = loss_and_grads(p, options);
    CHECK(g.loss.item<double>() == Approx(naive_loss(v, a, 0, -1, true, tau)).epsilon(1e-5));
    check_close(g.gv, naive_gradient(v, a, true, true, tau), 1e-4);
    check_close(g.ga, naive_gradient(v, a, false, true, tau), 1e-4);
  }
  // Normalising makes the loss blind to the embeddings' lengths.
  const ContrastiveLossOptions options{true, 0.07};
  CHECK(contrastive_loss(p.v * 3.5, p.a * 0.25, options).item<double>() ==
        Approx(contrastive_loss(p.v, p.a, options).item<double>()).epsilon(1e-5));
}

TEST_CASE("scores of several thousand give a finite loss equal to the loop", "[model][loss]") {
  const auto p = random_pair(30.0);
  const double span = max_abs_score(p);
  REQUIRE(span > 3000);
  REQUIRE(span < 8000);
  const auto g = loss_and_grads(p);
  REQUIRE(std::isfinite(g.loss.item<double>()));
  CHECK(g.loss.item<double>() == Approx(naive_loss(to_rows(p.v), to_rows(p.a))).epsilon(1e-5));
  CHECK(torch::isfinite(g.gv).all().item<bool>());
  CHECK(torch::isfinite(g.ga).all().item<bool>());
  // Without the max subtraction e^{5000} would be inf in any precision.
  CHECK(std::isinf(std::exp(span)));
}

TEST_CASE("half and bfloat16 inputs are computed in float32", "[model][loss]") {
  const auto p = random_pair(2.0);
  for (const auto dtype : {torch::kHalf, torch::kBFloat16}) {
    INFO("dtype " << dtype);
    const auto v = p.v.to(dtype), a = p.a.to(dtype);
    const auto loss = contrastive_loss(v, a);
    CHECK(loss.scalar_type() == torch::kFloat);
    CHECK(loss.item<double>() == Approx(naive_loss(to_rows(v), to_rows(a))).epsilon(1e-5));
  }
}

TEST_CASE("losses over split anchor rows weighted by their counts add up to the full batch", "[model][loss]") {
  const auto p = random_pair(2.0);
  const auto full = loss_and_grads(p, {}, {}, 7);
  const auto head = loss_and_grads(p, {}, {0, 3}, 3);
  const auto tail = loss_and_grads(p, {}, {3, 4}, 4);
  CHECK(head.loss.item<double>() * 3 + tail.loss.item<double>() * 4 ==
        Approx(full.loss.item<double>() * 7).epsilon(1e-6));
  CHECK(torch::allclose(head.gv + tail.gv, full.gv, 1e-5, 1e-6));
  CHECK(torch::allclose(head.ga + tail.ga, full.ga, 1e-5, 1e-6));
  // Split rows still see the whole batch as negatives.
  const auto v = to_rows(p.v), a = to_rows(p.a);
  CHECK(head.loss.item<double>() == Approx(naive_loss(v, a, 0, 3)).epsilon(1e-5));
  CHECK(tail.loss.item<double>() == Approx(naive_loss(v, a, 3, 4)).epsilon(1e-5));
  CHECK(contrastive_loss(p.v, p.a, {}, {3, -1}).item<double>() == Approx(tail.loss.item<double>()).epsilon(1e-6));
  CHECK(contrastive_loss(p.v, p.a, {}, {5, 1}).item<double>() == Approx(naive_loss(v, a, 5, 1)).epsilon(1e-5));
}

TEST_CASE("an aligned batch gives a loss near zero and a random one about log of 2B-1", "[model][loss]") {
  const int64_t B = 7;
  torch::manual_seed(5);
  const auto q = std::get<0>(torch::linalg_qr(torch::randn({8, 8}, torch::kDouble)));
  const auto v = q.narrow(0, 0, B).to(torch::kFloat);  // orthonormal rows
  const double aligned = contrastive_loss(v, v * 10).item<double>();
  CHECK(aligned < 1e-3);
  // Off-diagonal scores are float32 rounding (~1e-7), not exactly 0.
  CHECK(aligned == Approx(std::log1p(2.0 * (B - 1) * std::exp(-10.0))).margin(1e-6));

  const auto p = random_pair(0.01, B);
  CHECK(contrastive_loss(p.v, p.a).item<double>() == Approx(std::log(2.0 * B - 1)).margin(0.01));
}

TEST_CASE("invalid inputs and options throw invalid_argument naming the problem", "[model][loss]") {
  const auto v = torch::randn({7, 5}), a = torch::randn({7, 5});
  check_invalid([&] { return contrastive_loss(v, torch::randn({7, 4})); }, "same shape");
  check_invalid([&] { return contrastive_loss(v, torch::randn({6, 5})); }, "same shape");
  check_invalid([&] { return contrastive_loss(torch::randn({7}), torch::randn({7})); }, "2-D");
  check_invalid([&] { return contrastive_loss(torch::randn({1, 5}), torch::randn({1, 5})); }, "at least 2");
  check_invalid([&] { return contrastive_loss(v, a, {true, 0.0}); }, "tau");
  check_invalid([&] { return contrastive_loss(v, a, {true, -0.1}); }, "tau");
  check_invalid([&] { return contrastive_loss(v.to(torch::kInt), a.to(torch::kInt)); }, "floating point");
  check_invalid([&] { return contrastive_loss(v, a, {}, {7, 1}); }, "first must be in [0, B)");
  check_invalid([&] { return contrastive_loss(v, a, {}, {-1, 1}); }, "first must be in [0, B)");
  check_invalid([&] { return contrastive_loss(v, a, {}, {5, 3}); }, "first + count must be <= B");
  check_invalid([&] { return contrastive_loss(v, a, {}, {2, 0}); }, "count must be >= 1");
}
