#include "runtime/cli.h"

#include <cmath>
#include <cstdio>
#include <set>

#include "engine/diagnostics.h"

namespace avflow::cli {

namespace {

const std::set<std::string> kCommands = {"run",    "check", "ops",  "dot", "demo-catalogue",
                                         "launch", "plot",  "probe", "demo-datasets", "export"};
// Options that take a value, and flags, with the commands that accept them
// ("*" = every command).
const std::map<std::string, std::set<std::string>> kValueOptions = {
    {"--set", {"run", "check", "dot"}},  {"--plugin", {"*"}},     {"--log-level", {"*"}},
    {"--threads", {"run"}},              {"--metrics-every", {"run"}}, {"--progress", {"run"}},
    {"--progress-every", {"run"}},
    {"-o", {"dot", "plot", "export"}},          {"--series", {"plot"}},       {"--run-dir", {"run"}},
    {"--seed", {"demo-catalogue", "demo-datasets"}}, {"--classes", {"demo-datasets"}}, {"--clips", {"demo-datasets"}},
    {"--seconds", {"demo-datasets"}},       {"--movies", {"demo-catalogue"}},  {"--shows", {"demo-catalogue"}},
    {"--episodes", {"demo-catalogue"}},   {"--minutes", {"demo-catalogue"}},
    {"--nproc", {"launch"}},              {"--master-port", {"launch"}},
    {"--nnodes", {"launch"}},             {"--node-rank", {"launch"}},  {"--master-addr", {"launch"}},
    {"--status-port", {"run"}},           {"--status-address", {"run"}},
    {"--catalogue", {"probe"}},           {"--fps", {"probe"}},         {"--sample-rate", {"probe"}},
    {"--channels", {"probe"}},            {"--format", {"export"}},
};
const std::map<std::string, std::set<std::string>> kFlags = {
    {"--metrics", {"run"}},
    {"--resume", {"run"}},
    {"--markdown", {"ops"}},
    {"--motion-only", {"demo-datasets"}},
    {"--arrow-of-time", {"demo-catalogue"}},
};

bool accepts(const std::set<std::string>& cmds, const std::string& command) {
  return cmds.count("*") || cmds.count(command) || command.empty();
}

std::vector<std::string> known_options() {
  std::vector<std::string> v = {"--help", "--version"};
  for (const auto& [k, _] : kValueOptions) v.push_back(k);
  for (const auto& [k, _] : kFlags) v.push_back(k);
  return v;
}

}  // namespace

std::optional<std::string> Args::option(const std::string& name) const {
  auto it = options.find(name);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_inline_value = false;
    if (arg.rfind("--", 0) == 0) {
      auto eq = arg.find('=');
      // --set=node.p=v keeps everything after the first '=' as the value.
      if (eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_inline_value = true;
      }
    }
    if (arg == "--") {
      if (a.command != "launch") throw UsageError("'--' only ends the options of 'avflow launch'");
      a.passthrough.assign(argv + i + 1, argv + argc);
      break;
    }
    if (arg == "--help" || arg == "-h") {
      a.help = true;
    } else if (arg == "--version") {
      a.version = true;
    } else if (auto v = kValueOptions.find(arg); v != kValueOptions.end()) {
      if (!has_inline_value) {
        if (i + 1 >= argc) throw UsageError("option " + arg + " needs a value");
        value = argv[++i];
      }
      if (!accepts(v->second, a.command))
        throw UsageError("option " + arg + " does not apply to 'avflow " + a.command + "'");
      if (arg == "--set") a.sets.push_back(value);
      else if (arg == "--plugin") a.plugins.push_back(value);
      else a.options[arg] = value;
    } else if (auto f = kFlags.find(arg); f != kFlags.end()) {
      if (!accepts(f->second, a.command))
        throw UsageError("option " + arg + " does not apply to 'avflow " + a.command + "'");
      a.options[arg] = "";
      if (arg == "--resume") a.sets.push_back("graph.resume=true");  // the same switch, for every operator
    } else if (arg.size() > 1 && arg[0] == '-') {
      throw UsageError("unknown option '" + arg + "'" + did_you_mean(arg, known_options()));
    } else if (a.command.empty()) {
      if (!kCommands.count(arg))
        throw UsageError("unknown command '" + arg + "'" +
                         did_you_mean(arg, std::vector<std::string>(kCommands.begin(), kCommands.end())) +
                         "; commands: run, check, ops, dot, probe, export, demo-catalogue, demo-datasets, launch, plot");
      a.command = arg;
    } else {
      a.positional.push_back(arg);
    }
  }
  return a;
}

