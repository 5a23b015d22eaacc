// csv: writes scalar rows as CSV, one line per row, for spreadsheets and
// pandas.read_csv.
//
//   [[node]]
//   name = "table"
//   op = "csv"
//   path = "runs/tv/metrics.csv"
//   columns = []          # empty: step, time, then the first row's names in order
//
// The header is step,time,<columns>; time is when the row was written
// (seconds since 1970 UTC). A row lacking a column leaves its cell empty, so
// rows of several producers (a trainer's loss, a monitor's KL measures) share
// one file; a name outside the columns is left out, with one warning naming
// it. Non-finite values are written as nan, inf and -inf. Each line is
// flushed as written. A resumed run (avflow run --resume) appends, without a
// second header.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "engine/log.h"
#include "engine/operator.h"
#include "engine/payloads/scalars.h"
#include "engine/registry.h"
#include "operators/sinks/csv_field.h"
#include "operators/sinks/wall_time.h"

namespace avflow::ops {

namespace {
std::string csv_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}
}  // namespace

class Csv final : public Operator {
 public:
  static inline const In<Scalars> kIn{"in", "rows to write"};
  static inline const Param<std::string> kPath{"path", kRequired, "the .csv file to write; missing folders are created"};
  static inline const Param<std::vector<std::string>> kColumns{
      "columns", std::vector<std::string>{}, "the value columns after step and time; empty: the first row's names"};
  AVFLOW_CONTRACT(kIn, kPath, kColumns);

  void open(Context& ctx) override {
    path_ = ctx.param(kPath);
    columns_ = ctx.param(kColumns);
    const std::filesystem::path folder = std::filesystem::path(path_).parent_path();
    if (!folder.empty()) std::filesystem::create_directories(folder);
    const bool append = ctx.resuming() && std::filesystem::exists(path_) && std::filesystem::file_size(path_) > 0;
    file_ = std::fopen(path_.c_str(), append ? "a" : "w");
    if (!file_) throw std::runtime_error("cannot open '" + path_ + "' for writing");
    header_written_ = append;
  }

  void process(Context& ctx) override {
    const Scalars& row = ctx.input(kIn);
    if (columns_.empty())
      for (const auto& [name, value] : row.values) columns_.push_back(name);
    std::string text;
    if (!header_written_) {
      text = "step,time";
      for (const auto& c : columns_) text += "," + csv_field(c);
      text += "\n";
      header_written_ = true;
    }
    text += std::to_string(row.step) + "," + unix_time_text();
    for (const auto& c : columns_) {
      text += ",";
      for (const auto& [name, value] : row.values)
        if (name == c) {
          text += csv_number(value);
          break;
        }
    }
    text += "\n";
    for (const auto& [name, value] : row.values) {
      if (std::find(columns_.begin(), columns_.end(), name) == columns_.end() && warned_.insert(name).second) {
        AVFLOW_LOG(warn) << ctx.node() << ": '" << name << "' is not a column of " << path_ << "; left out";
      }
    }
    if (std::fputs(text.c_str(), file_) < 0 || std::fflush(file_) != 0)
      throw std::runtime_error("write to '" + path_ + "' failed: " + std::strerror(errno));
  }

  void close(CloseReason) override {
    if (!file_) return;
    const bool ok = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!ok) throw std::runtime_error("closing '" + path_ + "' failed; the output may be incomplete");
  }

 private:
  std::string path_;
  std::vector<std::string> columns_;
  std::FILE* file_ = nullptr;
  bool header_written_ = false;
  std::set<std::string> warned_;
};

AVFLOW_REGISTER(Csv, "csv", "writes scalar rows as CSV (step, time, then named columns)");

}  // namespace avflow::ops
