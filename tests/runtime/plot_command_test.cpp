// avflow plot: a run's curves from its metrics.jsonl on demand, and a
// comparison of several runs.
#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/runtime/cli_fixture.h"
#include "tests/support/png_image.h"

using namespace avflow::test;

namespace {

// Rows as the jsonl sink writes them: a trainer's every step, a KL
// monitor's every 5 steps.
std::string metrics_text(double loss_scale, double kl_scale) {
  std::string text;
  for (int step = 1; step <= 20; ++step) {
    text += "{\"step\":" + std::to_string(step) + ",\"time\":1795000000.5,\"loss\":" +
            std::to_string(3.4 - loss_scale * step) + ",\"lr\":" + std::to_string(1e-4 * step) +
            ",\"grad_norm\":1.5,\"epoch\":" + std::to_string(step / 10.0) + "}\n";
    if (step % 5 == 0)
      text += "{\"step\":" + std::to_string(step) + ",\"time\":1795000001,\"kl_minus_plus\":" +
              std::to_string(kl_scale * step) + ",\"kl_other_plus\":" + std::to_string(2 * kl_scale * step) +
              ",\"kl_minus_other\":0.01,\"kl_gap\":" + std::to_string(kl_scale * step) + ",\"s_plus_mean\":null}\n";
  }
  return text;
}

void require_drawn(const std::string& path, int width, int height) {
  REQUIRE(has_png_signature(path));
  const PngImage image(path);
  CHECK(image.width() == width);
  CHECK(image.height() == height);
  // Lines and labels, not a blank canvas.
  CHECK(image.count_not({255, 255, 255}, 0, 0, image.width(), image.height()) > image.width() * 4);
}

}  // namespace

TEST_CASE("avflow plot draws a run's loss, lr and KL panels into RUN_DIR/curves.png", "[cli][plot]") {
  TempDir dir;
  std::filesystem::create_directories(dir.path() + "/run");
  dir.write("run/metrics.jsonl", metrics_text(0.05, 0.01));
  auto r = run_avflow({"plot", dir.path() + "/run"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("5 panels") != std::string::npos);  // loss, lr, grad_norm, the KLs, the gap
  require_drawn(dir.path() + "/run/curves.png", 900, 5 * 260);
}

TEST_CASE("avflow plot of several runs draws one curve per run into one file", "[cli][plot]") {
  TempDir dir;
  for (const char* run : {"uniform", "k16"}) std::filesystem::create_directories(dir.path() + "/" + run);
  dir.write("uniform/metrics.jsonl", metrics_text(0.05, 0.01));
  dir.write("k16/metrics.jsonl", metrics_text(0.03, 0.02));
  const std::string out = dir.path() + "/compare.png";
  auto r = run_avflow({"plot", dir.path() + "/uniform", dir.path() + "/k16", "-o", out, "--series", "loss,kl_gap"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("2 panels, 2 runs") != std::string::npos);
  require_drawn(out, 900, 2 * 320);
  // Each run keeps its colour in both panels (loss above, kl_gap below):
  // the first two palette colours, and not the next ones.
  const PngImage image(out);
  for (int panel = 0; panel < 2; ++panel) {
    INFO("panel " << panel);
    CHECK(image.count(avflow::plot::series_colour(0), 0, panel * 320, 900, (panel + 1) * 320) > 50);
    CHECK(image.count(avflow::plot::series_colour(1), 0, panel * 320, 900, (panel + 1) * 320) > 50);
  }
  CHECK(image.count(avflow::plot::series_colour(2), 0, 0, 900, 640) == 0);
  CHECK(image.count(avflow::plot::series_colour(3), 0, 0, 900, 640) == 0);
}

TEST_CASE("avflow plot names the file and line of a row it cannot read", "[cli][plot]") {
  TempDir dir;
  std::filesystem::create_directories(dir.path() + "/run");
  dir.write("run/metrics.jsonl", "{\"step\":1,\"loss\":3.4}\n{\"step\":2,\"loss\":oops}\n{\"step\":3,\"loss\":3.3}\n");
  auto r = run_avflow({"plot", dir.path() + "/run"});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("metrics.jsonl:2: not a metrics row") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/run/curves.png"));
}

TEST_CASE("avflow plot skips the cut-off last line of a killed run", "[cli][plot]") {
  TempDir dir;
  std::filesystem::create_directories(dir.path() + "/run");
  dir.write("run/metrics.jsonl", metrics_text(0.05, 0.01) + "{\"step\":21,\"loss\":3.");
  auto r = run_avflow({"plot", dir.path() + "/run"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("last line is cut off") != std::string::npos);
}

TEST_CASE("avflow plot refuses a folder without metrics", "[cli][plot]") {
  TempDir dir;
  auto r = run_avflow({"plot", dir.path()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("holds no metrics.jsonl") != std::string::npos);
}
