// The quickstart graph at a test's size, and its metrics rows, for the CLI
// tests that train, kill, starve and resume it.
#pragma once

#include <chrono>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "libs/model/checkpoint_position.h"
#include "tests/runtime/cli_fixture.h"

namespace avflow::test {

inline constexpr int kStepsPerEpoch = 4;
inline constexpr int kEpochs = 3;
inline constexpr int kSteps = kStepsPerEpoch * kEpochs;

struct Row {
  double loss = 0, lr = 0;
};

// step -> the last row written for it (a resumed run redoes steps after its
// checkpoint; its rows come later in the file).
inline std::map<int, Row> read_rows(const std::string& path) {
  std::ifstream in(path);
  std::map<int, Row> rows;
  std::string line;
  auto number = [&](const std::string& key) {
    const auto at = line.find("\"" + key + "\":");
    if (at == std::string::npos) throw std::runtime_error(path + ": no " + key + " in " + line);
    return std::stod(line.substr(at + key.size() + 3));
  };
  while (std::getline(in, line)) rows[static_cast<int>(number("step"))] = {number("loss"), number("lr")};
  return rows;
}

// avflow run graphs/quickstart.toml over `prepared`, 3 epochs of 4 steps of 8
// (the batches take their size and the trainer its steps per epoch from the
// sampler), a checkpoint every 5 steps into OUT/checkpoints.
inline std::vector<std::string> quickstart(const std::string& prepared, const std::string& out) {
  return {avflow_program(), "run", std::string(AVFLOW_SOURCE_DIR) + "/graphs/quickstart.toml", "--progress", "never",
          "--set", "sampler.shards=" + prepared, "--set", "reader.dir=" + prepared,
          "--set", "sampler.batch_size=8", "--set", "sampler.epoch_snippets=32",
          "--set", "sampler.epochs=" + std::to_string(kEpochs),
          "--set", "train.epochs=" + std::to_string(kEpochs),
          "--set", "graph.checkpoints=" + out + "/checkpoints", "--set", "train.checkpoint_every=5",
          "--set", "log.path=" + out + "/metrics.jsonl", "--set", "plot.path=" + out + "/curves.png"};
}

// quickstart()'s arguments after the program, with every rank its own
// metrics file and plot (OUT/metrics-{rank}.jsonl, OUT/curves-{rank}.png).
inline std::vector<std::string> per_rank_quickstart(const std::string& prepared, const std::string& out) {
  std::vector<std::string> args;
  const auto one = quickstart(prepared, out);
  for (size_t i = 1; i < one.size(); ++i) {
    if (one[i].rfind("log.path=", 0) == 0)
      args.push_back("log.path=" + out + "/metrics-{rank}.jsonl");
    else if (one[i].rfind("plot.path=", 0) == 0)
      args.push_back("plot.path=" + out + "/curves-{rank}.png");
    else
      args.push_back(one[i]);
  }
  return args;
}

// per_rank_quickstart() under `avflow launch LAUNCH... --`.
inline std::vector<std::string> launched_quickstart(const std::string& prepared, const std::string& out,
                                                    const std::vector<std::string>& launch = {"--nproc", "2"}) {
  std::vector<std::string> args{avflow_program(), "launch"};
  args.insert(args.end(), launch.begin(), launch.end());
  args.push_back("--");
  const auto run = per_rank_quickstart(prepared, out);
  args.insert(args.end(), run.begin(), run.end());
  return args;
}

// Two data-parallel quickstart runs (per_rank_quickstart) that wrote into
// `one` and `two` trained alike, bit for bit: every rank's losses and
// learning rates, the exported encoders and two checkpoints' models.
// (optimizer.pt is left out: LibTorch keys Adam's state by each tensor's
// address in the process that saved it, so its bytes differ run to run.)
inline void check_same_training(const std::string& one, const std::string& two, int ranks) {
  for (int rank = 0; rank < ranks; ++rank) {
    const std::string file = "/metrics-" + std::to_string(rank) + ".jsonl";
    const auto a = read_rows(one + file), b = read_rows(two + file);
    REQUIRE(a.size() == static_cast<size_t>(kSteps));
    REQUIRE(b.size() == a.size());
    for (const auto& [step, row] : a) {
      INFO("rank " << rank << " step " << step);
      CHECK(b.at(step).loss == row.loss);
      CHECK(b.at(step).lr == row.lr);
    }
  }
  for (const char* file : {"video_encoder.pt", "audio_encoder.pt", "step-00000012/model.pt", "step-00000010/model.pt"}) {
    INFO(file);
    const std::string a = slurp(one + "/checkpoints/" + file), b = slurp(two + "/checkpoints/" + file);
    REQUIRE_FALSE(a.empty());
    CHECK(a == b);
  }
}

// `args` run with every file it writes limited to `kilobytes` (RLIMIT_FSIZE,
// with SIGXFSZ ignored so that a write past it fails with EFBIG, as on a
// full disk, instead of killing the process).
inline std::vector<std::string> with_file_size_limit(const std::vector<std::string>& args, int kilobytes) {
  std::vector<std::string> out{"/bin/bash", "-c", "trap '' XFSZ; ulimit -f " + std::to_string(kilobytes) + "; exec \"$@\"",
                               "with_file_size_limit"};
  out.insert(out.end(), args.begin(), args.end());
  return out;
}

// Polls `checkpoints` until its latest checkpoint is of step `step` or later
// (or `timeout_s` passes); returns the latest step then.
inline int64_t wait_for_checkpoint(const std::string& checkpoints, int64_t step, double timeout_s = 120) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (avflow::model::latest_checkpoint_step(checkpoints) < step && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return avflow::model::latest_checkpoint_step(checkpoints);
}

}  // namespace avflow::test
