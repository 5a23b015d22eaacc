// InfoNCE with several positives, against hand-computed values: one
// positive, two, a candidate left out, and an anchor without positives
// left out of the mean with a finite gradient.
#include "libs/temporal/multi_positive_nce.h"

#include <catch2/catch.hpp>
#include <cmath>

using namespace avflow::temporal;

namespace {

at::Tensor mask(std::initializer_list<bool> values, int64_t columns = 3) {
  return at::tensor(std::vector<uint8_t>(values.begin(), values.end())).to(at::kBool).view({-1, columns});
}

}  // namespace

TEST_CASE("multi-positive InfoNCE pulls the positives together against every candidate", "[temporal][nce]") {
  // Scores 0.5, 0.2, -0.1 at tau 0.1: logits 5, 2, -1.
  const at::Tensor scores = at::tensor({0.5f, 0.2f, -0.1f}).view({1, 3});
  const auto all = mask({true, true, true});
  // One positive: -log(e^5 / (e^5 + e^2 + e^-1)) = log(1 + e^-3 + e^-6).
  CHECK(multi_positive_nce(scores, mask({true, false, false}), all, 0.1).item<double>() ==
        Approx(std::log(1 + std::exp(-3.0) + std::exp(-6.0))).epsilon(1e-4));
  // Two positives: -log((e^5 + e^2) / (e^5 + e^2 + e^-1)).
  const double e5 = std::exp(5.0), e2 = std::exp(2.0), em1 = std::exp(-1.0);
  CHECK(multi_positive_nce(scores, mask({true, true, false}), all, 0.1).item<double>() ==
        Approx(std::log((e5 + e2 + em1) / (e5 + e2))).epsilon(1e-4));
  // The third is no candidate: log(1 + e^-3).
  CHECK(multi_positive_nce(scores, mask({true, false, false}), mask({true, true, false}), 0.1).item<double>() ==
        Approx(std::log(1 + std::exp(-3.0))).epsilon(1e-4));
}

TEST_CASE("an anchor without positives is left out of the mean, with a finite gradient", "[temporal][nce]") {
  at::Tensor scores = at::tensor({0.5f, 0.2f, -0.1f, 0.3f, 0.3f, 0.3f}).view({2, 3}).requires_grad_();
  const auto positive = mask({true, false, false, false, false, false});
  const at::Tensor loss = multi_positive_nce(scores, positive, mask({true, true, true, true, true, true}), 0.1);
  CHECK(loss.item<double>() == Approx(std::log(1 + std::exp(-3.0) + std::exp(-6.0))).epsilon(1e-4));
  loss.backward();
  CHECK(at::isfinite(scores.grad()).all().item<bool>());
  CHECK(at::equal(scores.grad()[1], at::zeros({3})));  // the second anchor takes no part
  // Nobody with a positive: 0.
  CHECK(multi_positive_nce(scores.detach(), mask({false, false, false, false, false, false}),
                           mask({true, true, true, true, true, true}), 0.1)
            .item<double>() == 0.0);
  CHECK_THROWS_WITH(multi_positive_nce(scores, positive, mask({true, true, true}), 0.1),
                    "multi_positive_nce: scores and both masks must be [N, C] alike");
}
