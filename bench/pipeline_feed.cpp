// Does the data path starve the training step? Clips per second of the
// whole pretraining pipeline -- prepared shards -> sampler -> reader ->
// crop / flip / colour jitter and log-mel / mask -> batches -> train_step
// (graphs/quickstart.toml with the paper's augmentation, run by the avflow
// program) -- against the same step fed with tensors already on the device
// (step_rate.h), in the same run. The target: the pipeline within 10% of the
// resident-tensor step (ratio >= 0.9).
//
// CPU: the tiny model. CUDA (where present): the paper's model at B = 64,
// bf16, channels-last, with the augmentation on the CPU (overlap on, and
// off to show what overlapping the copies buys) and on the GPU. The paper
// size rows also give the model FLOP utilisation: the training step costs
// about 3 x 165 GFLOP per clip (forward 165, ../shared/gpu/README.md).
//
//   build/bench/bench_pipeline_feed [steps] [--peak-tflops T] [--cuda-only]
// It prepares the demo catalogue once into <build>/bench-prepared unless
// <build>/demo-prepared (scripts/quickstart.sh's) is there.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/step_rate.h"
#include "runtime/heap_tuning.h"
#include "tests/support/process.h"

namespace fs = std::filesystem;
using avflow::bench::StepShape;
using avflow::test::run_process;

namespace {

const std::string kAvflow = std::string(AVFLOW_BINARY_DIR) + "/avflow";
const std::string kGraph = std::string(AVFLOW_SOURCE_DIR) + "/graphs/quickstart.toml";
constexpr double kTrainGflopPerClip = 3 * 165.0;  // forward + backward (about twice the forward)

bool has_shards(const fs::path& dir) {
  if (!fs::is_directory(dir)) return false;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".avshard") return true;
  return false;
}

void run_or_die(const std::vector<std::string>& argv) {
  const auto r = run_process(argv);
  if (r.exit_code != 0) {
    std::fprintf(stderr, "%s failed (exit %d):\n%s\n", argv[1].c_str(), r.exit_code, r.err.c_str());
    std::exit(1);
  }
}

fs::path prepared_shards() {
  const fs::path build(AVFLOW_BINARY_DIR);
  if (has_shards(build / "demo-prepared")) return build / "demo-prepared";
  const fs::path out = build / "bench-prepared";
  if (has_shards(out)) return out;
  std::printf("preparing the demo catalogue into %s (once)\n", out.c_str());
  std::fflush(stdout);
  run_or_die({kAvflow, "demo-catalogue", (build / "bench-data").string()});
  run_or_die({kAvflow, "run", std::string(AVFLOW_SOURCE_DIR) + "/graphs/prepare.toml", "--progress", "never", "--set",
              "titles.catalogue=" + (build / "bench-data").string(), "--set", "prepare.out=" + out.string()});
  return out;
}

struct Pipeline {
  std::string name;
  std::vector<std::string> sets;  // --set key=value beyond the model's
};

// Steps after the first quarter (at least 3): the rate the run trains at,
// from train_step's clips_per_s (B over the time since the step before).
double pipeline_clips_per_second(const StepShape& s, const std::string& device, const Pipeline& p,
                                 const fs::path& shards, int steps) {
  avflow::test::TempDir dir;
  const std::string metrics = dir.path() + "/metrics.jsonl";
  std::vector<std::string> argv = {kAvflow, "run", kGraph, "--progress", "never", "--run-dir", dir.path()};
  std::vector<std::string> sets = {
      "sampler.shards=" + shards.string(), "reader.dir=" + shards.string(), "graph.checkpoints=",
      "sampler.batch_size=" + std::to_string(s.batch), "sampler.k=" + std::to_string(std::min<int64_t>(16, s.batch / 4)),
      "sampler.epoch_snippets=" + std::to_string(s.batch * steps), "sampler.epochs=1",
      "graph.max_in_flight=" + std::to_string(3 * s.batch),
      // The paper's augmentation, where the quickstart departs from it.
      "augment.crop=" + std::to_string(s.crop), "augment.crop_position=random", "mask.max_fraction=0.25",
      "train.video_width=" + std::to_string(s.width), "train.audio_width=" + std::to_string(s.width),
      "train.blocks=" + std::to_string(s.blocks), "train.embedding_dim=" + std::to_string(s.dim), "train.epochs=1",
      "train.device=" + device, std::string("train.precision=") + (s.bf16 ? "bf16" : "float32"),
      std::string("train.memory_format=") + (s.channels_last ? "channels_last" : "contiguous"),
      "log.path=" + metrics, "plot.path=" + dir.path() + "/curves.png"};
  sets.insert(sets.end(), p.sets.begin(), p.sets.end());
  for (const auto& kv : sets) {
    argv.push_back("--set");
    argv.push_back(kv);
  }
  const auto r = run_process(argv);
  if (r.exit_code != 0) {
    std::fprintf(stderr, "pipeline '%s' failed (exit %d):\n%s\n", p.name.c_str(), r.exit_code, r.err.c_str());
    return 0;
  }
  std::vector<std::pair<long, double>> rows;  // step, clips_per_s
  std::istringstream lines(avflow::test::slurp(metrics));
  for (std::string line; std::getline(lines, line);) {
    const auto step = line.find("\"step\":"), rate = line.find("\"clips_per_s\":");
    if (step == std::string::npos || rate == std::string::npos) continue;
    rows.emplace_back(std::stol(line.substr(step + 7)), std::stod(line.substr(rate + 14)));
  }
  std::sort(rows.begin(), rows.end());
  const size_t skip = std::max<size_t>(3, rows.size() / 4);
  if (rows.size() <= skip) return 0;
  double seconds = 0;
  for (size_t i = skip; i < rows.size(); ++i) seconds += static_cast<double>(s.batch) / rows[i].second;
  return static_cast<double>(s.batch) * static_cast<double>(rows.size() - skip) / seconds;
}

