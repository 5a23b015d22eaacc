// Renders a planned demo title (demo_title.h): frame k as RGB pixels and any
// span of its stereo audio. Both are pure functions of the plan, so a span
// renders the same whether it is asked for at once or in pieces.
//
// Picture: a vertical sky gradient from the palette, the scene's props, the
// floor band, and the moving object (the character: a patterned polygon or
// ellipse with eyes, turning as it moves; or a plain ball).
// Sound: the object's tone (pitch from its height, loudness from its speed
// and size, pan from its horizontal position), the theme tune over the first
// seconds of every scene, and a percussive click (noise burst + low thump)
// starting at the first sample of every impact frame. A title with an arrow
// of time adds stars, rain, dusk, ripples and ring-outs (demo_arrow_of_time.h).
#pragma once

#include <cstdint>
#include <vector>

#include "libs/demo/demo_title.h"

namespace avflow::demo {

// Frame k (0 <= k < title.frames) into `rgb`, kWidth * kHeight * 3 bytes, rows top down.
void render_frame(const DemoTitle& title, int64_t k, uint8_t* rgb);
std::vector<uint8_t> render_frame(const DemoTitle& title, int64_t k);

// Samples [first, first + count) as interleaved stereo floats in [-1, 1];
// samples past the title's end are silence.
void render_audio(const DemoTitle& title, int64_t first, int64_t count, float* out);
std::vector<float> render_audio(const DemoTitle& title, int64_t first, int64_t count);

}  // namespace avflow::demo