double numeric_option(const Args& args, const std::string& name, double fallback, double lo, double hi, bool integer) {
  auto v = args.option(name);
  if (!v) return fallback;
  try {
    size_t used = 0;
    const double d = std::stod(*v, &used);
    if (used == v->size() && d >= lo && d <= hi && (!integer || d == std::floor(d))) return d;
  } catch (const std::exception&) {
    // reported below
  }
  char range[96];
  std::snprintf(range, sizeof range, integer ? "a whole number in [%.0f, %.0f]" : "a number in [%g, %g]", lo, hi);
  throw UsageError(name + " must be " + range + ", not '" + *v + "'");
}

std::string main_help() {
  return R"(avflow - dataflow graphs for self-supervised audio-visual learning

Usage:
  avflow run GRAPH [--set NODE.PARAM=VALUE]...   run a graph
  avflow check GRAPH [--set ...]...              validate a graph without running it
  avflow ops [NAME] [--markdown]                 list operators, or describe one
  avflow dot GRAPH [--set ...]... [-o FILE]      the wired graph as Graphviz
  avflow probe FILE_OR_URI... | --catalogue DIR  a title's streams, and what decoding corrects to sync them
  avflow export RUN_DIR -o DIR [--format F]      the encoders as torchvision state dicts, for PyTorch
  avflow demo-catalogue OUT_DIR [options]        write a small synthetic catalogue of movies and shows
  avflow demo-datasets OUT_DIR [options]         write tiny UCF101, HMDB51 and ESC-50 look-alikes
  avflow launch --nproc N -- run GRAPH [...]     run N processes of data-parallel training
  avflow plot RUN_DIR [RUN_DIR...] [-o FILE]     draw a run's curves, or compare runs
  avflow COMMAND --help                          help for one command

Options for every command:
  --plugin PATH        load an operator plugin (repeatable)
  --log-level LEVEL    error, warn, info (default), debug or trace; also AVFLOW_LOG_LEVEL
  --version            print the version
  --help               this text

Plugins are also loaded from AVFLOW_PLUGIN_PATH (colon-separated files or
directories) and from the plugins/ directory beside the program; never from
the current directory unless it is named.

Exit codes:
  0    finished, or stopped cleanly by Ctrl-C / SIGTERM (operators closed)
  1    an operator failed while running (the message names node and item)
  2    bad usage, invalid graph or plugin error: nothing ran
  130  a second Ctrl-C / SIGTERM: exited without draining
)";
}

std::string command_help(const std::string& command) {
  if (command == "run")
    return R"(avflow run GRAPH [options]

Validates GRAPH, then runs it on a oneTBB flow graph until its sources end.
Ctrl-C or SIGTERM stops the sources, drains or drops queued items as each
operator declares, closes every operator (a trainer checkpoints there) and
exits 0; a second Ctrl-C exits at once with 130.

Options:
  --set NODE.PARAM=VALUE  override a parameter (repeatable); VALUE is a TOML
                          value (16, 0.5, true, "x", [1, 2]) or a bare string.
                          --set graph.max_in_flight=N bounds items in flight,
                          --set graph.checkpoints=DIR names the checkpoints.
                          {rank} in VALUE (and in --run-dir) becomes RANK,
                          this process's rank under torchrun, srun or avflow
                          launch (0 alone): per-rank files.
  --resume                continue from the graph's checkpoint folder
                          ([graph] checkpoints): the trainer restores its
                          latest checkpoint, the sampler seeks to its step
  --threads N             worker threads (default: all cores)
  --metrics               print per-node metrics at the end
  --metrics-every SEC     log per-node metrics every SEC seconds
  --progress MODE         auto (default: a bar on a terminal), always, never
  --progress-every S      when standard output is not a terminal (a log file),
                          a line there every S seconds: step, items done of
                          expected, rate, ETA, the latest loss (default 30;
                          0: none; --progress never: none)
  --run-dir DIR           record the run in DIR: DIR/graph.toml is the graph
                          resolved (includes, [set] lines and --set applied,
                          every parameter written out); `avflow run
                          DIR/graph.toml` repeats the run. {run_dir} in a
                          parameter (path = "{run_dir}/metrics.jsonl")
                          becomes DIR; a graph that uses it runs in
                          runs/<graph name> unless --run-dir is given.
  --status-port P         serve the run's live status over HTTP on port P
                          (0: a free port; the log names it) while it runs:
                          /metrics (Prometheus text: per-node counts, busy
                          time, queues, the latest scalars), /status (JSON:
                          progress, ETA, latest step and scalars) and
                          /graph (Graphviz). Off unless given. Rank r
                          of avflow launch or torchrun serves on P + r.
  --status-address A      the address to serve it on (default 127.0.0.1;
                          0.0.0.0 makes it reachable from other machines)
)";
  if (command == "check")
    return R"(avflow check GRAPH [--set NODE.PARAM=VALUE]...

