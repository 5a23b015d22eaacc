#include "libs/plot/confusion_matrix.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "libs/plot/cairo_canvas.h"

namespace avflow::plot {

namespace {
constexpr int kMargin = 150;     // room for the class names, left and top
constexpr int kMaxSide = 4000;
constexpr Rgb kCellFull{31, 119, 180};  // a row's whole share
}  // namespace

int confusion_image_side(size_t classes) {
  const int cell = std::clamp(static_cast<int>((kMaxSide - kMargin - 10) / std::max<size_t>(classes, 1)), 4, 28);
  return kMargin + 10 + cell * static_cast<int>(classes);
}

void write_confusion_png(const std::vector<std::vector<int64_t>>& confusion, const std::vector<std::string>& classes,
                         const std::string& title, const std::string& path) {
  const size_t n = classes.size();
  if (n == 0 || confusion.size() != n)
    throw std::invalid_argument("confusion matrix for '" + path + "': " + std::to_string(confusion.size()) +
                                " rows for " + std::to_string(n) + " classes");
  for (const auto& row : confusion)
    if (row.size() != n) throw std::invalid_argument("confusion matrix for '" + path + "' is not square");
  const int side = confusion_image_side(n);
  const double cell = static_cast<double>(side - kMargin - 10) / static_cast<double>(n);
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side));
  ContextPtr context(cairo_create(surface.get()));
  cairo_t* cr = context.get();
  set_colour(cr, kWhite);
  cairo_paint(cr);

  set_font(cr, 13, true);
  set_colour(cr, kText);
  draw_text(cr, title, side / 2.0, 16, 0.5);
  set_font(cr, 10);
  set_colour(cr, kMuted);
  draw_text(cr, "predicted", kMargin + (side - kMargin - 10) / 2.0, 34, 0.5);

  const double font = std::min(11.0, cell * 0.6);
  for (size_t t = 0; t < n; ++t) {
    int64_t row_total = 0;
    for (int64_t v : confusion[t]) row_total += v;
    for (size_t p = 0; p < n; ++p) {
      const double share = row_total > 0 ? static_cast<double>(confusion[t][p]) / static_cast<double>(row_total) : 0.0;
      const double x = kMargin + cell * static_cast<double>(p), y = kMargin + cell * static_cast<double>(t);
      const Rgb shade{static_cast<uint8_t>(255 - share * (255 - kCellFull[0])),
                      static_cast<uint8_t>(255 - share * (255 - kCellFull[1])),
                      static_cast<uint8_t>(255 - share * (255 - kCellFull[2]))};
      set_colour(cr, shade);
      cairo_rectangle(cr, x, y, cell, cell);
      cairo_fill(cr);
      if (cell >= 16 && confusion[t][p] > 0) {
        set_font(cr, font);
        set_colour(cr, share > 0.5 ? kWhite : kText);
        draw_text(cr, std::to_string(confusion[t][p]), x + cell / 2, y + cell / 2, 0.5);
      }
    }
  }
  // Grid and class names (every class while they fit, else every k-th).
  set_colour(cr, kGrid);
  cairo_set_line_width(cr, 1.0);
  for (size_t i = 0; i <= n; ++i) {
    const double at = kMargin + cell * static_cast<double>(i);
    cairo_move_to(cr, kMargin, at);
    cairo_line_to(cr, kMargin + cell * static_cast<double>(n), at);
    cairo_move_to(cr, at, kMargin);
    cairo_line_to(cr, at, kMargin + cell * static_cast<double>(n));
  }
  cairo_stroke(cr);
  set_font(cr, font);
  set_colour(cr, kText);
  const size_t every = cell >= 10 ? 1 : static_cast<size_t>(std::ceil(10 / cell));
  for (size_t i = 0; i < n; i += every) {
    const double mid = kMargin + cell * (static_cast<double>(i) + 0.5);
    draw_text(cr, classes[i], kMargin - 6, mid, 1.0);  // rows: true class
    cairo_save(cr);
    cairo_translate(cr, mid, kMargin - 6);
    cairo_rotate(cr, -M_PI / 2);
    draw_text(cr, classes[i], 0, 0, 0.0);  // columns: predicted class, upwards
    cairo_restore(cr);
  }
  write_surface_png(surface.get(), cr, path);
}

}  // namespace avflow::plot
