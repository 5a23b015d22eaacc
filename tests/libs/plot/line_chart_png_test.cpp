// The line chart library on its own: the PNG it writes, where each series'
// colour lands, gaps, lone points, empty panels, and its errors.
#include <cairo.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <limits>

#include "engine/atomic_file.h"
#include "libs/plot/line_chart.h"
#include "tests/support/png_image.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

constexpr plot::Rgb kWhite{255, 255, 255};
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// y[i] at step i.
plot::Series series(const std::string& name, const std::vector<double>& y) {
  plot::Series s{name, {}, y};
  for (size_t i = 0; i < y.size(); ++i) s.x.push_back(static_cast<double>(i));
  return s;
}

std::vector<double> ramp(size_t n, double from, double to) {
  std::vector<double> y;
  for (size_t i = 0; i < n; ++i) y.push_back(from + (to - from) * static_cast<double>(i) / static_cast<double>(n - 1));
  return y;
}

plot::Chart chart(std::vector<plot::Panel> panels, int width = 640, int panel_height = 200) {
  plot::Chart c;
  c.panels = std::move(panels);
  c.width = width;
  c.panel_height = panel_height;
  return c;
}

// Pixels of the chart's i-th series colour in panel p.
int64_t in_panel(const PngImage& img, size_t series, int panel, int panel_height) {
  return img.count(plot::series_colour(series), 0, panel * panel_height, img.width(), (panel + 1) * panel_height);
}

}  // namespace

TEST_CASE("a chart is a PNG file of width by panels times panel height", "[plot]") {
  TempDir dir;
  const std::string path = dir.path() + "/curves.png";
  plot::Chart c = chart({{"", {series("loss", ramp(50, 3.0, 1.0))}}, {"", {series("lr", ramp(50, 0.0, 2e-3))}}});
  c.title = "a run";
  plot::write_png(c, path);
  CHECK(has_png_signature(path));
  CHECK_FALSE(fs::exists(partial_path_of(path)));
  PngImage img(path);
  CHECK(img.width() == 640);
  CHECK(img.height() == 2 * 200);
  CHECK(img.count_not(kWhite, 0, 0, img.width(), img.height()) > 3000);  // axes, text, grid, lines
}

TEST_CASE("each series is drawn in its own colour inside its own panel", "[plot]") {
  TempDir dir;
  const std::string path = dir.path() + "/c.png";
  plot::write_png(chart({{"", {series("loss", ramp(40, 2.0, 0.5))}},
                         {"", {series("a", ramp(40, 0.0, 1.0)), series("b", ramp(40, 1.0, 0.0))}}}),
                  path);
  PngImage img(path);
  CHECK(in_panel(img, 0, 0, 200) > 100);
  CHECK(in_panel(img, 0, 1, 200) == 0);
  CHECK(in_panel(img, 1, 1, 200) > 100);
  CHECK(in_panel(img, 2, 1, 200) > 100);
  CHECK(in_panel(img, 1, 0, 200) == 0);
  CHECK(in_panel(img, 2, 0, 200) == 0);
  CHECK(plot::series_colour(0) != plot::series_colour(1));
  CHECK(plot::series_colour(1) != plot::series_colour(2));
}

TEST_CASE("NaN and infinite points are skipped and break the line", "[plot]") {
  TempDir dir;
  const std::string path = dir.path() + "/gap.png";
  std::vector<double> y(100, 1.0);
  for (size_t i = 40; i < 60; ++i) y[i] = i % 2 ? kNaN : std::numeric_limits<double>::infinity();
  y[10] = 1.5;
  plot::write_png(chart({{"", {series("loss", y)}}}, 900, 300), path);
  PngImage img(path);
  const plot::Rgb c = plot::series_colour(0);
  CHECK(img.count(c, 100, 0, 300, 300) > 100);  // steps 0..39
  CHECK(img.count(c, 650, 0, 850, 300) > 100);  // steps 60..99
  CHECK(img.count(c, 440, 0, 500, 300) == 0);   // around step 50: the gap
}

TEST_CASE("a point with no drawable neighbour is drawn as a dot", "[plot]") {
  TempDir dir;
  const std::string path = dir.path() + "/dot.png";
  std::vector<double> y(21, kNaN);
  y[10] = 2.0;
  plot::write_png(chart({{"", {series("grad_norm", y)}}}), path);
  CHECK(PngImage(path).count(plot::series_colour(0), 0, 0, 640, 200) >= 8);
}

