#include "libs/plot/line_chart.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <numbers>
#include <stdexcept>

#include "libs/plot/cairo_canvas.h"

namespace avflow::plot {

namespace {

constexpr Rgb kPalette[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},  {148, 103, 189},
                            {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};

// Layout, in pixels.
constexpr double kFontSize = 11.0;
constexpr double kTitleSize = 12.5;
constexpr double kChartTitleSize = 14.0;
constexpr double kPanelTitleBand = 24.0;  // above each plot area
constexpr double kChartTitleBand = 24.0;  // above the first panel's title
constexpr double kTickLabelBand = 22.0;   // below each plot area
constexpr double kXLabelBand = 16.0;      // below the last panel's tick labels
constexpr double kRightMargin = 18.0;
constexpr double kTickLength = 4.0;
constexpr double kLineWidth = 1.8;
constexpr double kDotRadius = 2.6;
constexpr double kBandAlpha = 0.2;  // a band's tint: its colour over the white background


// The 1, 2 or 5 times a power of ten nearest x (geometrically).
double nice_number(double x) {
  const double e = std::floor(std::log10(x));
  const double f = x / std::pow(10.0, e);
  return (f < std::sqrt(2.0) ? 1 : f < std::sqrt(10.0) ? 2 : f < std::sqrt(50.0) ? 5 : 10) * std::pow(10.0, e);
}

// Decimals that write `step` exactly (to 6 significant digits).
int decimals_of(double step) {
  for (int d = 0; d < 12; ++d) {
    const double scaled = step * std::pow(10.0, d);
    if (std::abs(scaled - std::round(scaled)) <= 1e-6 * scaled) return d;
  }
  return 12;
}

// "0.0010" -> "0.001", "2.0" -> "2"; integers stay as they are.
std::string without_trailing_zeros(std::string s) {
  if (s.find('.') == std::string::npos) return s;
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string fixed_label(double v, double step) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals_of(step), v);
  const std::string s = without_trailing_zeros(buf);
  return s == "-0" ? "0" : s;
}

// "2e-4", "1.5e5": the digits that `step` needs at the magnitude of v.
std::string scientific_label(double v, double step) {
  if (v == 0) return "0";
  const int digits = std::clamp(static_cast<int>(std::floor(std::log10(std::abs(v))) -
                                                 std::floor(std::log10(step) + 1e-9)) + 1,
                                1, 6);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*e", digits - 1, v);
  std::string s = buf;
  const size_t e = s.find('e');
  return without_trailing_zeros(s.substr(0, e)) + "e" + std::to_string(std::stoi(s.substr(e + 1)));
}

size_t longest(const std::vector<std::string>& labels) {
  size_t n = 0;
  for (const auto& l : labels) n = std::max(n, l.size());
  return n;
}

// One axis: its range (log10 of the values on a log axis) and its ticks.
struct Axis {
  double lo = 0, hi = 1;
  bool log = false;
  std::vector<double> ticks;  // values, not logarithms
  std::vector<std::string> labels;

  double at(double v) const { return ((log ? std::log10(v) : v) - lo) / (hi - lo); }
};

bool drawable(double x, double y, bool log_y) { return std::isfinite(x) && std::isfinite(y) && (!log_y || y > 0); }

// The smallest and largest drawable value; lo > hi when there is none.
struct Extent {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) { lo = std::min(lo, v), hi = std::max(hi, v); }
  bool empty() const { return lo > hi; }
};

// Whether point i of the series has a band to draw.
bool band_at(const Series& s, size_t i, bool log_y) {
  return i < s.lo.size() && i < s.hi.size() && drawable(s.x[i], s.lo[i], log_y) && drawable(s.x[i], s.hi[i], log_y);
}

Extent y_extent(const Panel& p) {
  Extent e;
  for (const auto& s : p.series)
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (!drawable(s.x[i], s.y[i], p.log_y)) continue;
      e.add(s.y[i]);
      if (band_at(s, i, p.log_y)) e.add(s.lo[i]), e.add(s.hi[i]);
    }
  return e;
}

// Ticks of `nice_ticks` that fall inside [lo, hi], with their labels.
void linear_ticks(Axis& a, double lo, double hi, int target) {
  const std::vector<double> all = nice_ticks(lo, hi, target);
  const double step = all.size() > 1 ? all[1] - all[0] : 1.0;
  const double slack = 1e-9 * step;
  for (double t : all)
    if (t >= lo - slack && t <= hi + slack) a.ticks.push_back(t);
  a.labels = tick_labels(a.ticks, step);
}

