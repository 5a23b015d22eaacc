// What a demo title with an arrow of time (DemoTitle::arrow_of_time) adds to
// its picture and sound, so that it plays differently backwards, as films do,
// and so that where a clip lies in its title shows:
//
//   nightfall over the whole title, the sky turns towards kEvening (a
//             kEveningMix blend by the last frame), stars come out one by
//             one (about one every 3 s; DemoTitle::stars) and stay, and
//             rain sets in, its hiss rising from silence to kRainLevel;
//   dusk      every scene's light (backdrop, props, floor) and the object's
//             tone fade from full at its first frame to kDuskLight at its last;
//   ripples   every impact sends a ring out from the object where it hit,
//             growing and fading over kRippleSeconds, until the scene ends;
//   ring-out  every impact strikes a bell-like tone (inharmonic partials,
//             a 3 ms attack, decays of a few tenths of a second) that rings
//             for kRingSeconds.
//
// Forwards, stars appear and the rain grows over a title, light and
// loudness fall within a scene, rings grow from a contact and sounds start
// sharply and die away; backwards, each of these runs the other way. Of two
// clips of a title, the later one has more stars and heavier rain. All of it is a pure function of the plan and the
// frame or sample, as the rest of the rendering (demo_render.h) is.
#pragma once

#include <cstdint>

#include "libs/demo/demo_title.h"

namespace avflow::demo {

inline constexpr double kDuskLight = 0.5;      // the light at a scene's last frame, of its first
inline constexpr double kRippleSeconds = 1.6;  // a ripple's life
inline constexpr double kRingSeconds = 1.6;    // a ring-out's length
inline constexpr double kRainLevel = 0.1;      // the rain's peak amplitude at the title's end
inline constexpr Rgb kEvening{230, 110, 60};   // the colour the sky turns towards over a title
inline constexpr double kEveningMix = 0.6;     // how far, by the title's last frame

// The scene's light at frame k: 1 at its first frame, kDuskLight at its
// last; 1 everywhere for a title without an arrow of time.
double dusk_light(const DemoTitle& title, int64_t k);

// The sky colour `c` at frame k: blended towards kEvening by kEveningMix
// times the title's progress (colour jitter scales brightness, contrast and
// saturation but keeps this change of hue). `c` itself without an arrow of time.
Rgb evening_sky(const DemoTitle& title, int64_t k, Rgb c);

// Draws the stars out at frame k over `rgb` (a small bright cross each).
void draw_stars(const DemoTitle& title, int64_t k, uint8_t* rgb);

// Draws the ripples alive at frame k over `rgb` (kWidth * kHeight * 3 bytes):
// each an annulus around the object's place at its impact, born just
// outside the object, its radius growing with its age, blended in more
// faintly as it ages (under the object, which is drawn after). Nothing for a title without an arrow of time.
void draw_ripples(const DemoTitle& title, int64_t k, uint8_t* rgb);

// Adds the rain in samples [first, first + count) to `out` (interleaved
// stereo): uniform noise, a different stream per channel, its amplitude
// rising linearly from 0 at the title's first sample to kRainLevel at its last.
void add_rain(const DemoTitle& title, int64_t first, int64_t count, float* out);

// Adds the ring-outs sounding in samples [first, first + count) to `out`
// (interleaved stereo). Nothing for a title without an arrow of time.
void add_ring_outs(const DemoTitle& title, int64_t first, int64_t count, float* out);

}  // namespace avflow::demo
