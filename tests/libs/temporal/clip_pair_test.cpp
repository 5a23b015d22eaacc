// The order class of two clips of a title, from constructed pairs: any
// shared snippet is an overlap; touching ends are not.
#include "libs/temporal/clip_pair.h"

#include <catch2/catch.hpp>

using namespace avflow::temporal;

TEST_CASE("the second clip of a pair overlaps, comes after or comes before the first", "[temporal][order]") {
  // [first, end) in snippets.
  CHECK(order_of({0, 1}, {0, 1}) == PairOrder::kOverlap);    // the same snippet
  CHECK(order_of({2, 6}, {5, 13}) == PairOrder::kOverlap);   // sharing snippet 5
  CHECK(order_of({5, 13}, {2, 6}) == PairOrder::kOverlap);
  CHECK(order_of({0, 8}, {3, 4}) == PairOrder::kOverlap);    // inside
  CHECK(order_of({2, 6}, {6, 7}) == PairOrder::kAfter);      // starts where the first ends
  CHECK(order_of({0, 1}, {9, 17}) == PairOrder::kAfter);
  CHECK(order_of({6, 7}, {2, 6}) == PairOrder::kBefore);     // ends where the first starts
  CHECK(order_of({10, 12}, {0, 4}) == PairOrder::kBefore);
  CHECK(static_cast<int64_t>(PairOrder::kOverlap) == 0);
  CHECK(static_cast<int64_t>(PairOrder::kAfter) == 1);
  CHECK(static_cast<int64_t>(PairOrder::kBefore) == 2);
  CHECK(std::string(order_name(PairOrder::kBefore)) == "before");
  CHECK_THROWS_AS(order_of({3, 3}, {0, 1}), std::invalid_argument);
}
