// plot inside a graph: a PNG of the rows' series at the end, redrawn every N
// rows, left behind by a run stopped after rows (Ctrl-C or a failure), and
// its parameter and folder errors.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "engine/operator.h"
#include "engine/payloads/scalars.h"
#include "engine/registry.h"
#include "libs/plot/line_chart.h"
#include "tests/operators/run_graph.h"
#include "tests/support/png_image.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

// What test_metric_rows emits, what it saw of the watched file before each
// row, and the run it cancels.
std::vector<Scalars> rows;
std::vector<bool> file_seen;
Executor* running = nullptr;

class MetricRows final : public Operator {
 public:
  static inline const Out<Scalars> kOut{"out", "the test's rows"};
  static inline const Param<int64_t> kStopAt{"stop_at", -1, "row at which the run is stopped instead (-1: none)"};
  static inline const Param<std::string> kStopBy{"stop_by", "fail", Choices{"fail", "cancel"}, "how it is stopped"};
  static inline const Param<std::string> kWatch{"watch", "", "a file whose existence is noted before each row"};
  AVFLOW_CONTRACT(kOut, kStopAt, kStopBy, kWatch);
  void process(Context& ctx) override {
    if (!ctx.param(kWatch).empty()) file_seen.push_back(fs::exists(ctx.param(kWatch)));
    if (static_cast<int64_t>(next_) == ctx.param(kStopAt)) {
      if (ctx.param(kStopBy) == "fail") throw std::runtime_error("test_metric_rows: stopped");
      running->cancel();
    }
    if (next_ == rows.size() || ctx.cancelled()) return ctx.end_of_stream();
    ctx.emit(kOut, rows[next_++]);
  }

 private:
  size_t next_ = 0;
};
AVFLOW_REGISTER(MetricRows, "test_metric_rows", "emits the plot test's rows");

// Steps 1..n: loss falling (NaN at step 7), lr on odd steps only.
std::vector<Scalars> training_rows(int n) {
  std::vector<Scalars> out;
  for (int step = 1; step <= n; ++step) {
    Scalars s{step, {{"loss", step == 7 ? std::numeric_limits<double>::quiet_NaN() : 3.0 - 0.05 * step}}};
    if (step % 2) s.values.push_back({"lr", 1e-4 * step});
    out.push_back(std::move(s));
  }
  return out;
}

RunResult run_plot(const std::string& path, const std::string& plot_params, const std::string& feed_params = "") {
  const std::string toml = "[graph]\nmax_in_flight = 1\n" + node_toml("feed", "test_metric_rows", feed_params) +
                           node_toml("plot", "plot", "path = \"" + path + "\"\n" + plot_params) +
                           edge_toml("feed", "plot");
  PluginLoader plugins(Registry::global());
  const ResolvedGraph graph = load_graph_text(toml, "test.toml", {}, plugins, Registry::global());
  Executor ex(graph);
  running = &ex;
  RunResult r = ex.run();
  running = nullptr;
  return r;
}

// The messages with which loading a plot graph with these parameters fails.
std::string refusal(const std::string& plot_params) {
  PluginLoader plugins(Registry::global());
  try {
    load_graph_text(node_toml("feed", "test_metric_rows") + node_toml("plot", "plot", plot_params) +
                        edge_toml("feed", "plot"),
                    "g.toml", {}, plugins, Registry::global());
  } catch (const GraphError& e) {
    std::string all;
    for (const auto& d : e.diagnostics()) all += d.str() + "\n";
    return all;
  }
  return "";
}

}  // namespace

TEST_CASE("plot draws one panel per series of the rows into a PNG at the end of the run", "[plot]") {
  TempDir dir;
  const std::string path = dir.path() + "/runs/a/curves.png";  // folders created
  rows = training_rows(40);
  auto r = run_plot(path, "series = [\"loss\", \"lr\", \"missing\"]\nwidth = 640\nheight = 200\ntitle = \"t\"");
  REQUIRE(r.status == RunStatus::kFinished);
  REQUIRE(has_png_signature(path));
  PngImage img(path);
  CHECK(img.width() == 640);
  CHECK(img.height() == 3 * 200);
  CHECK(img.count(plot::series_colour(0), 0, 0, 640, 200) > 100);      // loss, despite its NaN
  CHECK(img.count(plot::series_colour(1), 0, 200, 640, 400) > 100);    // lr, from the odd rows
  CHECK(img.count(plot::series_colour(2), 0, 400, 640, 600) == 0);     // "missing": no data
  CHECK(img.count({136, 136, 136}, 260, 485, 380, 515, 40) > 10);      // ... says so
}

