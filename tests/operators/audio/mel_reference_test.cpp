// The mel operator against an independent float64 reference written here: a
// direct DFT loop (no FFT), its own windows, reflect/zero padding and filter
// banks from the formulas.
//
// Bounds: on the mel spectrogram before the log,
//   max |op - ref| / max |ref| <= 2e-6
// (float32 STFT and matrix product; the worst case measured here is 3e-7).
// After the log, |op - ref| <= 2e-4 wherever ref >= 1e-2 * max ref, which is
// what the first bound implies there (2e-6 / 1e-2); measured: 1e-6.
#include <ATen/ATen.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "tests/operators/audio/mel_scale_reference.h"
#include "tests/support/tensor_feed.h"

using namespace avflow::test;

namespace {

constexpr double kMelRelBound = 2e-6;
constexpr double kLogAbsBound = 2e-4;

struct Config {
  int sample_rate = 16000, n_fft = 256, win_length = 256, hop = 64, n_mels = 20;
  double f_min = 0.0, f_max = 0.0;
  std::string window = "hann", scale = "slaney", norm = "slaney", pad_mode = "reflect", log = "none";
  double power = 2.0, log_eps = 1e-6;
  bool center = true;

  std::string toml() const {
    auto str = [](const std::string& s) { return "\"" + s + "\""; };
    return "sample_rate = " + std::to_string(sample_rate) + "\nn_fft = " + std::to_string(n_fft) +
           "\nwin_length = " + std::to_string(win_length) + "\nhop = " + std::to_string(hop) +
           "\nn_mels = " + std::to_string(n_mels) + "\nf_min = " + std::to_string(f_min) +
           "\nf_max = " + std::to_string(f_max) + "\nwindow = " + str(window) + "\nmel_scale = " + str(scale) +
           "\nnorm = " + str(norm) + "\npad_mode = " + str(pad_mode) + "\nlog = " + str(log) +
           "\npower = " + std::to_string(power) + "\nlog_eps = " + std::to_string(log_eps) +
           "\ncenter = " + (center ? "true" : "false") + "\n";
  }
  std::string describe() const {
    return "scale " + scale + ", norm " + norm + ", power " + std::to_string(power) + ", center " +
           (center ? "true" : "false") + ", pad " + pad_mode + ", window " + window + "/" + std::to_string(win_length) +
           ", n_fft " + std::to_string(n_fft) + ", log " + log;
  }
};

using Matrix = std::vector<std::vector<double>>;  // [rows][columns]

// Periodic window of win_length samples, centred in n_fft with zeros around it.
std::vector<double> ref_window(const Config& c) {
  std::vector<double> w(c.n_fft, 0.0);
  const int left = (c.n_fft - c.win_length) / 2;
  for (int n = 0; n < c.win_length; ++n) {
    const double phase = 2.0 * M_PI * n / c.win_length;
    w[left + n] = c.window == "hann" ? 0.5 - 0.5 * std::cos(phase) : 0.54 - 0.46 * std::cos(phase);
  }
  return w;
}

// n_fft/2 samples each side: mirrored without repeating the edge, or zeros.
std::vector<double> ref_pad(const std::vector<double>& x, const Config& c) {
  if (!c.center) return x;
  const int pad = c.n_fft / 2, n = static_cast<int>(x.size());
  std::vector<double> y(n + 2 * pad, 0.0);
  for (int i = 0; i < n; ++i) y[pad + i] = x[i];
  if (c.pad_mode == "reflect")
    for (int i = 1; i <= pad; ++i) {
      y[pad - i] = x[i];
      y[pad + n - 1 + i] = x[n - 1 - i];
    }
  return y;
}

// |X_k(t)|^power by a direct DFT, [bins][frames].
Matrix ref_spectrum(const std::vector<double>& signal, const Config& c) {
  const std::vector<double> x = ref_pad(signal, c), w = ref_window(c);
  const int N = c.n_fft, bins = N / 2 + 1, frames = 1 + (static_cast<int>(x.size()) - N) / c.hop;
  std::vector<double> cos_table(N), sin_table(N);
  for (int i = 0; i < N; ++i) {
    cos_table[i] = std::cos(2.0 * M_PI * i / N);
    sin_table[i] = std::sin(2.0 * M_PI * i / N);
  }
  Matrix spec(bins, std::vector<double>(frames));
  std::vector<double> frame(N);
  for (int t = 0; t < frames; ++t) {
    for (int n = 0; n < N; ++n) frame[n] = w[n] * x[t * c.hop + n];
    for (int k = 0; k < bins; ++k) {
      double re = 0.0, im = 0.0;
      for (int n = 0, idx = 0; n < N; ++n, idx = (idx + k) % N) {
        re += frame[n] * cos_table[idx];
        im -= frame[n] * sin_table[idx];
      }
      spec[k][t] = std::pow(re * re + im * im, c.power / 2.0);
    }
  }
  return spec;
}

// Triangles at the bins' frequencies k * sr / n_fft; slaney norm 2 / (f_high - f_low).
Matrix ref_filterbank(const Config& c) {
  const double f_max = c.f_max > 0.0 ? c.f_max : c.sample_rate / 2.0;
  const std::vector<double> e = ref_mel_edges(c.f_min, f_max, c.n_mels, c.scale);
  const int bins = c.n_fft / 2 + 1;
  Matrix fb(c.n_mels, std::vector<double>(bins, 0.0));
  for (int m = 0; m < c.n_mels; ++m)
    for (int k = 0; k < bins; ++k) {
      const double f = static_cast<double>(k) * c.sample_rate / c.n_fft;
      double v = 0.0;
      if (f > e[m] && f <= e[m + 1]) v = (f - e[m]) / (e[m + 1] - e[m]);
      if (f > e[m + 1] && f < e[m + 2]) v = (e[m + 2] - f) / (e[m + 2] - e[m + 1]);
      fb[m][k] = c.norm == "slaney" ? v * 2.0 / (e[m + 2] - e[m]) : v;
    }
  return fb;
}

// Mel spectrogram before the log, [n_mels][frames].
Matrix ref_mel(const std::vector<double>& signal, const Config& c) {
  const Matrix spec = ref_spectrum(signal, c), fb = ref_filterbank(c);
  Matrix mel(c.n_mels, std::vector<double>(spec[0].size(), 0.0));
  for (size_t m = 0; m < mel.size(); ++m)
    for (size_t k = 0; k < spec.size(); ++k)
      if (fb[m][k] != 0.0)
        for (size_t t = 0; t < spec[k].size(); ++t) mel[m][t] += fb[m][k] * spec[k][t];
  return mel;
}

std::vector<double> random_signal(int samples, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<double> x(samples);
  for (double& v : x) v = u(gen);  // float32-representable, so both sides see the same samples
  return x;
}

std::vector<double> tone_signal(int samples, double hz, int sample_rate) {
  std::vector<double> x(samples);
  for (int n = 0; n < samples; ++n) x[n] = static_cast<float>(0.5 * std::sin(2.0 * M_PI * hz * n / sample_rate));
  return x;
}

at::Tensor to_tensor(const std::vector<double>& x) { return at::tensor(x, at::kDouble).to(at::kFloat); }

double max_abs(const Matrix& m) {
  double v = 0.0;
  for (const auto& row : m)
    for (double x : row) v = std::max(v, std::abs(x));
  return v;
}

// Runs the operator on every signal and checks it against the reference.
void check_against_reference(const Config& c, const std::vector<std::vector<double>>& signals) {
  std::vector<at::Tensor> inputs;
  for (const auto& s : signals) inputs.push_back(to_tensor(s));
  const auto outputs = run_tensor_op("mel", c.toml(), inputs);
  REQUIRE(outputs.size() == signals.size());
  for (size_t i = 0; i < signals.size(); ++i) {
    INFO(c.describe() << ", signal " << i);
    const Matrix ref = ref_mel(signals[i], c);
    const at::Tensor out = outputs[i].to(at::kDouble);
    REQUIRE(out.sizes() == std::vector<int64_t>{1, c.n_mels, static_cast<int64_t>(ref[0].size())});
    auto a = out.accessor<double, 3>();
    const double scale = max_abs(ref);
    double worst = 0.0;
    for (int m = 0; m < c.n_mels; ++m)
      for (size_t t = 0; t < ref[m].size(); ++t) {
        const double r = ref[m][t], v = a[0][m][static_cast<int64_t>(t)];
        if (c.log == "none") {
          worst = std::max(worst, std::abs(v - r) / scale);
        } else if (r >= 1e-2 * scale) {
          const double log_ref = c.log == "offset" ? std::log(r + c.log_eps) : std::log(std::max(r, c.log_eps));
          worst = std::max(worst, std::abs(v - log_ref));
        }
      }
    CHECK(worst <= (c.log == "none" ? kMelRelBound : kLogAbsBound));
  }
}

}  // namespace

