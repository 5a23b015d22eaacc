// plot: draws line plots of scalar rows (training metrics) into a PNG file,
// one panel per series over the step (libs/plot/line_chart.h).
//
//   [[node]]
//   name = "plot"
//   op = "plot"
//   path = "runs/tv/curves.png"
//   series = ["loss", "lr", "grad_norm"]   # one panel each; "a+b": a and b in one panel
//   log_y = ["lr"]                          # these panels on a log axis
//   every = 100                             # also redraw every 100 rows (0: only at the end)
//
//   [[edge]]  from = "train.metrics"  to = "plot.in"
//
// A row lacking a series' key adds no point to it; a series no row had is a
// "no data" panel. A key whose rows also hold "<key>_lo" and "<key>_hi" (the
// KL monitor's intervals) is drawn with the band between them. The file is drawn at the end of the stream, and on close
// after a Ctrl-C or a failure once rows arrived, so a stopped run leaves its
// curves; each drawing goes to PATH.tmp and is renamed over PATH.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

#include "engine/operator.h"
#include "engine/payloads/scalars.h"
#include "engine/registry.h"
#include "libs/plot/line_chart.h"
#include "libs/plot/row_series.h"

namespace avflow::ops {

using namespace avflow::plot;

namespace {

// "loss + val_loss" -> {"loss", "val_loss"}; empty names kept, for the check.
std::vector<std::string> panel_series(const std::string& entry) {
  std::vector<std::string> names;
  size_t start = 0;
  while (true) {
    const size_t plus = entry.find('+', start);
    std::string name = entry.substr(start, plus == std::string::npos ? std::string::npos : plus - start);
    const size_t first = name.find_first_not_of(' '), last = name.find_last_not_of(' ');
    names.push_back(first == std::string::npos ? "" : name.substr(first, last - first + 1));
    if (plus == std::string::npos) return names;
    start = plus + 1;
  }
}

bool ends_with_png(const std::string& path) {
  if (path.size() <= 4) return false;
  std::string ext = path.substr(path.size() - 4);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".png";
}

}  // namespace

class Plot final : public Operator {
 public:
  static inline const In<Scalars> kIn{"in", "rows of metrics (train_step's, tensor_stats')"};
  static inline const Param<std::string> kPath{"path", kRequired,
                                               "the .png file to write; missing folders are created"};
  static inline const Param<std::vector<std::string>> kSeries{
      "series", std::vector<std::string>{"loss", "lr"},
      "one panel per entry, each a key of the rows; \"a+b\" draws a and b in one panel"};
  static inline const Param<std::vector<std::string>> kLogY{"log_y", std::vector<std::string>{},
                                                            "entries of `series` drawn on a log y axis"};
  static inline const Param<std::string> kTitle{"title", "", "title above the panels (empty: none)"};
  static inline const Param<int64_t> kWidth{"width", 900, Range{200, 8192}, "image width in pixels"};
  static inline const Param<int64_t> kHeight{"height", 300, Range{100, 4096},
                                             "pixels per panel: the image is height x panels tall"};
  static inline const Param<int64_t> kEvery{"every", 0, Range{0, int64_t{1} << 40},
                                            "also redraw every N rows, so a long run has a current plot (0: at the end only)"};

  static std::vector<ParamProblem> check(const ParamSet& p, const Registry&) {
    std::vector<ParamProblem> problems;
    if (!ends_with_png(p.get(kPath)))
      problems.push_back({kPath.name(), "must name a .png file ('" + p.get(kPath) + "')"});
    const auto& series = p.get(kSeries);
    if (series.empty()) problems.push_back({kSeries.name(), "is empty: name at least one key to plot"});
    for (const auto& entry : series) {
      const auto names = panel_series(entry);
      if (std::find(names.begin(), names.end(), "") != names.end())
        problems.push_back({kSeries.name(), "has an entry with an empty name ('" + entry + "')"});
    }
    for (const auto& entry : p.get(kLogY))
      if (std::find(series.begin(), series.end(), entry) == series.end())
        problems.push_back({kLogY.name(), "names '" + entry + "', which is not an entry of `series`"});
    if (p.get(kHeight) * static_cast<int64_t>(series.size()) > plot::kMaxImageSide)
      problems.push_back({kHeight.name(), "(" + std::to_string(p.get(kHeight)) + ") x " +
                                              std::to_string(series.size()) + " panels is over " +
                                              std::to_string(plot::kMaxImageSide) + " pixels"});
    return problems;
  }
  AVFLOW_CONTRACT(kIn, kPath, kSeries, kLogY, kTitle, kWidth, kHeight, kEvery, ParamsCheck{&Plot::check});

  void open(Context& ctx) override {
    path_ = ctx.param(kPath);
    const std::filesystem::path folder = std::filesystem::path(path_).parent_path();
    if (!folder.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(folder, ec);
      if (ec || !std::filesystem::is_directory(folder))
        throw std::runtime_error("cannot create the folder '" + folder.string() + "' for '" + path_ + "'" +
                                 (ec ? ": " + ec.message() : std::string()));
    }
    chart_.title = ctx.param(kTitle);
    chart_.width = static_cast<int>(ctx.param(kWidth));
    chart_.panel_height = static_cast<int>(ctx.param(kHeight));
    const auto log_y = ctx.param(kLogY);
    for (const auto& entry : ctx.param(kSeries)) {
      plot::Panel panel;
      panel.log_y = std::find(log_y.begin(), log_y.end(), entry) != log_y.end();
      for (const auto& name : panel_series(entry)) panel.series.push_back({name, {}, {}});
      chart_.panels.push_back(std::move(panel));
    }
    every_ = ctx.param(kEvery);
  }

  void process(Context& ctx) override {
    const Scalars& row = ctx.input(kIn);
    for (auto& panel : chart_.panels)
      for (auto& series : panel.series) plot::add_row(series, series.name, static_cast<double>(row.step), row.values);
    ++rows_;
    if (every_ > 0 && rows_ % every_ == 0) plot::write_png(chart_, path_);
  }

  void finish(Context&) override {
    drawn_at_end_ = true;
    plot::write_png(chart_, path_);
  }

  // A cancelled or failed run never reached finish(): draw what it had.
  void close(CloseReason) override {
    if (!drawn_at_end_ && rows_ > 0) plot::write_png(chart_, path_);
  }

 private:
  std::string path_;
  plot::Chart chart_;
  int64_t every_ = 0;
  int64_t rows_ = 0;
  bool drawn_at_end_ = false;
};

AVFLOW_REGISTER(Plot, "plot", "draws scalar rows (training metrics) as PNG line plots over the step");

}  // namespace avflow::ops
