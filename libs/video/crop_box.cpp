#include "libs/video/crop_box.h"

#include <stdexcept>

namespace avflow::video {

void check_crop_fits(int64_t H, int64_t W, int64_t size) {
  if (size > H || size > W)
    throw std::invalid_argument("a " + std::to_string(size) + "x" + std::to_string(size) +
                                " crop does not fit in frames of " + std::to_string(H) + "x" + std::to_string(W) +
                                " (height x width); resize first so the short side is at least " +
                                std::to_string(size));
}

CropBox random_crop_box(random::ItemRandom& rng, int64_t H, int64_t W, int64_t size) {
  check_crop_fits(H, W, size);
  CropBox box;
  box.size = size;
  box.y0 = rng.integer(0, H - size);
  box.x0 = rng.integer(0, W - size);
  return box;
}

CropBox fixed_crop_box(const std::string& position, int64_t H, int64_t W, int64_t size) {
  check_crop_fits(H, W, size);
  const bool landscape = W >= H;
  const int64_t long_room = landscape ? W - size : H - size;
  int64_t along;
  if (position == "left")
    along = 0;
  else if (position == "center")
    along = long_room / 2;
  else if (position == "right")
    along = long_room;
  else
    throw std::invalid_argument("unknown crop position \"" + position + "\" (expected left, center or right)");
  CropBox box;
  box.size = size;
  box.y0 = landscape ? (H - size) / 2 : along;
  box.x0 = landscape ? along : (W - size) / 2;
  return box;
}

}  // namespace avflow::video