Axis x_axis(const Chart& chart, double length) {
  Extent e;
  for (const auto& p : chart.panels)
    for (const auto& s : p.series)
      for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i)
        if (drawable(s.x[i], s.y[i], p.log_y)) e.add(s.x[i]);
  Axis a;
  if (e.empty()) e.lo = 0, e.hi = 1;
  if (e.lo == e.hi) e.lo -= 1, e.hi += 1;
  a.lo = e.lo, a.hi = e.hi;
  linear_ticks(a, a.lo, a.hi, std::max(2, static_cast<int>(length / 90)));
  return a;
}

Axis y_axis(const Panel& p, double length) {
  Axis a;
  Extent e = y_extent(p);
  if (e.empty()) return a;
  const int target = std::max(2, static_cast<int>(length / 40));
  if (p.log_y) {
    a.log = true;
    double lo = std::log10(e.lo), hi = std::log10(e.hi);
    const double pad = hi > lo ? 0.05 * (hi - lo) : 0.1;
    a.lo = lo - pad, a.hi = hi + pad;
    const double vlo = std::pow(10.0, a.lo), vhi = std::pow(10.0, a.hi);
    a.ticks = log_ticks(vlo, vhi);
    if (a.ticks.size() >= 2) {
      a.labels = tick_labels(a.ticks, 0);
      return a;
    }
    a.ticks.clear();  // less than a factor of 2.5: linear ticks read better
    linear_ticks(a, vlo, vhi, target);
    return a;
  }
  if (e.lo == e.hi) {
    const double d = e.lo != 0 ? 0.1 * std::abs(e.lo) : 1.0;
    e.lo -= d, e.hi += d;
  }
  const double pad = 0.05 * (e.hi - e.lo);
  a.lo = e.lo - pad, a.hi = e.hi + pad;
  linear_ticks(a, a.lo, a.hi, target);
  return a;
}

struct Box {
  double x0, y0, x1, y1;
  double px(const Axis& a, double v) const { return x0 + a.at(v) * (x1 - x0); }
  double py(const Axis& a, double v) const { return y1 - a.at(v) * (y1 - y0); }
};

// Pixel centre for crisp 1-pixel lines.
double crisp(double v) { return std::floor(v) + 0.5; }

void draw_grid_and_ticks(cairo_t* cr, const Box& b, const Axis& x, const Axis* y, bool x_labels) {
  cairo_set_line_width(cr, 1.0);
  set_font(cr, kFontSize);
  for (size_t i = 0; i < x.ticks.size(); ++i) {
    const double px = crisp(b.px(x, x.ticks[i]));
    set_colour(cr, kGrid);
    cairo_move_to(cr, px, b.y0), cairo_line_to(cr, px, b.y1), cairo_stroke(cr);
    set_colour(cr, kAxis);
    cairo_move_to(cr, px, b.y1), cairo_line_to(cr, px, b.y1 + kTickLength), cairo_stroke(cr);
    set_colour(cr, kText);
    if (x_labels) draw_text(cr, x.labels[i], px, b.y1 + kTickLength + kTickLabelBand / 2 - 1, 0.5);
  }
  if (!y) return;
  for (size_t i = 0; i < y->ticks.size(); ++i) {
    const double py = crisp(b.py(*y, y->ticks[i]));
    set_colour(cr, kGrid);
    cairo_move_to(cr, b.x0, py), cairo_line_to(cr, b.x1, py), cairo_stroke(cr);
    set_colour(cr, kAxis);
    cairo_move_to(cr, b.x0 - kTickLength, py), cairo_line_to(cr, b.x0, py), cairo_stroke(cr);
    set_colour(cr, kText);
    draw_text(cr, y->labels[i], b.x0 - kTickLength - 3, py, 1.0);
  }
}

