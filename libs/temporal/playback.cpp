#include "libs/temporal/playback.h"

#include <ATen/ATen.h>

#include <stdexcept>
#include <string>

#include "libs/audio/tape_speed.h"

namespace avflow::temporal {

namespace {

void require_divides(int64_t s, int64_t n, const char* what) {
  if (s < 1 || n % s != 0)
    throw std::invalid_argument(std::string("speed ") + std::to_string(s) + " does not divide the clip's " +
                                std::to_string(n) + " " + what + " (a clip at speed s is s snippets long)");
}

}  // namespace

at::Tensor video_at_speed(const at::Tensor& frames, int64_t s) {
  require_divides(s, frames.size(0), "frames");
  if (s == 1) return frames;
  return frames.slice(0, 0, frames.size(0), s).contiguous();
}

at::Tensor audio_at_speed(const at::Tensor& pcm, int64_t s) {
  const int64_t samples = pcm.size(-1);
  require_divides(s, samples, "samples");
  return audio::tape_speed_up(pcm, s, samples / s);
}

at::Tensor reverse_frames(const at::Tensor& frames) { return frames.flip({0}).contiguous(); }

at::Tensor reverse_waveform(const at::Tensor& pcm) { return pcm.flip({-1}).contiguous(); }

int64_t speed_class(int64_t s, const std::vector<int64_t>& speeds) {
  for (size_t i = 0; i < speeds.size(); ++i)
    if (speeds[i] == s) return static_cast<int64_t>(i);
  std::string known;
  for (int64_t v : speeds) known += (known.empty() ? "" : ", ") + std::to_string(v);
  throw std::invalid_argument("speed " + std::to_string(s) + " is not one of speeds [" + known + "]");
}

}  // namespace avflow::temporal