TEST_CASE("a panel with no finite point says no data and the chart is still written", "[plot]") {
  TempDir dir;
  const std::string path = dir.path() + "/empty.png";
  plot::write_png(chart({{"", {series("loss", ramp(30, 2.0, 1.0))}},
                         {"", {series("missing", {})}},
                         {"", {series("all_nan", std::vector<double>(30, kNaN))}}}),
                  path);
  PngImage img(path);
  REQUIRE(img.height() == 3 * 200);
  CHECK(in_panel(img, 0, 0, 200) > 100);
  for (int panel : {1, 2}) {
    CHECK(in_panel(img, static_cast<size_t>(panel), panel, 200) == 0);
    const int cx = img.width() / 2, cy = panel * 200 + 100;  // "no data" in grey, mid-panel
    CHECK(img.count({136, 136, 136}, cx - 60, cy - 15, cx + 60, cy + 15, 40) > 10);
  }
}

TEST_CASE("a log y axis skips values that are not positive", "[plot]") {
  TempDir dir;
  const std::string path = dir.path() + "/log.png";
  std::vector<double> lr = ramp(50, 1e-5, 2e-3);
  lr[0] = 0.0;
  lr[49] = -1.0;
  plot::Panel p{"", {series("lr", lr)}, true};
  plot::write_png(chart({p}), path);
  CHECK(PngImage(path).count(plot::series_colour(0), 0, 0, 640, 200) > 100);
}

TEST_CASE("a series with a band is shaded between its bounds in a tint of its colour", "[plot]") {
  TempDir dir;
  const std::string path = dir.path() + "/band.png";
  // A flat line at 1 with a band from 0.5 to 1.5 over steps 0..59, none
  // after; a second series without a band.
  plot::Series s = series("kl", std::vector<double>(100, 1.0));
  for (size_t i = 0; i < 100; ++i) {
    s.lo.push_back(i < 60 ? 0.5 : kNaN);
    s.hi.push_back(i < 60 ? 1.5 : kNaN);
  }
  plot::write_png(chart({{"", {s, series("other", std::vector<double>(100, 0.2))}}}, 900, 300), path);
  PngImage img(path);
  // The tint: the series' colour at 20 % over white.
  const plot::Rgb c = plot::series_colour(0);
  auto tint = [](uint8_t v) { return static_cast<uint8_t>(std::lround(255 * 0.8 + v * 0.2)); };
  const plot::Rgb shade{tint(c[0]), tint(c[1]), tint(c[2])};
  const int64_t under_band = img.count(shade, 100, 0, 450, 300, 6);
  const int64_t past_band = img.count(shade, 600, 0, 850, 300, 6);
  INFO("tinted pixels: " << under_band << " under the band, " << past_band << " past it");
  CHECK(under_band > 5000);
  CHECK(past_band < 50);
  CHECK(img.count(c, 100, 0, 850, 300) > 300);  // the line itself, on top
  CHECK(img.count(plot::series_colour(1), 100, 0, 850, 300) > 300);
}

TEST_CASE("write_png names the path and cairo's status when it cannot write", "[plot][errors]") {
  TempDir dir;
  const std::string path = dir.path() + "/no/such/folder/c.png";
  try {
    plot::write_png(chart({{"", {series("loss", {1.0, 2.0})}}}), path);
    FAIL("no error");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()) ==
          "cannot write '" + path + "': " + cairo_status_to_string(CAIRO_STATUS_WRITE_ERROR));
  }
  CHECK_FALSE(fs::exists(partial_path_of(path)));
}

TEST_CASE("a chart without panels or of an impossible size is refused", "[plot][errors]") {
  TempDir dir;
  CHECK_THROWS_AS(plot::write_png(chart({}), dir.path() + "/a.png"), std::invalid_argument);
  CHECK_THROWS_AS(plot::write_png(chart({{"", {}}}, 8, 200), dir.path() + "/b.png"), std::invalid_argument);
  CHECK_THROWS_AS(plot::write_png(chart(std::vector<plot::Panel>(200, plot::Panel{}), 640, 200), dir.path() + "/c.png"),
                  std::invalid_argument);
}
