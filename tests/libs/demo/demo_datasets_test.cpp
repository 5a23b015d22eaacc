// avflow demo-datasets' writers: real AVI and WAV files in the layouts the
// readers of UCF101, HMDB51 and ESC-50 accept, with classes that look and
// sound apart.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "libs/demo/demo_clip.h"
#include "libs/demo/demo_datasets.h"
#include "libs/datasets/esc50_layout.h"
#include "libs/datasets/hmdb51_layout.h"
#include "libs/datasets/ucf101_layout.h"
#include "libs/media/media_decoder.h"
#include "tests/support/process.h"

using namespace avflow::datasets;
using namespace avflow::demo;
using avflow::test::TempDir;

namespace {

const DemoDatasetOptions kTiny{.seed = 1, .classes = 3, .clips_per_class = 3, .seconds = 0.4};

// Pixels of frame 0 whose `bright` channel is above 150 and the others below 110.
int64_t pixels_of_hue(const std::filesystem::path& video, int bright) {
  avflow::media::DecodeSettings settings;
  settings.fps = 25;
  settings.short_side = 0;
  settings.audio = false;
  avflow::media::MediaDecoder decoder(video.string(), settings);
  const auto frame = decoder.next_frame();  // uint8 [H, W, 3]
  REQUIRE(frame.has_value());
  const at::Tensor f = frame->to(at::kInt);
  at::Tensor mask = f.select(2, bright) > 150;
  for (int c = 0; c < 3; ++c)
    if (c != bright) mask = mask & (f.select(2, c) < 110);
  return mask.sum().item<int64_t>();
}

}  // namespace

TEST_CASE("demo UCF101 and HMDB51 sets are real videos in layouts their readers accept", "[datasets][demo]") {
  TempDir dir;
  REQUIRE(write_demo_ucf101(dir.path() + "/ucf101", kTiny) == 9);
  REQUIRE(write_demo_hmdb51(dir.path() + "/hmdb51", kTiny) == 9);

  const LabelledSplit ucf = read_ucf101(dir.path() + "/ucf101/UCF-101", dir.path() + "/ucf101/ucfTrainTestlist", 1);
  CHECK(ucf.classes == std::vector<std::string>{"DriftRed", "DriftGreen", "DriftBlue"});
  CHECK(ucf.train.size() == 6);  // groups 2 and 3 of each class
  CHECK(ucf.test.size() == 3);   // group 1
  for (int split = 2; split <= 3; ++split) {
    const auto s = read_ucf101(dir.path() + "/ucf101/UCF-101", dir.path() + "/ucf101/ucfTrainTestlist", split);
    CHECK(s.test.size() == 3);
  }
  const LabelledSplit hmdb =
      read_hmdb51(dir.path() + "/hmdb51/hmdb51_org", dir.path() + "/hmdb51/testTrainMulti_7030_splits", 2);
  CHECK(hmdb.classes == std::vector<std::string>{"drift_blue", "drift_green", "drift_red"});  // alphabetical
  CHECK(hmdb.train.size() == 6);
  CHECK(hmdb.test.size() == 3);

  // Decoded: 160 x 120, 10 frames in 0.4 s, with sound; the red class
  // shows red pixels and the green class green ones.
  avflow::media::DecodeSettings settings;
  settings.fps = 25;
  settings.short_side = 0;
  avflow::media::MediaDecoder decoder(ucf.test[0].path.string(), settings);
  CHECK(decoder.has_audio());
  CHECK(decoder.width() == 160);
  CHECK(decoder.height() == 120);
  int frames = 0;
  while (decoder.next_frame()) ++frames;
  CHECK(frames == 10);
  CHECK(pixels_of_hue(ucf.test[0].path, 0) > 100);  // DriftRed
  CHECK(pixels_of_hue(ucf.test[1].path, 1) > 100);  // DriftGreen
  CHECK(pixels_of_hue(ucf.test[1].path, 0) == 0);
}

TEST_CASE("a demo ESC-50 set is 5-second WAV clips in five folds", "[datasets][demo]") {
  TempDir dir;
  REQUIRE(write_demo_esc50(dir.path() + "/esc50", kTiny) == 15);  // 3 classes x 5 folds
  const LabelledSplit esc = read_esc50(dir.path() + "/esc50/ESC-50-master", 4);
  CHECK(esc.classes == std::vector<std::string>{"tone_red", "tone_green", "tone_blue"});
  CHECK(esc.train.size() == 12);
  REQUIRE(esc.test.size() == 3);
  avflow::media::DecodeSettings settings;
  settings.video = false;
  settings.sample_rate = 44100;
  avflow::media::MediaDecoder decoder(esc.test[2].path.string(), settings);
  REQUIRE(decoder.has_audio());
  const at::Tensor pcm = decoder.read_audio(44100 * 6);  // asks for more than there is
  CHECK(pcm.numel() == 44100 * 5);
  CHECK(pcm.abs().max().item<float>() > 0.1f);
}

TEST_CASE("demo data set options out of range are refused", "[datasets][demo]") {
  TempDir dir;
  CHECK_THROWS_AS(write_demo_esc50(dir.path(), {.classes = 1}), std::invalid_argument);
  CHECK_THROWS_AS(write_demo_ucf101(dir.path(), {.classes = 13}), std::invalid_argument);
}

TEST_CASE("motion-only demo clips take a random class's look and sound, and their own class's drift",
          "[datasets][demo]") {
  std::set<int> looks;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    CHECK(avflow::demo::DemoClip::draw(2, 5, seed).look == 2);  // by default the class's own
    const auto clip = avflow::demo::DemoClip::draw(2, 5, seed, true);
    CHECK(clip.label == 2);
    looks.insert(clip.look);
  }
  CHECK(looks.size() == 5);  // every class's look turns up
  // Same look and start, different classes: the square is where each
  // class's direction takes it. Classes 0 and 1 drift at 0 and 72 degrees.
  auto a = avflow::demo::DemoClip::draw(0, 5, 7, true), b = a;
  b.label = 1;
  a.x0 = a.y0 = b.x0 = b.y0 = 0.3;
  a.noise = b.noise = 0;
  CHECK(avflow::demo::render_demo_frame(a, 0) == avflow::demo::render_demo_frame(b, 0));
  CHECK(avflow::demo::render_demo_frame(a, 10) != avflow::demo::render_demo_frame(b, 10));
  CHECK(avflow::demo::render_demo_audio(a, 0, 100, 16000) == avflow::demo::render_demo_audio(b, 0, 100, 16000));
}
