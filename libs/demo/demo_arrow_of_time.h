// What a demo title with an arrow of time (DemoTitle::arrow_of_time) adds to
// its picture and sound, so that it plays differently backwards, as films do:
//
//   dusk      every scene's light (backdrop, props, floor) and the object's
//             tone fade from full at its first frame to kDuskLight at its last;
//   ripples   every impact sends a ring out from the object where it hit,
//             growing and fading over kRippleSeconds, until the scene ends;
//   ring-out  every impact strikes a bell-like tone (inharmonic partials,
//             a 3 ms attack, decays of a few tenths of a second) that rings
//             for kRingSeconds.
//
// Forwards, light and loudness fall within a scene, rings grow from a
// contact and sounds start sharply and die away; backwards, each of these
// runs the other way. All of it is a pure function of the plan and the
// frame or sample, as the rest of the rendering (demo_render.h) is.
#pragma once

#include <cstdint>

#include "libs/demo/demo_title.h"

namespace avflow::demo {

inline constexpr double kDuskLight = 0.5;      // the light at a scene's last frame, of its first
inline constexpr double kRippleSeconds = 1.6;  // a ripple's life
inline constexpr double kRingSeconds = 1.6;    // a ring-out's length

// The scene's light at frame k: 1 at its first frame, kDuskLight at its
// last; 1 everywhere for a title without an arrow of time.
double dusk_light(const DemoTitle& title, int64_t k);

// Draws the ripples alive at frame k over `rgb` (kWidth * kHeight * 3 bytes):
// each an annulus around the object's place at its impact, born just
// outside the object, its radius growing with its age, blended in more
// faintly as it ages (under the object, which is drawn after). Nothing for a title without an arrow of time.
void draw_ripples(const DemoTitle& title, int64_t k, uint8_t* rgb);

// Adds the ring-outs sounding in samples [first, first + count) to `out`
// (interleaved stereo). Nothing for a title without an arrow of time.
void add_ring_outs(const DemoTitle& title, int64_t first, int64_t count, float* out);

}  // namespace avflow::demo