TEST_CASE("mel matches a float64 direct-DFT reference: both scales and norms, power 1 and 2, centred or not",
          "[mel][reference]") {
  const std::vector<std::vector<double>> signals = {random_signal(3000, 1), random_signal(2500, 2),
                                                    tone_signal(3000, 1234.5, 16000)};
  for (const char* scale : {"slaney", "htk"})
    for (const char* norm : {"slaney", "none"})
      for (double power : {1.0, 2.0})
        for (bool center : {false, true}) {
          Config c;
          c.scale = scale;
          c.norm = norm;
          c.power = power;
          c.center = center;
          check_against_reference(c, signals);
        }
}

TEST_CASE("mel matches the reference with zero padding, a shorter window, Hamming, a band limit and power 1.5",
          "[mel][reference]") {
  const std::vector<std::vector<double>> signals = {random_signal(2000, 3), tone_signal(2000, 440.0, 16000)};
  Config c;
  c.pad_mode = "constant";
  c.win_length = 200;
  check_against_reference(c, signals);
  c.window = "hamming";
  c.f_min = 100.0;
  c.f_max = 7000.0;
  c.scale = "htk";
  check_against_reference(c, signals);
  c.power = 1.5;
  check_against_reference(c, signals);
}

TEST_CASE("mel's log modes match the reference's log(x + eps) and log(max(x, eps))", "[mel][reference]") {
  const std::vector<std::vector<double>> signals = {random_signal(3000, 4), tone_signal(3000, 3000.0, 16000)};
  Config c;
  for (const char* log : {"offset", "clamp"}) {
    c.log = log;
    check_against_reference(c, signals);
  }
}

TEST_CASE("mel matches the reference at the paper's defaults (48 kHz, n_fft 2048, hop 512, 96 mels)",
          "[mel][reference]") {
  Config c;
  c.sample_rate = 48000;
  c.n_fft = c.win_length = 2048;
  c.hop = 512;
  c.n_mels = 96;
  // 0.2 s keeps the direct DFT cheap: 19 frames.
  check_against_reference(c, {random_signal(9600, 5), tone_signal(9600, 1000.0, 48000)});
}
