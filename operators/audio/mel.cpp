// mel: log-mel spectrogram of mono float PCM.
//
//   [[node]]
//   name = "mel"
//   op = "mel"
//   sample_rate = 48000
//   n_fft = 2048
//   hop = 512
//   n_mels = 96           # 3.2 s at 48 kHz -> [1, 96, 301]
//   device = "auto"
//
//   [[edge]]
//   from = "decode.audio"
//   to = "mel.pcm"
//
// Conventions: a periodic Hann window (as torch.hann_window) of win_length
// samples, centred in the n_fft frame when shorter; center = true pads n_fft/2
// samples on each side (reflect: mirrored without repeating the edge sample;
// constant: zeros), so frame t is centred on sample t*hop and N samples give
// 1 + N/hop frames (center = false: 1 + (N - n_fft)/hop); the one-sided STFT
// is unnormalised; power 2 is |X|^2, power 1 is |X|, other values |X|^power;
// filters are triangles on the Slaney (default; librosa's htk=False) or HTK
// mel scale evaluated at the FFT bins' frequencies k*sample_rate/n_fft, with
// librosa's Slaney area normalisation 2/(f_high - f_low) by default
// (libs/audio/mel_filterbank.h states the formulas); the log is natural,
// not dB: log(x + log_eps) (offset), log(max(x, log_eps)) (clamp) or none.
// Input [samples] gives [1, n_mels, frames], [B, samples] gives [B, 1,
// n_mels, frames], on the chosen device (the input is moved there).
#include <ATen/ATen.h>

#include <memory>
#include <stdexcept>

#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/audio/mel_spectrogram.h"
#include "libs/device/device.h"
#include "libs/device/side_stream.h"

namespace avflow::ops {

using namespace avflow::audio;
using namespace avflow::device;

class Mel final : public Operator {
 public:
  static inline const In<Tensor> kPcm{"pcm", "float32 mono PCM [samples] or a batch [B, samples]"};
  static inline const Out<Tensor> kMel{"mel", "float32 log-mel [1, n_mels, frames] or [B, 1, n_mels, frames]"};
  static inline const Param<int64_t> kRate{"sample_rate", 48000, Range{1000, 384000},
                                           "samples per second of the input"};
  static inline const Param<int64_t> kFft{"n_fft", 2048, Range{16, 65536}, "FFT size (frame length in samples)"};
  static inline const Param<int64_t> kWinLength{"win_length", 2048, Range{1, 65536},
                                                "window length in samples, <= n_fft (centred in the frame)"};
  static inline const Param<int64_t> kHop{"hop", 512, Range{1, 65536}, "samples between frame starts"};
  static inline const Param<int64_t> kMels{"n_mels", 96, Range{1, 1024}, "mel filters"};
  static inline const Param<double> kFMin{"f_min", 0.0, Range{0.0, 192000.0}, "lowest filter edge in Hz"};
  static inline const Param<double> kFMax{"f_max", 0.0, Range{0.0, 192000.0},
                                          "highest filter edge in Hz; 0: sample_rate / 2"};
  static inline const EnumParam<MelWindow> kWindow{"window", MelWindow::kHann,
                                                  {{"hann", MelWindow::kHann}, {"hamming", MelWindow::kHamming}},
                                                  "periodic window (as torch.hann_window / hamming_window)"};
  static inline const EnumParam<MelScale> kScale{"mel_scale", MelScale::kSlaney,
                                                 {{"slaney", MelScale::kSlaney}, {"htk", MelScale::kHtk}},
                                                 "slaney: linear below 1 kHz, log above; htk: 2595 log10(1 + f/700)"};
  static inline const EnumParam<MelNorm> kNorm{"norm", MelNorm::kSlaney,
                                               {{"slaney", MelNorm::kSlaney}, {"none", MelNorm::kNone}},
                                               "slaney: each triangle scaled by 2 / (f_high - f_low); none: peak 1"};
  static inline const Param<double> kPower{"power", 2.0, Range{0.1, 4.0},
                                           "exponent of the STFT magnitude: 1 magnitude, 2 power"};
  static inline const Param<bool> kCenter{"center", true, "pad n_fft/2 on each side so frames centre on t*hop"};
  static inline const EnumParam<MelPad> kPadMode{"pad_mode", MelPad::kReflect,
                                                 {{"reflect", MelPad::kReflect}, {"constant", MelPad::kConstant}},
                                                 "padding when center = true: mirrored or zeros"};
  static inline const EnumParam<MelLog> kLog{
      "log", MelLog::kOffset, {{"offset", MelLog::kOffset}, {"clamp", MelLog::kClamp}, {"none", MelLog::kNone}},
      "natural log of log_eps + x (offset), of max(x, log_eps) (clamp), or none"};
  static inline const Param<double> kLogEps{"log_eps", 1e-6, Range{1e-30, 1.0}, "offset or floor of the log"};
  static inline const Param<std::string> kDevice = device_param();
  AVFLOW_CONTRACT(kPcm, kMel, kRate, kFft, kWinLength, kHop, kMels, kFMin, kFMax, kWindow, kScale, kNorm, kPower,
                  kCenter, kPadMode, kLog, kLogEps, kDevice, not_above(kWinLength, kFft), kOneToOne, kParallel);

  void open(Context& ctx) override {
    MelSettings s;
    s.sample_rate = ctx.param(kRate);
    s.n_fft = ctx.param(kFft);
    s.win_length = ctx.param(kWinLength);
    s.hop = ctx.param(kHop);
    s.n_mels = ctx.param(kMels);
    s.f_min = ctx.param(kFMin);
    s.f_max = ctx.param(kFMax);
    s.window = ctx.param(kWindow);
    s.scale = ctx.param(kScale);
    s.norm = ctx.param(kNorm);
    s.power = ctx.param(kPower);
    s.center = ctx.param(kCenter);
    s.pad = ctx.param(kPadMode);
    s.log = ctx.param(kLog);
    s.log_eps = ctx.param(kLogEps);
    s.device = resolve_device(ctx.param(kDevice));
    mel_ = std::make_unique<const MelSpectrogram>(s);
  }

  // Concurrent calls only read the cached window and filter bank.
  void process(Context& ctx) override {
    const SideStream side(mel_->settings().device);
    at::Tensor mel = mel_->compute(side.to_device(ctx.input(kPcm).get()));
    side.hand_over(mel);
    ctx.emit(kMel, Tensor(std::move(mel)));
  }

 private:
  std::unique_ptr<const MelSpectrogram> mel_;
};

AVFLOW_REGISTER(Mel, "mel", "log-mel spectrogram of mono float PCM, on the CPU or a CUDA device");

}  // namespace avflow::ops