// The series as lines through its drawable points, broken where a point is
// not drawable; a point alone between breaks is a dot.
void draw_series(cairo_t* cr, const Box& b, const Axis& x, const Axis& y, const Series& s, Rgb colour, bool log_y) {
  cairo_save(cr);
  cairo_rectangle(cr, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
  cairo_clip(cr);
  set_colour(cr, colour);
  cairo_set_line_width(cr, kLineWidth);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  const size_t n = std::min(s.x.size(), s.y.size());
  size_t run = 0;  // drawable points in the current stretch
  double last_x = 0, last_y = 0;
  auto end_run = [&] {
    if (run == 1) {
      cairo_new_sub_path(cr);
      cairo_arc(cr, last_x, last_y, kDotRadius, 0, 2 * std::numbers::pi);
      cairo_fill(cr);
    } else if (run > 1) {
      cairo_stroke(cr);
    }
    cairo_new_path(cr);
    run = 0;
  };
  for (size_t i = 0; i < n; ++i) {
    if (!drawable(s.x[i], s.y[i], log_y)) {
      end_run();
      continue;
    }
    last_x = b.px(x, s.x[i]), last_y = b.py(y, s.y[i]);
    if (run++ == 0) cairo_move_to(cr, last_x, last_y);
    else cairo_line_to(cr, last_x, last_y);
  }
  end_run();
  cairo_restore(cr);
}

// The series' band as filled areas between its bounds, one a stretch of
// points with a band; a point alone is a bar from lo to hi.
void draw_band(cairo_t* cr, const Box& b, const Axis& x, const Axis& y, const Series& s, Rgb colour, bool log_y) {
  cairo_save(cr);
  cairo_rectangle(cr, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
  cairo_clip(cr);
  const size_t n = std::min(s.x.size(), s.y.size());
  for (size_t start = 0; start < n;) {
    if (!band_at(s, start, log_y)) {
      ++start;
      continue;
    }
    size_t end = start;
    while (end < n && band_at(s, end, log_y)) ++end;
    if (end - start == 1) {
      set_colour(cr, colour, kBandAlpha);
      cairo_set_line_width(cr, 2 * kDotRadius);
      cairo_move_to(cr, b.px(x, s.x[start]), b.py(y, s.lo[start]));
      cairo_line_to(cr, b.px(x, s.x[start]), b.py(y, s.hi[start]));
      cairo_stroke(cr);
    } else {
      set_colour(cr, colour, kBandAlpha);
      cairo_move_to(cr, b.px(x, s.x[start]), b.py(y, s.hi[start]));
      for (size_t i = start + 1; i < end; ++i) cairo_line_to(cr, b.px(x, s.x[i]), b.py(y, s.hi[i]));
      for (size_t i = end; i-- > start;) cairo_line_to(cr, b.px(x, s.x[i]), b.py(y, s.lo[i]));
      cairo_close_path(cr);
      cairo_fill(cr);
    }
    start = end;
  }
  cairo_restore(cr);
}

// A series' own palette index, or `counted`, its place among the chart's series.
Rgb colour_of(const Series& s, size_t counted) {
  return series_colour(s.colour >= 0 ? static_cast<size_t>(s.colour) : counted);
}

void draw_legend(cairo_t* cr, const Box& b, const Panel& p, size_t first_colour) {
  set_font(cr, kFontSize);
  const double row = 16, swatch = 18, pad = 6;
  double w = 0;
  for (const auto& s : p.series) w = std::max(w, text_width(cr, s.name));
  w += swatch + 3 * pad;
  const double h = row * static_cast<double>(p.series.size()) + pad;
  const double x0 = b.x1 - w - 8, y0 = b.y0 + 8;
  cairo_rectangle(cr, crisp(x0), crisp(y0), std::round(w), std::round(h));
  set_colour(cr, kWhite, 0.85);
  cairo_fill_preserve(cr);
  set_colour(cr, kGrid);
  cairo_set_line_width(cr, 1.0);
  cairo_stroke(cr);
  for (size_t i = 0; i < p.series.size(); ++i) {
    const double cy = y0 + pad / 2 + row * (static_cast<double>(i) + 0.5);
    set_colour(cr, colour_of(p.series[i], first_colour + i));
    cairo_set_line_width(cr, kLineWidth);
    cairo_move_to(cr, x0 + pad, cy), cairo_line_to(cr, x0 + pad + swatch, cy), cairo_stroke(cr);
    set_colour(cr, kText);
    draw_text(cr, p.series[i].name, x0 + 2 * pad + swatch, cy, 0.0);
  }
}

std::string panel_title(const Panel& p) {
  if (!p.title.empty()) return p.title;
  std::string t;
  for (const auto& s : p.series) t += (t.empty() ? "" : ", ") + s.name;
  return t;
}

void draw(cairo_t* cr, const Chart& chart) {
  const double width = chart.width, height = chart.panel_height;
  const size_t n = chart.panels.size();
  set_colour(cr, kWhite);
  cairo_paint(cr);

  // Every panel's plot area starts at the same x, past the widest y label,
  // so that the panels share one x axis.
  std::vector<Axis> ys;
  double left = 40;
  set_font(cr, kFontSize);
  for (const auto& p : chart.panels) {
    ys.push_back(y_axis(p, height - kPanelTitleBand - kTickLabelBand));
    for (const auto& l : ys.back().labels) left = std::max(left, text_width(cr, l) + kTickLength + 12);
  }
  const Axis x = x_axis(chart, width - left - kRightMargin);

  if (!chart.title.empty()) {
    set_font(cr, kChartTitleSize, true);
    set_colour(cr, kText);
    draw_text(cr, chart.title, width / 2, kChartTitleBand / 2 + 2, 0.5);
  }
  size_t colour = 0;
  for (size_t i = 0; i < n; ++i) {
    const Panel& p = chart.panels[i];
    const double top = height * static_cast<double>(i);
    const bool last = i + 1 == n;
    const double title_band = kPanelTitleBand + (i == 0 && !chart.title.empty() ? kChartTitleBand : 0);
    Box b{left, top + title_band, width - kRightMargin,
          top + height - kTickLabelBand - (last && !chart.x_label.empty() ? kXLabelBand : 0)};
    b.x0 = crisp(b.x0), b.x1 = crisp(b.x1), b.y0 = crisp(b.y0), b.y1 = crisp(b.y1);

    set_font(cr, kTitleSize, true);
    set_colour(cr, kText);
    draw_text(cr, panel_title(p), (b.x0 + b.x1) / 2, b.y0 - kPanelTitleBand / 2, 0.5);
    if (b.x1 - b.x0 < 8 || b.y1 - b.y0 < 8) {  // too small to hold a plot
      colour += p.series.size();
      continue;
    }
    const bool has_data = !ys[i].ticks.empty();
    draw_grid_and_ticks(cr, b, x, has_data ? &ys[i] : nullptr, true);
    if (!has_data) {
      set_font(cr, kTitleSize);
      set_colour(cr, kMuted);
      draw_text(cr, "no data", (b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2, 0.5);
    }
    // Bands first, so that every line stays on top of them.
    for (size_t s = 0; s < p.series.size() && has_data; ++s)
      draw_band(cr, b, x, ys[i], p.series[s], colour_of(p.series[s], colour + s), p.log_y);
    for (size_t s = 0; s < p.series.size() && has_data; ++s)
      draw_series(cr, b, x, ys[i], p.series[s], colour_of(p.series[s], colour + s), p.log_y);
    set_colour(cr, kAxis);
    cairo_set_line_width(cr, 1.0);
    cairo_rectangle(cr, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
    cairo_stroke(cr);
    if (p.series.size() > 1 && has_data) draw_legend(cr, b, p, colour);
    if (last && !chart.x_label.empty()) {
      set_font(cr, kFontSize);
      set_colour(cr, kText);
      draw_text(cr, chart.x_label, (b.x0 + b.x1) / 2, b.y1 + kTickLabelBand + kXLabelBand / 2 + 1, 0.5);
    }
    colour += p.series.size();
  }
}

}  // namespace

Rgb series_colour(size_t i) { return kPalette[i % std::size(kPalette)]; }

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
  if (lo > hi) std::swap(lo, hi);
  if (lo == hi) {
    const double d = lo != 0 ? 0.1 * std::abs(lo) : 1.0;
    lo -= d, hi += d;
  }
  const double step = nice_number((hi - lo) / std::max(1, target - 1));
  const double first = std::floor(lo / step + 1e-9), last = std::ceil(hi / step - 1e-9);
  std::vector<double> ticks;
  for (double k = first; k <= last + 0.5; ++k) {
    const double t = k * step;
    ticks.push_back(std::abs(t) < 1e-9 * step ? 0.0 : t);
  }
  return ticks;
}

std::vector<double> log_ticks(double lo, double hi) {
  if (!(lo > 0) || !(hi >= lo) || !std::isfinite(hi)) return {};
  const int first = static_cast<int>(std::floor(std::log10(lo))), last = static_cast<int>(std::ceil(std::log10(hi)));
  const bool fine = last - first < 3;  // few decades: 2x and 5x too
  std::vector<double> ticks;
  for (int e = first; e <= last; ++e)
    for (double m : {1.0, 2.0, 5.0}) {
      if (m != 1.0 && !fine) continue;
      const double t = m * std::pow(10.0, e);
      if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) ticks.push_back(t);
    }
  return ticks;
}

std::vector<std::string> tick_labels(const std::vector<double>& ticks, double step) {
  std::vector<std::string> fixed, scientific;
  for (double t : ticks) {
    const double s = step > 0 ? step : std::abs(t);
    fixed.push_back(fixed_label(t, s));
    scientific.push_back(scientific_label(t, s));
  }
  return longest(fixed) <= 5 || longest(fixed) < longest(scientific) ? fixed : scientific;
}

void write_png(const Chart& chart, const std::string& path) {
  if (chart.panels.empty()) throw std::invalid_argument("a chart needs at least one panel ('" + path + "')");
  const int64_t height = int64_t{chart.panel_height} * static_cast<int64_t>(chart.panels.size());
  if (chart.width < 16 || chart.width > kMaxImageSide || chart.panel_height < 16 || height > kMaxImageSide)
    throw std::invalid_argument("chart of " + std::to_string(chart.width) + " x " + std::to_string(height) +
                                " pixels for '" + path + "': each side must be in [16, " +
                                std::to_string(kMaxImageSide) + "]");
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, chart.width, static_cast<int>(height)));
  ContextPtr cr(cairo_create(surface.get()));
  draw(cr.get(), chart);
  write_surface_png(surface.get(), cr.get(), path);
}

}  // namespace avflow::plot
