#include "libs/plot/cairo_canvas.h"

#include <filesystem>
#include <stdexcept>

#include "engine/atomic_file.h"

namespace avflow::plot {

void write_surface_png(cairo_surface_t* surface, cairo_t* cr, const std::string& path) {
  cairo_surface_flush(surface);
  if (cairo_status_t st = cairo_status(cr); st != CAIRO_STATUS_SUCCESS)
    throw std::runtime_error("cannot draw '" + path + "': " + cairo_status_to_string(st));
  write_file_atomically(path, [&](const std::filesystem::path& tmp) {
    if (cairo_status_t st = cairo_surface_write_to_png(surface, tmp.c_str()); st != CAIRO_STATUS_SUCCESS)
      throw std::runtime_error("cannot write '" + path + "': " + cairo_status_to_string(st));
  });
}

}  // namespace avflow::plot
