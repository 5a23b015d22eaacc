// spec_mask: drops out random contiguous bands of a spectrogram (SpecAugment-
// style time and frequency masking).
//
//   [[node]]
//   name = "mask"
//   op = "spec_mask"
//   axis = "either"        # pretraining: time or frequency, 1/2 each
//   max_fraction = 0.25
//   fill = "zero"
//   seed = 7
//
// Input and output: [..., F, T]. A [F, T] or [C, F, T] tensor is one
// spectrogram (all channels share its masks); in a [B, C, F, T] batch each
// element b gets its own. Per spectrogram and masked axis of length L, the
// band width is uniform on the integers 0 .. floor(max_fraction * L) and its
// start uniform on 0 .. L - width. axis = "both" masks one frequency band
// and one time band (the ESC-50 fine-tuning rule, with max_fraction = 0.5).
// fill = "mean" uses that spectrogram's own mean before masking. Draws come
// from ItemRandom(seed, item, b, "spec_mask"), so the output depends only on
// (seed, item, input). The input packet is never written: the result is a
// new tensor on the input's device.
#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/random/item_random.h"

namespace avflow::ops {

using namespace avflow::random;

class SpecMask final : public Operator {
 public:
  enum class Axis { kEither, kTime, kFreq, kBoth };
  enum class Fill { kZero, kMean };

  static inline const In<Tensor> kIn{"in", "spectrogram [F, T], [C, F, T] or a batch [B, C, F, T]"};
  static inline const Out<Tensor> kOut{"out", "the same shape, with masked bands filled"};
  static inline const EnumParam<Axis> kAxis{
      "axis", Axis::kEither,
      {{"either", Axis::kEither}, {"time", Axis::kTime}, {"frequency", Axis::kFreq}, {"both", Axis::kBoth}},
      "either: time or frequency at random (1/2 each); both: one band on each axis"};
  static inline const Param<double> kMaxFraction{"max_fraction", 0.25, Range{0.0, 1.0},
                                                 "largest band as a fraction of the axis length"};
  static inline const EnumParam<Fill> kFill{"fill", Fill::kZero, {{"zero", Fill::kZero}, {"mean", Fill::kMean}},
                                               "value of masked entries: 0 or the spectrogram's mean"};
  static inline const Param<int64_t> kSeed{"seed", 0, "random seed; output depends on (seed, item, input)"};
  AVFLOW_CONTRACT(kIn, kOut, kAxis, kMaxFraction, kFill, kSeed, kOneToOne, kParallel);

  void open(Context& ctx) override {
    axis_ = ctx.param(kAxis);
    max_fraction_ = ctx.param(kMaxFraction);
    fill_mean_ = ctx.param(kFill) == Fill::kMean;
    seed_ = static_cast<uint64_t>(ctx.param(kSeed));
  }

  void process(Context& ctx) override {
    const at::Tensor& in = ctx.input(kIn).get();
    if (in.dim() < 2 || in.dim() > 4)
      throw std::invalid_argument("spectrogram must be [F, T], [C, F, T] or [B, C, F, T], got " + ctx.input(kIn).str());
    if (fill_mean_ && !in.is_floating_point())
      throw std::invalid_argument("fill = \"mean\" needs a floating-point spectrogram, got " + ctx.input(kIn).str());
    at::Tensor out = in.clone();
    if (in.dim() < 4) {
      mask(out, in, ctx.item(), 0);
    } else {
      for (int64_t b = 0; b < in.size(0); ++b) mask(out[b], in[b], ctx.item(), static_cast<uint64_t>(b));
    }
    ctx.emit(kOut, Tensor(std::move(out)));
  }

 private:

  // Masks one spectrogram `out` (a view) in place; `in` is its unmasked input.
  void mask(at::Tensor out, const at::Tensor& in, uint64_t item, uint64_t b) const {
    ItemRandom rng(seed_, item, b, "spec_mask");
    bool freq = axis_ == Axis::kFreq || axis_ == Axis::kBoth;
    bool time = axis_ == Axis::kTime || axis_ == Axis::kBoth;
    if (axis_ == Axis::kEither) (rng.bernoulli(0.5) ? time : freq) = true;
    const at::Tensor fill = fill_mean_ ? in.mean() : at::zeros({}, in.options());
    if (freq) band(out, -2, rng).fill_(fill);
    if (time) band(out, -1, rng).fill_(fill);
  }

  at::Tensor band(const at::Tensor& t, int64_t dim, ItemRandom& rng) const {
    const int64_t length = t.size(dim);
    // The small slack keeps e.g. 0.29 * 100 at 29 despite rounding.
    const auto max_width = static_cast<int64_t>(std::floor(max_fraction_ * static_cast<double>(length) + 1e-9));
    const int64_t width = rng.integer(0, max_width);
    const int64_t start = rng.integer(0, length - width);
    return t.narrow(dim, start, width);
  }

  Axis axis_ = Axis::kEither;
  double max_fraction_ = 0.0;
  bool fill_mean_ = false;
  uint64_t seed_ = 0;
};

AVFLOW_REGISTER(SpecMask, "spec_mask", "drops out random contiguous time or frequency bands of spectrograms");

}  // namespace avflow::ops
