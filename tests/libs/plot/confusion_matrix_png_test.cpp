// The confusion matrix heat map: a PNG of the stated size whose diagonal
// cells are dark for a perfect classifier and whose wrong cells are white.
#include <catch2/catch.hpp>

#include "libs/plot/confusion_matrix.h"
#include "tests/support/png_image.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("a confusion matrix PNG shades each cell by its share of the row", "[eval][plot]") {
  TempDir dir;
  const std::string path = dir.path() + "/confusion.png";
  plot::write_confusion_png({{5, 0, 0}, {0, 3, 0}, {0, 2, 2}}, {"red", "green", "blue"}, "split 1", path);
  REQUIRE(has_png_signature(path));
  const PngImage image(path);
  const int side = plot::confusion_image_side(3);
  CHECK(image.width() == side);
  CHECK(image.height() == side);
  // Cells are (side - 160) / 3 pixels wide from x, y = 150; sample near each cell's corner.
  const int cell = (side - 160) / 3;
  auto at = [&](int row, int col) { return image.at(150 + col * cell + 3, 150 + row * cell + 3); };
  CHECK(at(0, 0) == plot::Rgb{31, 119, 180});   // 5 of 5: the full shade
  CHECK(at(0, 1) == plot::Rgb{255, 255, 255});  // none
  CHECK(at(2, 1)[0] > at(0, 0)[0]);             // 2 of 4: lighter than a whole row
  CHECK(at(2, 1)[0] < 255);
  CHECK(image.count_not({255, 255, 255}, 0, 0, 150, side) > 100);  // the class names
}

TEST_CASE("a confusion matrix that does not match its classes is refused", "[eval][plot]") {
  TempDir dir;
  CHECK_THROWS_AS(plot::write_confusion_png({{1, 0}, {0, 1}}, {"a", "b", "c"}, "", dir.path() + "/x.png"),
                  std::invalid_argument);
  CHECK_THROWS_AS(plot::write_confusion_png({{1, 0}, {0}}, {"a", "b"}, "", dir.path() + "/x.png"),
                  std::invalid_argument);
}
