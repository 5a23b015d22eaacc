#include "libs/video/color_jitter_draw.h"

#include <algorithm>

namespace avflow::video {

JitterDraw draw_color_jitter(random::ItemRandom& rng, double sigma) {
  JitterDraw d;
  if (sigma <= 0) return d;  // the identity, whatever the stream
  const double lo = std::max(0.0, 1.0 - sigma), hi = 1.0 + sigma;
  for (float& f : d.factor) f = static_cast<float>(rng.uniform(lo, hi));
  rng.shuffle(d.order);
  return d;
}

}  // namespace avflow::video
