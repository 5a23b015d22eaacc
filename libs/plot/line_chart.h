// Line charts of training metrics as PNG files, drawn with cairo: panels
// stacked vertically over one shared x axis (the step), each with one or more
// named series on its own y axis.
//
//   plot::Chart chart;
//   chart.title = "quickstart";
//   chart.panels.push_back({"loss", {{"loss", steps, losses}}});
//   chart.panels.push_back({"lr", {{"lr", steps, lrs}}, /*log_y=*/true});
//   plot::write_png(chart, "curves.png");   // 900 x (2 x 300) pixels
//
// A panel has axes, "nice" ticks with labels, light grid lines and its title;
// a legend when it holds several series; "no data" when none of its points
// is finite. A series may carry a band (lo, hi) that is shaded around it. Non-finite points (and non-positive ones on a log axis) are
// skipped and break the line; a point with no drawable neighbour is a dot.
// Plain C++ over cairo, no torch, so that a command can reuse it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace avflow::plot {

struct Series {
  std::string name;
  std::vector<double> x;  // the step; as many as y
  std::vector<double> y;
  // An optional band around the line, such as a confidence interval: its
  // bounds at each point, as many as y (NaN where a point has none), or
  // empty. Drawn under the line in a light tint of its colour.
  std::vector<double> lo{}, hi{};
  // Its colour, as an index into the palette (series_colour); -1: the next
  // one counted over the chart's series. A comparison gives each run its own
  // index so that the run keeps its colour in every panel.
  int colour = -1;
};

struct Panel {
  std::string title;  // empty: the series' names
  std::vector<Series> series;
  bool log_y = false;
};

struct Chart {
  std::string title;  // optional, above the first panel
  std::vector<Panel> panels;
  int width = 900;         // pixels
  int panel_height = 300;  // pixels per panel: the image is width x (panels x panel_height)
  std::string x_label = "step";
};

// The largest image side cairo draws, in pixels.
inline constexpr int kMaxImageSide = 32768;

// 8-bit RGB.
using Rgb = std::array<uint8_t, 3>;

// The line colour of the chart's i-th series, counted over all panels in
// order (unless a series names its own); ten distinct colours, then they
// repeat.
Rgb series_colour(size_t i);

// At most about `target` round tick values (multiples of 1, 2 or 5 times a
// power of ten) spanning [lo, hi]: the first <= lo, the last >= hi.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

// Decades (and 2x, 5x when the range is short) spanning [lo, hi], lo > 0.
std::vector<double> log_ticks(double lo, double hi);

// Compact labels for ticks `step` apart ("0", "250", "1.5", "0.002" or
// "2e-4", "1.5e5"), one style for the whole axis: fixed-point when its
// longest label has at most 5 characters or is shorter than the scientific
// one; as few digits as tell the ticks apart. `step` <= 0 (a log axis): each
// tick gets the digits of its own magnitude.
std::vector<std::string> tick_labels(const std::vector<double>& ticks, double step);

// Draws the chart and writes it to `path` as PNG, through `path`.tmp renamed
// into place, so a reader never sees half a file. Throws std::runtime_error
// naming the path (and cairo's status) when drawing or writing fails, and
// std::invalid_argument for a chart without panels or with a side out of
// [16, kMaxImageSide] pixels.
void write_png(const Chart& chart, const std::string& path);

}  // namespace avflow::plot
