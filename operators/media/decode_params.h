// The decoding parameters shared by decode, prepare and clip_reader, declared
// once here as groups the contracts take whole, so the operators document and
// validate them alike. Each operator states its own defaults.
#pragma once

#include "engine/context.h"
#include "engine/contract.h"
#include "engine/params.h"
#include "libs/media/media_decoder.h"

namespace avflow::ops {

// What an operator decodes to by default.
struct DecodeDefaults {
  double fps = 5.0;
  int64_t short_side = 190;
  int64_t frames = 16;
  bool stereo = true;  // false: always mono, no `channels` parameter
};

struct DecodeParams {
  DecodeParams() : DecodeParams(DecodeDefaults{}) {}
  explicit DecodeParams(DecodeDefaults d)
      : fps{"fps", d.fps, Range{0.1, 240.0}, "output frame rate"},
        short_side{"short_side", d.short_side, Range{0, 8192},
                   "shorter side of frames in pixels; 0 keeps the source size"},
        frames{"frames", d.frames, Range{1, 4096}, "frames per snippet (T)"},
        stereo(d.stereo) {}

  Param<double> fps;
  Param<int64_t> short_side;
  Param<int64_t> sample_rate{"sample_rate", 48000, Range{8000, 192000}, "output audio rate in Hz"};
  Param<int64_t> channels{"channels", 1, Range{1, 2}, "1: mono (downmixed), 2: stereo"};
  Param<int64_t> frames;
  Param<double> timeout{"timeout", 20.0, Range{0.1, 3600.0}, "seconds without data before a source counts as dead"};
  bool stereo;

  ParamGroup group() const {
    ParamGroup g{{fps.spec, short_side.spec, sample_rate.spec}, {}};
    if (stereo) g.params.push_back(channels.spec);
    g.params.insert(g.params.end(), {frames.spec, timeout.spec});
    return g;
  }

  media::DecodeSettings settings(const Context& ctx) const {
    media::DecodeSettings s;
    s.fps = ctx.param(fps);
    s.short_side = ctx.param(short_side);
    s.sample_rate = ctx.param(sample_rate);
    s.channels = stereo ? static_cast<int>(ctx.param(channels)) : 1;
    s.timeout_s = ctx.param(timeout);
    return s;
  }
};

// Which tracks to decode: at least one.
struct TrackSwitches {
  Param<bool> video{"video", true, "decode the picture (a title without one is skipped)"};
  Param<bool> audio{"audio", true, "decode the sound (a title without it is skipped)"};

  ParamGroup group() const { return {{video.spec, audio.spec}, {at_least_one_of(video, audio)}}; }
};

}  // namespace avflow::ops
