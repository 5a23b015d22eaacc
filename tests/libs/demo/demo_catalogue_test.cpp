#include <ATen/ATen.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>

#include "libs/media/catalogue.h"
#include "libs/demo/demo_render.h"
#include "libs/demo/demo_writer.h"
#include "libs/media/media_decoder.h"
#include "tests/support/process.h"

using namespace avflow::media;
using namespace avflow::demo;
using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

DemoCatalogueOptions tiny() { return {.seed = 7, .movies = 1, .shows = 1, .episodes = 2, .minutes = 0.1}; }

}  // namespace

TEST_CASE("a tiny demo catalogue is real media of the asked length, listed by its manifest and by a scan",
          "[media][demo]") {
  TempDir dir;
  const DemoCatalogueOptions o = tiny();
  const auto titles = demo_titles(o);
  REQUIRE(titles.size() == 3);
  size_t progress_calls = 0;
  auto report = write_demo_catalogue(dir.path(), o, [&](const DemoProgress& p) {
    ++progress_calls;
    CHECK(p.total == 3);
    CHECK_FALSE(p.skipped);
  });
  CHECK(report.written == 3);
  CHECK(progress_calls == 3);

  for (const auto& t : titles) {
    const fs::path file = fs::path(dir.path()) / t.path;
    INFO(file);
    REQUIRE(fs::exists(file));
    MediaDecoder d(file.string(), DecodeSettings{});
    REQUIRE(d.has_video());
    REQUIRE(d.has_audio());
    int64_t frames = 0, samples = 0;
    while (d.next_frame()) ++frames;
    for (at::Tensor chunk; (chunk = d.read_audio(48000)).size(0) > 0;) samples += chunk.size(0);
    CHECK(std::abs(frames / 5.0 - 6.0) <= 0.1 + 1e-9);
    CHECK(std::abs(samples / 48000.0 - 6.0) <= 0.1);
  }
  for (const auto& f : fs::recursive_directory_iterator(dir.path()))
    CHECK(f.path().filename().string().find(".partial") == std::string::npos);

  Catalogue manifest = load_manifest(fs::path(dir.path()) / "catalogue.toml");
  Catalogue scanned = scan_directory(dir.path());
  REQUIRE(manifest.titles.size() == titles.size());
  REQUIRE(scanned.titles.size() == titles.size());
  for (size_t i = 0; i < titles.size(); ++i) {
    CHECK(manifest.titles[i].id == titles[i].id);
    CHECK(manifest.titles[i].show == titles[i].show);
    CHECK(manifest.titles[i].genre == titles[i].genre);
    CHECK(fs::equivalent(manifest.titles[i].uri, fs::path(dir.path()) / titles[i].path));
  }
  CHECK(titles[0].show.empty());
  CHECK(titles[1].show == titles[2].show);
  CHECK_FALSE(titles[1].show.empty());
  std::vector<std::string> ids, scanned_ids;
  for (const auto& t : titles) ids.push_back(t.id);
  for (const auto& t : scanned.titles) scanned_ids.push_back(t.id);
  std::sort(ids.begin(), ids.end());
  CHECK(scanned_ids == ids);

  // A second run finds every file in place and writes nothing.
  const auto mtime = fs::last_write_time(fs::path(dir.path()) / titles[0].path);
  auto again = write_demo_catalogue(dir.path(), o);
  CHECK(again.written == 0);
  CHECK(again.skipped == 3);
  CHECK(fs::last_write_time(fs::path(dir.path()) / titles[0].path) == mtime);
}