TEST_CASE("plot shades the interval of a key whose rows carry _lo and _hi", "[plot]") {
  // KL monitor rows: kl_gap with its interval; loss without one.
  TempDir dir;
  const std::string path = dir.path() + "/kl.png";
  rows.clear();
  for (int step = 0; step < 30; ++step)
    rows.push_back({step, {{"kl_gap", 0.5}, {"kl_gap_lo", 0.2}, {"kl_gap_hi", 0.8}, {"loss", 1.0 - 0.01 * step}}});
  REQUIRE(run_plot(path, "series = [\"kl_gap\", \"loss\"]\nwidth = 640\nheight = 200").status ==
          RunStatus::kFinished);
  PngImage img(path);
  auto tint = [](plot::Rgb c) {  // a band's colour: 20 % of the series' over white
    plot::Rgb t;
    for (size_t i = 0; i < 3; ++i) t[i] = static_cast<uint8_t>(std::lround(255 * 0.8 + c[i] * 0.2));
    return t;
  };
  CHECK(img.count(tint(plot::series_colour(0)), 0, 0, 640, 200, 6) > 3000);  // kl_gap's band
  CHECK(img.count(tint(plot::series_colour(1)), 0, 200, 640, 400, 6) < 50);  // loss: none
}

TEST_CASE("plot with every N redraws while the run goes on and only at the end without", "[plot]") {
  TempDir dir;
  const std::string path = dir.path() + "/c.png";
  rows = training_rows(12);
  file_seen.clear();
  REQUIRE(run_plot(path, "every = 2", "watch = \"" + path + "\"").status == RunStatus::kFinished);
  REQUIRE(file_seen.size() == 13);
  CHECK(file_seen.front() == false);
  CHECK(file_seen.back() == true);  // drawn before the last row came

  fs::remove(path);
  file_seen.clear();
  REQUIRE(run_plot(path, "", "watch = \"" + path + "\"").status == RunStatus::kFinished);
  CHECK(std::count(file_seen.begin(), file_seen.end(), true) == 0);
  CHECK(has_png_signature(path));
}

TEST_CASE("plot leaves its PNG when the run is cancelled or fails after rows, none when it fails before", "[plot]") {
  TempDir dir;
  rows = training_rows(20);
  const std::string cancelled = dir.path() + "/cancelled.png";
  CHECK(run_plot(cancelled, "", "stop_at = 5\nstop_by = \"cancel\"").status == RunStatus::kCancelled);
  CHECK(has_png_signature(cancelled));
  const std::string failed = dir.path() + "/failed.png";
  CHECK(run_plot(failed, "", "stop_at = 5").status == RunStatus::kFailed);
  CHECK(has_png_signature(failed));
  const std::string early = dir.path() + "/early.png";
  CHECK(run_plot(early, "", "stop_at = 0").status == RunStatus::kFailed);
  CHECK_FALSE(fs::exists(early));
}

TEST_CASE("plot parameters that cannot work are refused before anything runs", "[plot][errors]") {
  CHECK(refusal("path = \"c.png\"") == "");
  CHECK(refusal("path = \"c.png\"\nseries = []").find("parameter 'series' is empty") != std::string::npos);
  CHECK(refusal("path = \"c.jpg\"").find("parameter 'path' must name a .png file ('c.jpg')") != std::string::npos);
  CHECK(refusal("path = \"c.png\"\nseries = [\"loss+\"]").find("an entry with an empty name ('loss+')") !=
        std::string::npos);
  CHECK(refusal("path = \"c.png\"\nlog_y = [\"lr\"]\nseries = [\"loss\"]").find("parameter 'log_y' names 'lr'") !=
        std::string::npos);
  CHECK(refusal("series = [\"loss\"]").find("'path'") != std::string::npos);  // required
}

TEST_CASE("plot fails at open naming the folder it cannot create", "[plot][errors]") {
  TempDir dir;
  const std::string file = dir.write("file", "not a folder");
  rows = training_rows(2);
  auto r = run_plot(file + "/sub/c.png", "");
  REQUIRE(r.status == RunStatus::kFailed);
  CHECK(r.failures[0].node == "plot");
  CHECK(r.failures[0].phase == "open");
  CHECK(r.failures[0].message.rfind("cannot create the folder '" + file + "/sub' for '" + file + "/sub/c.png'", 0) == 0);
}
