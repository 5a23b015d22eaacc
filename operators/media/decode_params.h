// The decoding parameters shared by decode and prepare, declared once here
// so both operators document and validate them alike.
#pragma once

#include "engine/context.h"
#include "engine/params.h"
#include "libs/media/media_decoder.h"

namespace avflow::ops {

struct DecodeParams {
  Param<double> fps{"fps", 5.0, Range{0.1, 240.0}, "output frame rate"};
  Param<int64_t> short_side{"short_side", 190, Range{0, 8192}, "shorter side of frames in pixels; 0 keeps the source size"};
  Param<int64_t> sample_rate{"sample_rate", 48000, Range{8000, 192000}, "output audio rate in Hz"};
  Param<int64_t> channels{"channels", 1, Range{1, 2}, "1: mono (downmixed), 2: stereo"};
  Param<int64_t> frames{"frames", 16, Range{1, 4096}, "frames per snippet (T)"};
  Param<double> timeout{"timeout", 20.0, Range{0.1, 3600.0}, "seconds without data before a source counts as dead"};

  media::DecodeSettings settings(const Context& ctx) const {
    media::DecodeSettings s;
    s.fps = ctx.param(fps);
    s.short_side = ctx.param(short_side);
    s.sample_rate = ctx.param(sample_rate);
    s.channels = static_cast<int>(ctx.param(channels));
    s.timeout_s = ctx.param(timeout);
    return s;
  }
};

}  // namespace avflow::ops
