// The demo catalogue's titles, planned from (seed, title): what each title
// looks and sounds like, as plain data that the renderer (demo_render.h)
// turns into frames and samples and the writer (demo_writer.h) encodes.
//
// Every title owns content-exclusive artifacts: a colour palette, a recurring
// character sprite (a patterned polygon or ellipse with eyes) and a theme tune
// played at every scene start. The episodes of a show share the show's
// artifacts; each title (movie or episode) has its own scenes and events.
// A scene is a backdrop with props and one moving object (mostly the
// character) that bounces off the walls and the floor: its height drives the
// pitch of a tone, its speed and size the loudness, its horizontal position
// the stereo pan, and every bounce is an impact with a click at its frame.
//
// Every random choice comes from an random::ItemRandom stream keyed by the seed,
// the title (or show) and a purpose, so a plan depends only on its inputs.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace avflow::demo {

inline constexpr int kWidth = 320;
inline constexpr int kHeight = 180;
inline constexpr int kFps = 25;
inline constexpr int kSampleRate = 48000;
inline constexpr int kChannels = 2;                              // interleaved stereo
inline constexpr int kSamplesPerFrame = kSampleRate / kFps;      // 1920
inline constexpr int kFloorY = 160;                              // rows below are the floor band

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};

// a + (b - a) t per channel, rounded: a blend (t in [0, 1]) from a towards b.
inline Rgb mix(Rgb a, Rgb b, double t) {
  auto m = [t](uint8_t x, uint8_t y) { return static_cast<uint8_t>(std::lround(x + (y - x) * t)); };
  return {m(a.r, b.r), m(a.g, b.g), m(a.b, b.b)};
}

// c dimmed to f of itself (f in [0, 1]).
inline Rgb scale(Rgb c, double f) { return mix({0, 0, 0}, c, f); }

struct Palette {
  std::array<Rgb, 4> backdrop;  // scenes use consecutive pairs as a sky gradient
  Rgb floor, prop;
  bool operator==(const Palette&) const = default;
};

enum class Pattern : uint8_t { stripes, rings, checks };

struct Character {
  int sides = 0;        // 0: ellipse; 3..7: a regular polygon
  double aspect = 1.0;  // width / height of its outline
  double radius = 18;   // half height, pixels
  double spin = 0;      // turns per second while it moves
  Rgb body, mark;       // the two colours of its pattern
  Pattern pattern = Pattern::stripes;
  int bands = 3;        // stripe / ring / check count across the body
  bool operator==(const Character&) const = default;
};

struct Theme {
  std::vector<double> notes_hz;         // played in order at each scene start
  double note_s = 0.2;                  // each note's length
  std::array<double, 3> harmonics{};    // timbre: levels of partials 1, 2, 3
  double base_hz = 220;                 // the moving object's tone at floor height
  bool operator==(const Theme&) const = default;
  double seconds() const { return note_s * static_cast<double>(notes_hz.size()); }
};

struct Artifacts {
  Palette palette;
  Character character;
  Theme theme;
  bool operator==(const Artifacts&) const = default;
};

// One title of the catalogue, before it is planned.
struct DemoTitleRef {
  std::string id;     // "<movie>" or "<show>/<episode>", as the folder scan names it
  std::string show;   // empty for a movie
  std::string genre;
  std::string path;   // relative to the catalogue root: movies/<id>.webm, tv/<show>/<episode>.webm
  // Whose artifacts it has: the show for an episode, else the title itself.
  const std::string& artifact_key() const { return show.empty() ? id : show; }
};

struct DemoCatalogueOptions {
  uint64_t seed = 0;
  int movies = 3;
  int shows = 2;
  int episodes = 3;      // per show
  double minutes = 2.0;  // per title
  bool arrow_of_time = false;  // content that plays differently backwards (demo_arrow_of_time.h)
};

// The catalogue's titles, in a fixed order (movies, then shows' episodes);
// names are drawn from the seed.
std::vector<DemoTitleRef> demo_titles(const DemoCatalogueOptions& options);

struct Prop {  // a static block of the backdrop
  int x0, y0, x1, y1;
  Rgb colour;
};

struct Scene {
  int64_t first_frame = 0, end_frame = 0;  // [first, end)
  int backdrop = 0;                        // index of the first backdrop colour of its gradient pair
  bool character = true;                   // the moving object is the character, else a plain ball
  double radius = 18;                      // of the moving object
  std::vector<Prop> props;
};

struct ObjectState {  // the moving object in one frame
  double x = 0, y = 0;  // centre, pixels
  double angle = 0;     // rotation, radians
  double speed = 0;     // pixels per second
};

struct Impact {
  int64_t frame = 0;      // the first frame that shows the contact (the click starts at its time)
  double x = 0;           // where, for the pan
  double strength = 0;    // 0..1, from the speed into the surface
  int64_t index = 0;      // its number within the title (keys its noise)
};

struct Star {  // comes out at its frame and stays (a title with an arrow of time)
  int64_t frame = 0;
  int x = 0, y = 0;
};

struct DemoTitle {
  DemoTitleRef ref;
  uint64_t seed = 0;
  Artifacts artifacts;
  int64_t frames = 0;
  std::vector<Scene> scenes;          // covering [0, frames) in order
  std::vector<ObjectState> track;     // one per frame
  std::vector<double> tone_hz;        // one per frame, from the object's height
  std::vector<double> tone_phase;     // cycles (mod 1) of the tone at the start of each frame
  std::vector<Impact> impacts;        // in frame order
  bool arrow_of_time = false;         // night falls over the title, scenes fade to dusk, impacts ripple
                                      // and ring out (demo_arrow_of_time.h)
  std::vector<Star> stars;            // with an arrow of time: in the order they come out

  int64_t samples() const { return frames * kSamplesPerFrame; }
  double seconds() const { return static_cast<double>(frames) / kFps; }
  const Scene& scene_at(int64_t frame) const;
};

// A stable 64-bit key for a title or show name (the item of its random streams).
uint64_t name_key(std::string_view name);

Artifacts make_artifacts(uint64_t seed, const std::string& artifact_key);

// Plans a title of `seconds` (rounded to whole frames, at least one). The
// arrow of time adds to the picture and sound and changes nothing else of
// the plan: the same scenes, motion and impacts.
DemoTitle plan_title(uint64_t seed, const DemoTitleRef& ref, double seconds, bool arrow_of_time = false);

}  // namespace avflow::demo
