// Multi-view predictions averaged per file, then top-1, top-5, per-class
// accuracy and the confusion matrix, on hand-made scores.
#include <catch2/catch.hpp>
#include <cmath>

#include "libs/eval/multi_view_accuracy.h"

using namespace avflow::eval;

TEST_CASE("views are averaged per file before the file is scored", "[eval][accuracy]") {
  ViewAverager views(3);
  // File a (class 0): one view wrong by a little, two right: right on average.
  views.add("a", 0, {0.2, 0.7, 0.1});
  views.add("a", 0, {0.6, 0.3, 0.1});
  views.add("a", 0, {0.6, 0.3, 0.1});
  // File b (class 2): predicted 1.
  views.add("b", 2, {0.1, 0.5, 0.4});
  // File c (class 1): right.
  views.add("c", 1, {0.0, 0.9, 0.1});
  const auto predictions = views.predictions();
  REQUIRE(predictions.size() == 3);
  CHECK(predictions[0].views == 3);
  CHECK(predictions[0].mean_scores[0] == Approx((0.2 + 0.6 + 0.6) / 3));

  const AccuracyReport r = accuracy_report(predictions, 3);
  CHECK(r.files == 3);
  CHECK(r.top1 == Approx(2.0 / 3));
  CHECK(r.top5 == 1.0);  // three classes: every label is in the top five
  CHECK(r.per_class[0] == 1.0);
  CHECK(r.per_class[1] == 1.0);
  CHECK(r.per_class[2] == 0.0);
  CHECK(r.confusion == std::vector<std::vector<int64_t>>{{1, 0, 0}, {0, 1, 0}, {0, 1, 0}});
  CHECK(r.views_per_file == std::vector<int>{1, 3});
  CHECK(confusion_csv(r, {"x", "y", "z"}) == "true \\ predicted,x,y,z\nx,1,0,0\ny,0,1,0\nz,0,1,0\n");
}

TEST_CASE("top-5 counts a label ranked fifth and not one ranked sixth", "[eval][accuracy]") {
  ViewAverager views(7);
  views.add("fifth", 0, {0.3, 0.9, 0.8, 0.7, 0.6, 0.1, 0.0});
  views.add("sixth", 0, {0.05, 0.9, 0.8, 0.7, 0.6, 0.5, 0.0});
  const AccuracyReport r = accuracy_report(views.predictions(), 7);
  CHECK(r.top1 == 0.0);
  CHECK(r.top5 == 0.5);
  CHECK(std::isnan(r.per_class[3]));  // no file of class 3
}

TEST_CASE("ties go to the lower class, and bad views are refused", "[eval][accuracy]") {
  ViewAverager views(2);
  views.add("tie", 1, {0.5, 0.5});
  CHECK(accuracy_report(views.predictions(), 2).top1 == 0.0);
  CHECK_THROWS_WITH(views.add("tie", 0, {0.5, 0.5}), Catch::Contains("carry labels 1 and 0"));
  CHECK_THROWS_WITH(views.add("x", 2, {0.5, 0.5}), Catch::Contains("label 2 is not a class"));
  CHECK_THROWS_WITH(views.add("x", 0, {0.5}), Catch::Contains("1 scores for 2 classes"));
}

TEST_CASE("the split mean averages the splits' accuracies", "[eval][accuracy]") {
  AccuracyReport a, b, c;
  a.top1 = 0.5, b.top1 = 0.6, c.top1 = 0.7;
  a.top5 = b.top5 = c.top5 = 0.9;
  const SplitMean m = mean_over_splits({a, b, c});
  CHECK(m.splits == 3);
  CHECK(m.top1 == Approx(0.6));
  CHECK(m.top5 == Approx(0.9));
}
