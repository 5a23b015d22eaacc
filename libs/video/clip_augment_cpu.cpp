// CPU path of the fused clip augmentation. Frames run in parallel; within a
// frame the crop is loaded once into planar float rows and every step is a
// plain loop over a row, which the compiler vectorises. A clip with a contrast
// step keeps its frame in a buffer (the steps before contrast, then the mean
// grey, then the rest), so the source is still read once.
#include <ATen/Parallel.h>

#include <vector>

#include "libs/video/clip_plan.h"
#include "libs/video/pixel_math.h"

namespace avflow::video {
namespace {

// Planar rows of one frame's crop: r, g, b, each crop x crop floats.
struct FramePlanes {
  std::vector<float> data;
  int64_t n = 0;
  explicit FramePlanes(int64_t pixels) : data(static_cast<size_t>(3 * pixels)), n(pixels) {}
  float* r() { return data.data(); }
  float* g() { return data.data() + n; }
  float* b() { return data.data() + 2 * n; }
};

void load_crop(const ClipAugmentArgs& a, const ClipPlan& p, int64_t clip, int64_t t, FramePlanes& f) {
  constexpr float k = 1.f / 255.f;
  for (int64_t y = 0; y < a.crop; ++y) {
    const uint8_t* row = a.in + (((clip * a.T + t) * a.H + (p.y0 + y)) * a.W + p.x0) * 3;
    float *r = f.r() + y * a.crop, *g = f.g() + y * a.crop, *b = f.b() + y * a.crop;
    for (int64_t x = 0; x < a.crop; ++x) {
      const int64_t sx = p.flip ? a.crop - 1 - x : x;
      r[x] = row[3 * sx] * k;
      g[x] = row[3 * sx + 1] * k;
      b[x] = row[3 * sx + 2] * k;
    }
  }
}

void apply_step(int op, float factor, float mean_grey, FramePlanes& f) {
  float *r = f.r(), *g = f.g(), *b = f.b();
  const int64_t n = f.n;
  if (op == 0) {
    for (int64_t i = 0; i < n; ++i) {
      r[i] = pixel::blend(r[i], 0.f, factor);
      g[i] = pixel::blend(g[i], 0.f, factor);
      b[i] = pixel::blend(b[i], 0.f, factor);
    }
  } else if (op == 1) {
    for (int64_t i = 0; i < n; ++i) {
      r[i] = pixel::blend(r[i], mean_grey, factor);
      g[i] = pixel::blend(g[i], mean_grey, factor);
      b[i] = pixel::blend(b[i], mean_grey, factor);
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      const float grey = pixel::grey(r[i], g[i], b[i]);
      r[i] = pixel::blend(r[i], grey, factor);
      g[i] = pixel::blend(g[i], grey, factor);
      b[i] = pixel::blend(b[i], grey, factor);
    }
  }
}

float mean_grey(FramePlanes& f) {
  const float *r = f.r(), *g = f.g(), *b = f.b();
  double sum = 0;
  for (int64_t i = 0; i < f.n; ++i) sum += pixel::grey(r[i], g[i], b[i]);
  return static_cast<float>(sum / static_cast<double>(f.n));
}

void store(const ClipAugmentArgs& a, int64_t clip, int64_t t, FramePlanes& f) {
  const int64_t plane = static_cast<int64_t>(a.T) * f.n;
  float* out = a.out + clip * 3 * plane + t * f.n;
  const float* src[3] = {f.r(), f.g(), f.b()};
  for (int c = 0; c < 3; ++c) {
    float* o = out + c * plane;
    const float* s = src[c];
    const float m = a.mean[c], inv = a.inv_std[c];
    for (int64_t i = 0; i < f.n; ++i) o[i] = (s[i] - m) * inv;
  }
}

}  // namespace

void clip_augment_cpu(const ClipAugmentArgs& a) {
  const int64_t frames = static_cast<int64_t>(a.B) * a.T;
  at::parallel_for(0, frames, 1, [&](int64_t begin, int64_t end) {
    FramePlanes f(static_cast<int64_t>(a.crop) * a.crop);
    for (int64_t i = begin; i < end; ++i) {
      const int64_t clip = i / a.T, t = i % a.T;
      const ClipPlan& p = a.plans[clip];
      load_crop(a, p, clip, t, f);
      float grey = 0.f;
      for (int s = 0; s < p.steps; ++s) {
        if (s == p.contrast_at) grey = mean_grey(f);
        apply_step(p.op[s], p.factor[s], grey, f);
      }
      if (p.contrast_at >= 0) a.frame_mean_grey[i] = grey;
      store(a, clip, t, f);
    }
  });
}

}  // namespace avflow::video