TEST_CASE("the demo renderer is a pure function of the seed and title", "[media][demo]") {
  const auto titles = demo_titles(tiny());
  const DemoTitle a = plan_title(7, titles[0], 30), b = plan_title(7, titles[0], 30), c = plan_title(8, titles[0], 30);
  REQUIRE(a.frames == 750);
  for (int64_t k : {0, 1, 137, 749}) {
    CHECK(render_frame(a, k) == render_frame(b, k));
    CHECK(render_frame(a, k) != render_frame(c, k));
  }
  const auto whole = render_audio(a, 0, a.samples());
  CHECK(whole == render_audio(b, 0, b.samples()));
  CHECK(whole != render_audio(c, 0, c.samples()));
  // A span renders the same on its own as inside the whole.
  const auto span = render_audio(a, 123457, 9000);
  CHECK(std::equal(span.begin(), span.end(), whole.begin() + 123457 * kChannels));
  // Past the end: silence.
  const auto tail = render_audio(a, a.samples() - 10, 20);
  CHECK(std::all_of(tail.begin() + 20, tail.end(), [](float x) { return x == 0.0f; }));
}

TEST_CASE("episodes of a show share its palette, character and theme, and a movie has its own", "[media][demo]") {
  const auto titles = demo_titles(tiny());
  const DemoTitle movie = plan_title(7, titles[0], 20), e1 = plan_title(7, titles[1], 20), e2 = plan_title(7, titles[2], 20);
  CHECK(e1.artifacts == e2.artifacts);
  CHECK_FALSE(e1.artifacts.palette == movie.artifacts.palette);
  CHECK_FALSE(e1.artifacts.character == movie.artifacts.character);
  CHECK_FALSE(e1.artifacts.theme == movie.artifacts.theme);
  // Per-episode variation: their scenes and events differ.
  CHECK((e1.scenes.size() != e2.scenes.size() || e1.scenes[0].end_frame != e2.scenes[0].end_frame ||
         e1.track[10].x != e2.track[10].x));
  // The pictures are painted in the palette: the top row is the scene's first sky colour.
  for (const DemoTitle* t : {&movie, &e1, &e2}) {
    const auto rgb = render_frame(*t, 0);
    const Rgb sky = t->artifacts.palette.backdrop[static_cast<size_t>(t->scene_at(0).backdrop)];
    int matches = 0;
    for (int x = 0; x < kWidth; ++x)
      matches += rgb[static_cast<size_t>(x) * 3] == sky.r && rgb[static_cast<size_t>(x) * 3 + 1] == sky.g &&
                 rgb[static_cast<size_t>(x) * 3 + 2] == sky.b;
    CHECK(matches > kWidth / 2);  // props and the object may cover some of it
  }
}

TEST_CASE("an impact's click is in the audio within one video frame of the impact's frame", "[media][demo]") {
  const auto titles = demo_titles(tiny());
  const DemoTitle t = plan_title(7, titles[0], 60);
  REQUIRE(t.impacts.size() > 5);
  int checked = 0;
  for (size_t i = 0; i < t.impacts.size(); ++i) {
    const Impact& im = t.impacts[i];
    const int64_t frame_gap = 12;  // half a second clear of other impacts and of the scene start
    const bool clear = (i == 0 || im.frame - t.impacts[i - 1].frame > frame_gap) &&
                       (i + 1 == t.impacts.size() || t.impacts[i + 1].frame - im.frame > frame_gap) &&
                       im.frame - t.scene_at(im.frame).first_frame > 2 * kFps && im.strength > 0.3;
    if (!clear) continue;
    const int64_t at = im.frame * kSamplesPerFrame, from = at - 12 * kSamplesPerFrame;
    const auto audio = render_audio(t, from, 24 * kSamplesPerFrame);
    // The click is the sharpest change in the window: the peak of |x[n] - x[n-1]|.
    int64_t peak = 0;
    double best = -1;
    for (int64_t n = 1; n < 24 * kSamplesPerFrame; ++n) {
      const double d = std::abs(audio[static_cast<size_t>(n) * 2] + audio[static_cast<size_t>(n) * 2 + 1] -
                                audio[static_cast<size_t>(n - 1) * 2] - audio[static_cast<size_t>(n - 1) * 2 + 1]);
      if (d > best) best = d, peak = from + n;
    }
    INFO("impact at frame " << im.frame << ", sharpest change at sample " << peak);
    CHECK(std::abs(peak - at) <= kSamplesPerFrame);
    ++checked;
  }
  CHECK(checked >= 2);
}