Reads GRAPH and its includes, loads its plugins, applies overrides and
validates everything; prints every problem as FILE:LINE:COLUMN: error: ...
Exit 0 when the graph is valid, 2 when it is not.
)";
  if (command == "ops")
    return R"(avflow ops [NAME] [--markdown]

Without NAME, lists every operator (built-in and from plugins). With NAME,
describes it: shape, ports with payload types, parameters with type,
default, allowed values and documentation. --markdown prints the whole
operator reference (docs/operators.md is generated with it).
)";
  if (command == "dot")
    return R"(avflow dot GRAPH [--set ...]... [-o FILE]

Validates GRAPH and prints it as Graphviz (nodes with their operators,
edges labelled with ports and payload types). Render with:
  avflow dot GRAPH | dot -Tpng -o graph.png
)";
  if (command == "probe")
    return R"(avflow probe FILE_OR_URI... [options]
avflow probe --catalogue DIR_OR_MANIFEST [options]

Opens each title as decoding will and prints its container and duration, its
streams (codec, size, frame rate and whether it varies, sample rate,
channels), where each starts on the container's clock, and what decoding
corrects to put sound and picture on one timeline: an MP4 edit list (the
B-frame delay), encoder priming the file records, the start of an MPEG-TS
clock, audio that starts after the first frame (padded with silence) or
before it (trimmed), a variable frame rate, resampling. Check a catalogue
before hours of preparation.

--catalogue reads a catalogue (a folder laid out as movies/ and tv/, or a
.toml / .csv manifest, as the titles operator does) and prints one row a
title; a title that cannot be opened is reported on its row and counted, and
the rest go on.

Options:
  --fps X           the decode the corrections describe: frame rate (default 5)
  --sample-rate N   its audio rate (default 48000)
  --channels N      its channels, 1 or 2 (default 1)

Exit 0 when every title could be probed, 1 when one could not.
)";
  if (command == "export")
    return R"(avflow export CHECKPOINT_OR_RUN_DIR -o DIR [--format pt|safetensors]

Writes a run's encoders under torchvision's names, so PyTorch code loads
them into torchvision's models with strict key matching:

  DIR/video_encoder.pt    torchvision.models.video.r2plus1d_18's state dict, no fc
  DIR/audio_encoder.pt    torchvision.models.resnet18's, with a one-channel
                          conv1 (Conv2d(1, 64, 7, 2, 3, bias=False)), no fc
  DIR/input_spec.json     what they take: frames, fps, crop, mean and std;
                          sample rate, seconds and the mel parameters

CHECKPOINT_OR_RUN_DIR is a run directory (avflow run --run-dir), a checkpoint
folder (the finished run's exported encoders, or else its latest checkpoint)
or one step-N checkpoint. The input spec comes from the run's graph.toml.

In Python:
  video = torchvision.models.video.r2plus1d_18(); video.fc = torch.nn.Identity()
  video.load_state_dict(torch.load("DIR/video_encoder.pt"))

An encoder of other sizes than torchvision's (the quickstart's width 8) is
written all the same; the command says why no torchvision model holds it,
or which constructor arguments do (other block counts).

Options:
  -o DIR          the folder to write (created)
  --format F      pt (torch.save's format, the default) or safetensors
)";
  if (command == "demo-catalogue")
    return R"(avflow demo-catalogue OUT_DIR [options]