void print_row(const std::string& name, const std::string& device, double rate, double baseline, double peak_tflops,
               bool paper_size) {
  std::printf("%-44s %-5s %9.2f %7.2f", name.c_str(), device.c_str(), rate, rate / baseline);
  if (paper_size) {
    const double tflops = rate * kTrainGflopPerClip / 1000.0;
    std::printf(" %8.1f %6.1f%%", tflops, 100.0 * tflops / peak_tflops);
  }
  std::printf("\n");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int steps = 0;
  double peak_tflops = 989.0;  // H100 / H200 SXM, bf16 dense
  bool cuda_only = false;      // the GPU rows alone
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--peak-tflops" && i + 1 < argc) peak_tflops = std::stod(argv[++i]);
    else if (a == "--cuda-only") cuda_only = true;
    else steps = std::stoi(a);
  }
  at::set_num_threads(static_cast<int>(std::thread::hardware_concurrency()));
  avflow::cli::keep_large_blocks_in_heap(true);  // as the avflow program runs
  const fs::path shards = prepared_shards();
  std::printf("%-44s %-5s %9s %7s %8s %7s\n", "feed", "dev", "clips/s", "ratio", "TFLOP/s", "MFU");

  if (!cuda_only) {
    StepShape tiny;  // the quickstart model, at the paper's 16 x 158 clips
    tiny.batch = 16;
    const int cpu_steps = steps > 0 ? steps : 12;
    const double cpu_base = avflow::bench::resident_clips_per_second(tiny, at::kCPU, 15.0);
    print_row("tiny, B = 16: tensors in memory", "cpu", cpu_base, cpu_base, peak_tflops, false);
    print_row("tiny, B = 16: pipeline from shards", "cpu",
              pipeline_clips_per_second(tiny, "cpu", {"pipeline", {}}, shards, cpu_steps), cpu_base, peak_tflops, false);
  }

  if (!at::hasCUDA()) {
    std::printf("(no CUDA: the paper-size GPU rows need a GPU; scripts/gpu-check.sh runs them)\n");
    return cuda_only ? 1 : 0;
  }
  StepShape paper;
  paper.width = 64;
  paper.blocks = 2;
  paper.dim = 512;
  paper.batch = 64;
  paper.bf16 = true;
  paper.channels_last = true;
  const int gpu_steps = steps > 0 ? steps : 40;
  const double gpu_base = avflow::bench::resident_clips_per_second(paper, at::kCUDA, 20.0);
  const std::string name = "paper, B = 64, bf16, channels-last: ";
  print_row(name + "tensors on the GPU", "cuda", gpu_base, gpu_base, peak_tflops, true);
  const std::vector<Pipeline> pipelines = {
      {"CPU augmentation", {}},
      {"CPU augmentation, no overlap", {"train.overlap=off"}},
      {"GPU augmentation", {"augment.device=cuda", "mel.device=cuda"}},
  };
  for (const auto& p : pipelines)
    print_row(name + p.name, "cuda", pipeline_clips_per_second(paper, "cuda", p, shards, gpu_steps), gpu_base,
              peak_tflops, true);
  return 0;
}
