// A confusion matrix as a PNG heat map (cairo): rows are true classes,
// columns predicted ones, each cell shaded by its share of the row (so a
// perfect classifier is a dark diagonal whatever the class sizes), with its
// count written in it when the cells are large enough, and the class names
// along both axes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace avflow::plot {

// Throws std::invalid_argument for a matrix that is not square or does not
// match the names, std::runtime_error naming the path when writing fails.
// The image is about 160 + 28 * classes pixels square (at most 4000).
void write_confusion_png(const std::vector<std::vector<int64_t>>& confusion, const std::vector<std::string>& classes,
                         const std::string& title, const std::string& path);

// The side of the image write_confusion_png draws for `classes` classes.
int confusion_image_side(size_t classes);

}  // namespace avflow::plot
