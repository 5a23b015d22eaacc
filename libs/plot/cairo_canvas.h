// What avflow's cairo drawings share: owning handles, colours and fonts,
// and writing a finished surface to a PNG file atomically (PATH.tmp, then
// a rename), so a reader never sees half a file.
#pragma once

#include <cairo.h>

#include <memory>
#include <string>

#include "libs/plot/line_chart.h"

namespace avflow::plot {

struct CairoDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, CairoDeleter>;
using ContextPtr = std::unique_ptr<cairo_t, CairoDeleter>;

inline void set_colour(cairo_t* cr, Rgb c, double alpha = 1.0) {
  cairo_set_source_rgba(cr, c[0] / 255.0, c[1] / 255.0, c[2] / 255.0, alpha);
}
inline constexpr Rgb kText{34, 34, 34};
inline constexpr Rgb kAxis{68, 68, 68};
inline constexpr Rgb kGrid{230, 230, 230};
inline constexpr Rgb kMuted{136, 136, 136};
inline constexpr Rgb kWhite{255, 255, 255};

inline void set_font(cairo_t* cr, double size, bool bold = false) {
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

inline double text_width(cairo_t* cr, const std::string& s) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, s.c_str(), &e);
  return e.x_advance;
}

// Draws `s` with its left edge (h = 0), centre (0.5) or right edge (1) at x
// and its vertical middle at y.
inline void draw_text(cairo_t* cr, const std::string& s, double x, double y, double h) {
  cairo_font_extents_t f;
  cairo_font_extents(cr, &f);
  cairo_move_to(cr, x - h * text_width(cr, s), y + (f.ascent - f.descent) / 2);
  cairo_show_text(cr, s.c_str());
}

// Checks the drawing's status and writes the surface to `path` through
// `path`.tmp. Throws std::runtime_error naming the path on failure.
void write_surface_png(cairo_surface_t* surface, cairo_t* cr, const std::string& path);

}  // namespace avflow::plot
