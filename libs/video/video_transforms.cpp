#include "libs/video/video_transforms.h"

#include <cmath>

#include "libs/video/pixel_math.h"

namespace avflow::video {

at::Tensor resize_short_side(const at::Tensor& clip, int64_t short_side) {
  const int64_t H = clip.size(-3), W = clip.size(-2);
  const double scale = static_cast<double>(short_side) / static_cast<double>(std::min(H, W));
  const int64_t oh = H <= W ? short_side : std::llround(static_cast<double>(H) * scale);
  const int64_t ow = W < H ? short_side : std::llround(static_cast<double>(W) * scale);
  if (oh == H && ow == W) return clip;
  // [..., H, W, C] -> [N, C, H, W] for the upsampling kernels.
  auto lead = clip.sizes().slice(0, clip.dim() - 3).vec();
  at::Tensor x = clip.reshape({-1, H, W, clip.size(-1)}).permute({0, 3, 1, 2}).to(at::kFloat);
  at::Tensor y = (oh < H || ow < W) ? at::_upsample_bilinear2d_aa(x, {oh, ow}, /*align_corners=*/false)
                                    : at::upsample_bilinear2d(x, {oh, ow}, /*align_corners=*/false);
  y = y.permute({0, 2, 3, 1});
  if (clip.scalar_type() == at::kByte) y = y.round().clamp(0, 255).to(at::kByte);
  lead.insert(lead.end(), {oh, ow, clip.size(-1)});
  return y.reshape(lead).contiguous();
}

at::Tensor crop_clip(const at::Tensor& clip, const CropBox& box) {
  return clip.slice(1, box.y0, box.y0 + box.size).slice(2, box.x0, box.x0 + box.size);
}

at::Tensor hflip_clip(const at::Tensor& clip) { return clip.flip({2}); }

namespace {
at::Tensor grey(const at::Tensor& clip) {  // [T, H, W, 3] -> [T, H, W, 1]
  return clip.select(3, 0).mul(pixel::kGreyR).add_(clip.select(3, 1), pixel::kGreyG)
      .add_(clip.select(3, 2), pixel::kGreyB).unsqueeze(3);
}
at::Tensor blend(const at::Tensor& clip, const at::Tensor& ref, double f) {
  return (clip * f + ref * (1.0 - f)).clamp_(0.0, 1.0);
}
}  // namespace

at::Tensor color_jitter_clip(const at::Tensor& clip, const JitterDraw& draw) {
  if (draw.identity()) return clip;
  const bool bytes = clip.scalar_type() == at::kByte;
  at::Tensor x = bytes ? clip.to(at::kFloat).div_(255.0) : clip;
  for (int op : draw.order) {
    const double f = draw.factor[op];
    if (op == kBrightness)
      x = (x * f).clamp_(0.0, 1.0);
    else if (op == kContrast)
      x = blend(x, grey(x).mean({1, 2, 3}, /*keepdim=*/true), f);
    else
      x = blend(x, grey(x), f);
  }
  return bytes ? x.mul(255.0).round_().clamp_(0, 255).to(at::kByte) : x;
}

at::Tensor normalize_clip(const at::Tensor& clip, const std::array<double, 3>& mean,
                          const std::array<double, 3>& std) {
  at::Tensor x = clip.scalar_type() == at::kByte ? clip.to(at::kFloat).div_(255.0) : clip.to(at::kFloat);
  at::Tensor m = at::tensor(std::vector<double>(mean.begin(), mean.end()), at::kDouble).to(x.options());
  at::Tensor s = at::tensor(std::vector<double>(std.begin(), std.end()), at::kDouble).to(x.options());
  return ((x - m) / s).permute({3, 0, 1, 2}).contiguous();
}

}  // namespace avflow::video
