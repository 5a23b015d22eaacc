// tone: a source of synthetic mono PCM snippets, a sine plus Gaussian noise.
//
//   [[node]]
//   name = "tone"
//   op = "tone"
//   count = 64            # snippets, then end of stream (0: endless)
//   sample_rate = 48000
//   duration = 3.2        # seconds per snippet
//   frequency = 440.0
//
// Item m's noise comes from its own generator seeded by (seed, m), so the
// output is the same on every run and thread schedule.
#include <ATen/ATen.h>

#include <cmath>

#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"

namespace avflow::ops {

class Tone final : public Operator {
 public:
  static inline const Out<Tensor> kPcm{"pcm", "float32 samples [T] in [-1, 1]"};
  static inline const Param<int64_t> kCount{"count", 64, Range::at_least(0), "snippets to emit; 0 = endless"};
  static inline const Param<int64_t> kRate{"sample_rate", 48000, Range{8000, 192000}, "samples per second"};
  static inline const Param<double> kDuration{"duration", 3.2, Range{0.01, 600.0}, "seconds per snippet"};
  static inline const Param<double> kFrequency{"frequency", 440.0, Range{0.0, 96000.0}, "sine frequency in Hz"};
  static inline const Param<double> kAmplitude{"amplitude", 0.5, Range{0.0, 1.0}, "sine amplitude"};
  static inline const Param<double> kNoise{"noise", 0.05, Range{0.0, 1.0}, "standard deviation of added noise"};
  static inline const Param<int64_t> kSeed{"seed", 0, "noise seed"};
  AVFLOW_CONTRACT(kPcm, kCount, kRate, kDuration, kFrequency, kAmplitude, kNoise, kSeed);

  void open(Context& ctx) override {
    count_ = ctx.param(kCount);
    rate_ = ctx.param(kRate);
    samples_ = static_cast<int64_t>(std::llround(ctx.param(kDuration) * static_cast<double>(rate_)));
    if (count_ > 0) ctx.expect_items(static_cast<uint64_t>(count_));
  }

  void process(Context& ctx) override {
    if (count_ > 0 && next_ >= count_) {
      ctx.end_of_stream();
      return;
    }
    const int64_t m = next_++;
    // Phase continues across snippets, as if cut from one long recording.
    auto t = at::arange(m * samples_, (m + 1) * samples_, at::kDouble) / static_cast<double>(rate_);
    auto wave = ctx.param(kAmplitude) * at::sin(2.0 * M_PI * ctx.param(kFrequency) * t);
    auto gen = at::make_generator<at::CPUGeneratorImpl>(
        static_cast<uint64_t>(ctx.param(kSeed)) * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(m));
    auto noise = at::normal(0.0, 1.0, {samples_}, gen, at::kDouble) * ctx.param(kNoise);
    ctx.emit(kPcm, Tensor((wave + noise).clamp(-1.0, 1.0).to(at::kFloat)));
  }

 private:
  int64_t count_ = 0, rate_ = 0, samples_ = 0, next_ = 0;
};

AVFLOW_REGISTER(Tone, "tone", "synthetic mono PCM snippets: a sine plus seeded Gaussian noise");

}  // namespace avflow::ops