Writes a synthetic catalogue to try the pipelines on: real VP8 + Vorbis WebM
files (320x180, 25 fps, 48 kHz stereo) in the layout a folder scan reads,
OUT_DIR/movies/<id>.webm and OUT_DIR/tv/<show>/<episode>.webm, plus the
manifest OUT_DIR/catalogue.toml. Every title has its own palette, character
and theme tune (a show's episodes share theirs); in each scene an object
bounces about, its tone following it (pitch: height, loudness: speed, pan:
position) and every bounce clicks at its frame. The same seed gives the same
content. Files already written with the same seed and length are kept.

Options:
  --seed N       random seed (default 0)
  --movies N     movies (default 3)
  --shows N      shows (default 2)
  --episodes N   episodes per show (default 3)
  --minutes X    length of every title (default 2.0)
  --arrow-of-time
                 content that plays differently backwards, for the temporal
                 tasks: night falls over every title (the sky turns towards
                 evening, stars come out one by one, rain sets in and
                 grows), every scene fades to dusk
                 (light and the object's tone fall to half), every bounce
                 sends out a ripple and strikes a ringing tone that dies away
)";
  if (command == "plot")
    return R"(avflow plot RUN_DIR [RUN_DIR...] [-o FILE] [--series LIST]

Draws PNG line plots over the step from RUN_DIR/metrics.jsonl (what the
jsonl sink writes: the trainer's rows and the KL monitor's kl_* rows).

One run: a panel each for loss, lr (log axis), grad_norm, the three KL
measures together and the KL gap, those the metrics hold; written to
RUN_DIR/curves.png unless -o names the file.
Several runs: a comparison, one curve per run in each panel (loss and the
four KL measures), each named by its directory and the --set overrides its
graph.toml records (avflow run --run-dir; paths left out); written to
compare.png unless -o names the file.

Options:
  -o FILE         the .png file to write
  --series LIST   comma-separated keys of the rows, one panel each; a+b puts
                  a and b in one panel (e.g. --series loss,kl_gap)
)";
  if (command == "demo-datasets")
    return R"(avflow demo-datasets OUT_DIR [options]

Writes tiny data sets in the exact layouts of UCF101, HMDB51 and ESC-50, of
real encoded media, for trying the evaluation graphs without the real ones:
OUT_DIR/ucf101 (UCF-101/<Class>/*.avi, ucfTrainTestlist/ with classInd and
three splits), OUT_DIR/hmdb51 (hmdb51_org/<class>/*.avi,
testTrainMulti_7030_splits/), OUT_DIR/esc50 (ESC-50-master/meta/esc50.csv,
audio/*.wav, 5 folds). Videos: MJPEG + PCM AVI, 160x120, 25 fps; ESC-50
clips: 5 s mono 44.1 kHz WAV. Class k is a square of its own hue drifting
in its own direction with a tone of its own pitch pulsing at its own rate,
so a small model can tell the classes apart.

Options:
  --seed N       random seed (default 0)
  --classes N    classes, 2 to 12 (default 5)
  --clips N      video clips per class (default 6); ESC-50: N / 5 per fold
  --seconds X    length of every video clip (default 2.0)
  --motion-only  every video clip takes the hue and tone of a class drawn at
                 random: only the direction of its drift tells its class
)";
  if (command == "launch")
    return R"(avflow launch --nproc N [--master-port P] -- COMMAND [ARGS]...
avflow launch --nproc N --nnodes M --node-rank K --master-addr H --master-port P -- COMMAND [ARGS]...

Starts N processes of this program, each running `avflow COMMAND ARGS...`
(typically: run GRAPH --set ...), as the ranks of one data-parallel job on
this machine, with torchrun's variables: RANK and LOCAL_RANK 0 to N-1,
WORLD_SIZE and LOCAL_WORLD_SIZE N, MASTER_ADDR 127.0.0.1, MASTER_PORT P.
`{rank}` in ARGS becomes each process's rank (per-rank files:
--set log.path=metrics-{rank}.jsonl). A train_step in the graph then trains
on its rank's share of every global batch (the sampler's; set the batch
nodes' size to the sampler's batch_size / N) with the global loss, gradient
and batch norm; rank 0 writes the checkpoints.

Every line a process writes is passed on, to the same stream, prefixed
with [rank R]. Ctrl-C or SIGTERM is passed on to every process (they drain
and checkpoint; a second one exits at once). When a process fails, the
others are stopped (SIGTERM, then SIGKILL after 10 s) and launch exits
with its exit code (1 if it was killed), naming its rank.

On several machines, one launch a machine, each with --nnodes M, its own
--node-rank K (0 to M-1) and the same --master-addr (node 0's address)
and --master-port: node K starts ranks K*N to K*N+N-1 of M*N (LOCAL_RANK
0 to N-1, GROUP_RANK K), and they all meet at rank 0's store, as torchrun's
static rendezvous does. Shards and the checkpoint folder must be on storage
every node reads (rank 0 writes the checkpoints; every rank restores).

Options:
  --nproc N          processes (ranks) on this machine, 1 to 1024
  --nnodes M         machines in the job (default 1)
  --node-rank K      this machine's place, 0 to M-1 (with --nnodes)
  --master-addr H    node 0's address (default 127.0.0.1; needed with --nnodes)
  --master-port P    the port of rank 0's store (default: a free one; needed with --nnodes)
)";
  return main_help();
}

}  // namespace avflow::cli
