// jsonl: writes scalar rows as JSON lines, one object per item.
//
//   [[node]]
//   name = "out"
//   op = "jsonl"
//   path = "-"            # "-" is standard output
//
// {"step":3,"time":1795000000.25,"mean":0.01,...} (time: when the row was
// written, seconds since 1970 UTC); each line is flushed as written, so a file
// being written can be followed (tail -f) and a killed run keeps its rows.
// A resumed run (avflow run --resume) appends: rows of the steps it redoes
// after its checkpoint appear again, the later ones being the resumed run's.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "engine/operator.h"
#include "engine/payloads/scalars.h"
#include "engine/registry.h"
#include "engine/text_format.h"
#include "operators/sinks/wall_time.h"

namespace avflow::ops {

class Jsonl final : public Operator {
 public:
  static inline const In<Scalars> kIn{"in", "rows to write"};
  static inline const Param<std::string> kPath{"path", "-", "output file; \"-\" for standard output"};
  AVFLOW_CONTRACT(kIn, kPath);

  void open(Context& ctx) override {
    path_ = ctx.param(kPath);
    file_ = path_ == "-" ? stdout : std::fopen(path_.c_str(), ctx.resuming() ? "a" : "w");
    if (!file_) throw std::runtime_error("cannot open '" + path_ + "' for writing");
  }

  void process(Context& ctx) override {
    const Scalars& s = ctx.input(kIn);
    std::string line = "{\"step\":" + std::to_string(s.step) + ",\"time\":" + unix_time_text();
    for (const auto& [k, v] : s.values) line += "," + json_string(k) + ":" + json_number(v);
    line += "}\n";
    if (std::fputs(line.c_str(), file_) < 0 || std::fflush(file_) != 0)
      throw std::runtime_error("write to '" + path_ + "' failed: " + std::strerror(errno));
  }

  void close(CloseReason) override {
    if (!file_) return;
    bool ok = std::fflush(file_) == 0;
    if (file_ != stdout) ok = std::fclose(file_) == 0 && ok;
    file_ = nullptr;
    if (!ok) throw std::runtime_error("closing '" + path_ + "' failed; the output may be incomplete");
  }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

AVFLOW_REGISTER(Jsonl, "jsonl", "writes scalar rows as JSON lines to a file or standard output");

}  // namespace avflow::ops
