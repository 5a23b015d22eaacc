// avflow plot RUN_DIR [RUN_DIR...]: draws a run's curves from its
// metrics.jsonl on demand, or compares several runs (one curve per run).
#include <cstdio>
#include <filesystem>
#include <set>

#include "libs/plot/line_chart.h"
#include "libs/plot/row_series.h"
#include "runtime/commands.h"
#include "runtime/exit_codes.h"
#include "runtime/metrics_file.h"
#include "runtime/run_label.h"

namespace avflow::cli {

namespace {

namespace fs = std::filesystem;

struct Run {
  std::string label;
  std::vector<MetricsRow> rows;
};

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t at = text.find(sep, start);
    std::string part = text.substr(start, at == std::string::npos ? std::string::npos : at - start);
    const size_t first = part.find_first_not_of(' '), last = part.find_last_not_of(' ');
    if (first != std::string::npos) parts.push_back(part.substr(first, last - first + 1));
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

// The training curves and, when the run had a KL monitor, its measures.
const std::vector<std::string> kOneRunSeries = {"loss", "lr", "grad_norm",
                                                "kl_minus_plus+kl_other_plus+kl_minus_other", "kl_gap"};
const std::vector<std::string> kCompareSeries = {"loss", "kl_minus_plus", "kl_other_plus", "kl_minus_other",
                                                 "kl_gap"};

// A key's curve, with the band of its _lo and _hi columns where the rows
// have them.
plot::Series series_of(const std::vector<MetricsRow>& rows, const std::string& key, const std::string& name) {
  plot::Series s{name, {}, {}};
  for (const auto& row : rows) plot::add_row(s, key, static_cast<double>(row.step), row.values);
  return s;
}

bool any_row_has(const std::vector<Run>& runs, const std::string& entry) {
  for (const auto& key : split(entry, '+'))
    for (const auto& run : runs)
      for (const auto& row : run.rows)
        for (const auto& kv : row.values)
          if (kv.first == key) return true;
  return false;
}

}  // namespace

int plot_command(const Args& args) {
  if (args.positional.empty()) throw UsageError("avflow plot needs a run directory (one with metrics.jsonl)");
  std::vector<Run> runs;
  for (const auto& dir : args.positional) {
    const std::string file = (fs::path(dir) / "metrics.jsonl").string();
    if (!fs::exists(file)) throw UsageError("'" + dir + "' holds no metrics.jsonl: not a run directory");
    int truncated = 0;
    runs.push_back({run_label(dir), read_metrics_jsonl(file, &truncated)});
    if (truncated > 0) std::fprintf(stderr, "avflow plot: %s: its last line is cut off; left out\n", file.c_str());
  }
  const bool compare = runs.size() > 1;
  std::vector<std::string> entries;
  if (auto wanted = args.option("--series")) {
    entries = split(*wanted, ',');
    if (entries.empty()) throw UsageError("--series names no series");
  } else {
    for (const auto& entry : compare ? kCompareSeries : kOneRunSeries)
      if (any_row_has(runs, entry)) entries.push_back(entry);
    if (entries.empty()) throw UsageError("no loss or KL rows in the metrics; name the series with --series");
  }

  plot::Chart chart;
  chart.title = compare ? "" : runs[0].label;
  for (const auto& entry : entries) {
    plot::Panel panel;
    panel.title = entry;
    panel.log_y = entry == "lr";
    const std::vector<std::string> keys = split(entry, '+');
    for (size_t k = 0; k < keys.size(); ++k)
      for (size_t r = 0; r < runs.size(); ++r) {
        const auto& run = runs[r];
        const std::string name = compare ? (keys[k] == entry ? run.label : run.label + ": " + keys[k]) : keys[k];
        panel.series.push_back(series_of(run.rows, keys[k], name));
        // Compared runs keep one colour each in every panel (a panel's
        // further keys take the colours after the runs').
        if (compare) panel.series.back().colour = static_cast<int>(k * runs.size() + r);
      }
    chart.panels.push_back(std::move(panel));
  }
  chart.panel_height = compare ? 320 : 260;
  const std::string out = args.option("-o").value_or(
      compare ? std::string("compare.png") : (fs::path(args.positional[0]) / "curves.png").string());
  plot::write_png(chart, out);
  std::fprintf(stderr, "avflow plot: wrote %s (%zu panels, %zu run%s)\n", out.c_str(), chart.panels.size(), runs.size(),
               runs.size() == 1 ? "" : "s");
  return kExitOk;
}

}  // namespace avflow::cli
