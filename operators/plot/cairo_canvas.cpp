#include "operators/plot/cairo_canvas.h"

#include <filesystem>
#include <stdexcept>

namespace avflow::plot {

void write_surface_png(cairo_surface_t* surface, cairo_t* cr, const std::string& path) {
  cairo_surface_flush(surface);
  if (cairo_status_t st = cairo_status(cr); st != CAIRO_STATUS_SUCCESS)
    throw std::runtime_error("cannot draw '" + path + "': " + cairo_status_to_string(st));
  namespace fs = std::filesystem;
  const std::string tmp = path + ".tmp";
  std::error_code ec;
  if (cairo_status_t st = cairo_surface_write_to_png(surface, tmp.c_str()); st != CAIRO_STATUS_SUCCESS) {
    fs::remove(tmp, ec);
    throw std::runtime_error("cannot write '" + path + "': " + cairo_status_to_string(st));
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw std::runtime_error("cannot write '" + path + "': renaming '" + tmp + "' failed: " + ec.message());
  }
}

}  // namespace avflow::plot
