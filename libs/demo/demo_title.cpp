#include "libs/demo/demo_title.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>
#include <stdexcept>
#include <string_view>

#include "libs/random/item_random.h"

namespace avflow::demo {

namespace {

using random::ItemRandom;

// A colour from hue / saturation / value, all in [0, 1].
Rgb hsv(double h, double s, double v) {
  h = (h - std::floor(h)) * 6.0;
  const int i = static_cast<int>(h) % 6;
  const double f = h - std::floor(h);
  const double p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  double r = v, g = t, b = p;
  switch (i) {
    case 1: r = q, g = v, b = p; break;
    case 2: r = p, g = v, b = t; break;
    case 3: r = p, g = q, b = v; break;
    case 4: r = t, g = p, b = v; break;
    case 5: r = v, g = p, b = q; break;
    default: break;
  }
  auto u8 = [](double x) { return static_cast<uint8_t>(std::lround(std::clamp(x, 0.0, 1.0) * 255.0)); };
  return {u8(r), u8(g), u8(b)};
}

std::string invent_name(ItemRandom& rng) {
  static constexpr std::array<std::string_view, 16> kOnsets = {"b", "d", "f", "g", "k", "l", "m", "n",
                                                               "p", "r", "s", "t", "v", "z", "sh", "tr"};
  static constexpr std::array<std::string_view, 6> kVowels = {"a", "e", "i", "o", "u", "ai"};
  std::string name;
  const int syllables = static_cast<int>(rng.integer(2, 3));
  for (int i = 0; i < syllables; ++i) {
    name += kOnsets[static_cast<size_t>(rng.integer(0, kOnsets.size() - 1))];
    name += kVowels[static_cast<size_t>(rng.integer(0, kVowels.size() - 1))];
  }
  if (rng.bernoulli(0.5)) name += "n";
  return name;
}

std::string unique_name(ItemRandom& rng, std::set<std::string>& used) {
  std::string name = invent_name(rng);
  for (int n = 2; used.count(name); ++n) name = invent_name(rng) + std::to_string(n);
  used.insert(name);
  return name;
}

constexpr std::array<std::string_view, 6> kGenres = {"drama", "comedy", "thriller", "animation", "adventure", "mystery"};

std::vector<Prop> make_props(ItemRandom& rng, const Palette& p) {
  std::vector<Prop> props;
  const int n = static_cast<int>(rng.integer(2, 5));
  for (int i = 0; i < n; ++i) {
    const int w = static_cast<int>(rng.integer(20, 70)), h = static_cast<int>(rng.integer(20, 90));
    const int x0 = static_cast<int>(rng.integer(0, kWidth - w));
    const Rgb base = p.backdrop[static_cast<size_t>(rng.integer(0, 3))];
    const double shade = rng.uniform(0.55, 0.85);  // darker than the sky, so props read as scenery
    props.push_back({x0, kFloorY - h, x0 + w, kFloorY,
                     {static_cast<uint8_t>(base.r * shade), static_cast<uint8_t>(base.g * shade),
                      static_cast<uint8_t>(base.b * shade)}});
  }
  return props;
}

}  // namespace

uint64_t name_key(std::string_view name) {  // FNV-1a
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  return h;
}

std::vector<DemoTitleRef> demo_titles(const DemoCatalogueOptions& o) {
  std::vector<DemoTitleRef> titles;
  std::set<std::string> used;
  for (int m = 0; m < o.movies; ++m) {
    ItemRandom rng(o.seed, static_cast<uint64_t>(m), 0, "movie name");
    DemoTitleRef t;
    t.id = unique_name(rng, used);
    t.genre = kGenres[static_cast<size_t>(rng.integer(0, kGenres.size() - 1))];
    t.path = "movies/" + t.id + ".webm";
    titles.push_back(t);
  }
  for (int s = 0; s < o.shows; ++s) {
    ItemRandom rng(o.seed, static_cast<uint64_t>(s), 0, "show name");
    const std::string show = unique_name(rng, used);
    const std::string genre(kGenres[static_cast<size_t>(rng.integer(0, kGenres.size() - 1))]);
    for (int e = 1; e <= o.episodes; ++e) {
      const std::string episode = std::string(e < 10 ? "e0" : "e") + std::to_string(e);
      titles.push_back({show + "/" + episode, show, genre, "tv/" + show + "/" + episode + ".webm"});
    }
  }
  return titles;
}

Artifacts make_artifacts(uint64_t seed, const std::string& artifact_key) {
  const uint64_t item = name_key(artifact_key);
  Artifacts a;
  {
    ItemRandom rng(seed, item, 0, "palette");
    const double hue = rng.uniform();
    const double spread = rng.uniform(0.05, 0.18);  // an analogous scheme around one hue
    for (size_t i = 0; i < a.palette.backdrop.size(); ++i)
      a.palette.backdrop[i] = hsv(hue + spread * static_cast<double>(i), rng.uniform(0.35, 0.7), rng.uniform(0.55, 0.95));
    a.palette.floor = hsv(hue + 0.5, rng.uniform(0.3, 0.6), rng.uniform(0.25, 0.45));
    a.palette.prop = hsv(hue + rng.uniform(0.3, 0.7), rng.uniform(0.7, 1.0), rng.uniform(0.8, 1.0));
  }
  {
    ItemRandom rng(seed, item, 0, "character");
    Character& c = a.character;
    c.sides = rng.bernoulli(0.25) ? 0 : static_cast<int>(rng.integer(3, 7));
    c.aspect = rng.uniform(0.7, 1.4);
    c.radius = rng.uniform(14, 24);
    c.spin = rng.uniform(-0.6, 0.6);
    const double hue = rng.uniform();
    c.body = hsv(hue, rng.uniform(0.6, 1.0), rng.uniform(0.75, 1.0));
    c.mark = hsv(hue + rng.uniform(0.35, 0.65), rng.uniform(0.6, 1.0), rng.uniform(0.2, 0.5));
    c.pattern = static_cast<Pattern>(rng.integer(0, 2));
    c.bands = static_cast<int>(rng.integer(2, 5));
  }
  {
    ItemRandom rng(seed, item, 0, "theme");
    Theme& t = a.theme;
    static constexpr std::array<int, 8> kScale = {0, 2, 4, 7, 9, 12, 14, 16};  // pentatonic semitones
    const double root = 196.0 * std::pow(2.0, static_cast<double>(rng.integer(0, 9)) / 12.0);
    const int notes = static_cast<int>(rng.integer(5, 7));
    for (int i = 0; i < notes; ++i)
      t.notes_hz.push_back(root * std::pow(2.0, kScale[static_cast<size_t>(rng.integer(0, 7))] / 12.0));
    t.note_s = rng.uniform(0.16, 0.28);
    t.harmonics = {1.0, rng.uniform(0.0, 0.6), rng.uniform(0.0, 0.4)};
    t.base_hz = root / 2.0;
  }
  return a;
}

const Scene& DemoTitle::scene_at(int64_t frame) const {
  auto it = std::upper_bound(scenes.begin(), scenes.end(), frame,
                             [](int64_t f, const Scene& s) { return f < s.first_frame; });
  if (it == scenes.begin()) throw std::out_of_range("demo title: frame before the first scene");
  return *std::prev(it);
}

DemoTitle plan_title(uint64_t seed, const DemoTitleRef& ref, double seconds, bool arrow_of_time) {
  DemoTitle t;
  t.ref = ref;
  t.seed = seed;
  t.arrow_of_time = arrow_of_time;
  t.artifacts = make_artifacts(seed, ref.artifact_key());
  t.frames = std::max<int64_t>(1, std::llround(seconds * kFps));
  const uint64_t item = name_key(ref.id);
  const Character& ch = t.artifacts.character;
  constexpr double kDt = 1.0 / kFps;
  constexpr int kSubsteps = 8;

  ItemRandom scene_rng(seed, item, 0, "scenes");
  for (int64_t first = 0, index = 0; first < t.frames; ++index) {
    // A few seconds to ~20 s; never a tail shorter than two seconds.
    int64_t length = scene_rng.integer(3 * kFps, 20 * kFps);
    if (t.frames - (first + length) < 2 * kFps) length = t.frames - first;
    Scene s;
    s.first_frame = first;
    s.end_frame = first + length;
    s.backdrop = static_cast<int>(scene_rng.integer(0, 2));
    s.character = scene_rng.bernoulli(0.75);
    s.radius = s.character ? ch.radius : scene_rng.uniform(8, 16);
    s.props = make_props(scene_rng, t.artifacts.palette);
    t.scenes.push_back(std::move(s));
    first += length;
  }

  // The motion: a ballistic object bouncing inside [r, W - r] x [r, floor - r],
  // integrated in substeps. A bounce during the step into frame k makes frame k
  // an impact frame and shows the object touching the surface there.
  ItemRandom motion(seed, item, 0, "motion");
  t.track.resize(static_cast<size_t>(t.frames));
  for (const Scene& s : t.scenes) {
    const double r = s.radius;
    const double rx = s.character ? r * ch.aspect : r;
    const double left = rx, right = kWidth - rx, top = r, floor = kFloorY - r;
    double x = motion.uniform(left, right), y = motion.uniform(top, floor * 0.6);
    double vx = motion.uniform(50, 160) * (motion.bernoulli(0.5) ? 1 : -1), vy = motion.uniform(-80, 40);
    const double gravity = motion.uniform(250, 600), bounce = motion.uniform(0.75, 0.95);
    double angle = motion.uniform(0, 2 * std::numbers::pi);
    const double spin = (s.character ? ch.spin : 0.0) * 2 * std::numbers::pi;
    for (int64_t k = s.first_frame; k < s.end_frame; ++k) {
      ObjectState shown{x, y, angle, std::hypot(vx, vy)};
      if (k > s.first_frame) {
        double hit = 0, hit_x = x, hit_y = y;  // strongest contact during this step
        for (int i = 0; i < kSubsteps; ++i) {
          const double h = kDt / kSubsteps;
          vy += gravity * h;
          x += vx * h;
          y += vy * h;
          auto contact = [&](double speed) {
            if (speed > hit) hit = speed, hit_x = x, hit_y = y;
          };
          if (x < left) x = 2 * left - x, contact(std::abs(vx)), vx = -vx * bounce, hit_x = left;
          if (x > right) x = 2 * right - x, contact(std::abs(vx)), vx = -vx * bounce, hit_x = right;
          if (y < top) y = 2 * top - y, contact(std::abs(vy)), vy = -vy * bounce, hit_y = top;
          if (y > floor) {
            y = 2 * floor - y;
            contact(std::abs(vy));
            hit_y = floor;
            vy = -vy * bounce;
            // A tired bounce becomes a fresh hop, so the object never comes to rest.
            if (std::abs(vy) < 140) vy = -motion.uniform(260, 420);
          }
          x = std::clamp(x, left, right);
          y = std::clamp(y, top, floor);
        }
        angle += spin * kDt;
        shown = {x, y, angle, std::hypot(vx, vy)};
        if (hit > 20) {
          shown.x = hit_x, shown.y = hit_y;
          t.impacts.push_back({k, hit_x, std::min(1.0, hit / 400.0), static_cast<int64_t>(t.impacts.size())});
        }
      }
      t.track[static_cast<size_t>(k)] = shown;
    }
  }

  // Night falls over a title with an arrow of time: stars come out one by
  // one, at uniform times, in the middle of the sky (where a centre crop
  // keeps them).
  if (arrow_of_time) {
    ItemRandom sky(seed, item, 0, "stars");
    const int64_t stars = std::max<int64_t>(1, t.frames / (3 * kFps));  // one per 3 s on average
    for (int64_t i = 0; i < stars; ++i)
      t.stars.push_back({sky.integer(0, t.frames - 1), static_cast<int>(sky.integer(kWidth / 3, 2 * kWidth / 3)),
                         static_cast<int>(sky.integer(12, kFloorY / 2))});
    std::sort(t.stars.begin(), t.stars.end(), [](const Star& a, const Star& b) { return a.frame < b.frame; });
  }

  // The tone: two octaves from the floor (base) to the ceiling, its phase
  // integrated frame by frame (the frequency glides linearly within a frame).
  t.tone_hz.resize(t.track.size());
  t.tone_phase.resize(t.track.size());
  for (size_t k = 0; k < t.track.size(); ++k)
    t.tone_hz[k] = t.artifacts.theme.base_hz * std::pow(2.0, 2.0 * (1.0 - t.track[k].y / kFloorY));
  double phase = 0;
  for (size_t k = 0; k < t.track.size(); ++k) {
    t.tone_phase[k] = phase;
    const double next = k + 1 < t.track.size() ? t.tone_hz[k + 1] : t.tone_hz[k];
    phase += 0.5 * (t.tone_hz[k] + next) * kDt;
    phase -= std::floor(phase);
  }
  return t;
}

}  // namespace avflow::demo
