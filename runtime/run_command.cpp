#include <oneapi/tbb/global_control.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "engine/describe.h"
#include "engine/env_number.h"
#include "engine/log.h"
#include "runtime/commands.h"
#include "runtime/exit_codes.h"
#include "runtime/progress.h"
#include "runtime/rank_placeholder.h"
#include "runtime/slurm_environment.h"
#include "runtime/run_directory.h"
#include "runtime/session.h"
#include "runtime/signals.h"
#include "runtime/status_pages.h"
#include "runtime/status_server.h"

namespace avflow::cli {

namespace {

ProgressMode progress_mode(const Args& args) {
  auto mode = args.option("--progress").value_or("auto");
  if (mode == "auto") return ProgressMode::kAuto;
  if (mode == "always") return ProgressMode::kAlways;
  if (mode == "never") return ProgressMode::kNever;
  throw UsageError("--progress must be auto, always or never, not '" + mode + "'");
}

double number_option(const Args& args, const std::string& name, double lo, double hi) {
  auto v = args.option(name);
  if (!v) return 0;
  try {
    size_t used = 0;
    double d = std::stod(*v, &used);
    if (used == v->size() && d >= lo && d <= hi) return d;
  } catch (const std::exception&) {
    // reported below
  }
  throw UsageError(name + " must be a number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], not '" +
                   *v + "'");
}

// --status-port and --status-address, read before anything runs.
std::optional<StatusServerOptions> status_options(const Args& args) {
  auto address = args.option("--status-address");
  if (!args.option("--status-port")) {
    if (address) throw UsageError("--status-address needs --status-port");
    return std::nullopt;
  }
  StatusServerOptions options;
  const int64_t port = numeric_option(args, "--status-port", 0, 0, 65535, true);
  options.port = static_cast<uint16_t>(port);
  if (address) options.address = *address;
  // Under avflow launch (or torchrun) every rank runs this same command
  // line: rank r serves on P + r, so that the ranks do not fight over one
  // port (P = 0: each picks a free one and logs it).
  if (port > 0) {
    std::optional<int64_t> rank;
    try {
      rank = env_whole_number("RANK", 0, 65535);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--status-port: ") + e.what());
    }
    if (rank && port + *rank > 65535)
      throw UsageError("--status-port " + std::to_string(port) + " + rank " + std::to_string(*rank) + " is past 65535");
    if (rank) options.port = static_cast<uint16_t>(port + *rank);
  }
  return options;
}

// The pages only read the executor's metrics (thread-safe, never waiting on
// the graph) and the graph, both of which outlive the server.
std::unique_ptr<StatusServer> start_status_server(const StatusServerOptions& options, const Executor& executor,
                                                  const ResolvedGraph& graph) {
  std::map<std::string, StatusPage> pages;
  pages["/metrics"] = {"text/plain; version=0.0.4; charset=utf-8",
                       [&executor] { return prometheus_text(executor.metrics()); }};
  pages["/status"] = {"application/json",
                      [&executor, name = graph.settings.name] { return status_json(name, executor.metrics()); }};
  pages["/graph"] = {"text/vnd.graphviz", [dot = graph_to_dot(graph)] { return dot; }};
  std::unique_ptr<StatusServer> server;
  try {
    server = std::make_unique<StatusServer>(options, std::move(pages));
  } catch (const std::runtime_error& e) {
    throw UsageError(std::string("--status-port: ") + e.what());
  }
  const bool v6 = options.address.find(':') != std::string::npos;
  AVFLOW_LOG(info) << "status endpoint on http://" << (v6 ? "[" + options.address + "]" : options.address) << ":"
                   << server->port() << " (/metrics, /status, /graph)";
  return server;
}

// ARGS with `{rank}` in its --set values and --run-dir replaced by RANK
// (0 when this process is not one rank of several).
Args with_this_rank(Args args) {
  const char* rank = std::getenv("RANK");
  const std::string value = rank != nullptr && *rank != '\0' ? rank : "0";
  for (auto& set : args.sets) set = with_rank(set, value);
  if (auto dir = args.options.find("--run-dir"); dir != args.options.end()) dir->second = with_rank(dir->second, value);
  return args;
}

}  // namespace

int run_command(const Args& given) {
  adopt_slurm_environment();  // an srun task is a rank, as under torchrun
  const Args args = with_this_rank(given);
  ProgressMode mode = progress_mode(args);
  double every = number_option(args, "--metrics-every", 0.1, 86400);
  // A line on a standard output that is not a terminal; 0 turns it off.
  double lines_every = args.option("--progress-every") ? number_option(args, "--progress-every", 0, 86400) : 30;
  int threads = static_cast<int>(number_option(args, "--threads", 1, 4096));
  const std::optional<StatusServerOptions> status = status_options(args);
  Session session(args);
  ResolvedGraph graph = session.load(args);
  // --run-dir, or runs/<graph name> for a graph that puts its outputs in {run_dir}.
  std::optional<std::string> dir = args.option("--run-dir");
  if (substitute_run_dir(graph, dir.value_or("runs/" + graph.settings.name)) > 0 && !dir)
    dir = "runs/" + graph.settings.name;
  if (dir) {
    try {
      std::vector<std::string> overrides;  // --resume is how this run started, not what it is
      for (const auto& set : args.sets)
        if (set != "graph.resume=true") overrides.push_back(set);
      write_run_directory(*dir, graph, overrides, args.plugins);
    } catch (const std::exception& e) {
      throw UsageError(std::string("--run-dir: ") + e.what());
    }
    AVFLOW_LOG(info) << "run directory " << *dir << ": " << kResolvedGraphFile << " written";
  }

  std::unique_ptr<tbb::global_control> thread_limit;
  if (threads > 0)
    thread_limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, threads);

  Executor executor(graph);
  RunResult result;
  {
    // Installed before the run is announced, so a signal sent on seeing the
    // announcement is always handled.
    CancelOnSignal signals(executor);
    // Stopped (its connections closed) when the run ends, before the summary.
    std::unique_ptr<StatusServer> status_server;
    if (status) status_server = start_status_server(*status, executor, graph);
    AVFLOW_LOG(info) << "running " << args.positional[0] << " (" << graph.nodes.size() << " nodes, "
                     << graph.edges.size() << " edges, max_in_flight " << graph.settings.max_in_flight << ")";
    ProgressReporter progress(executor, mode, every, lines_every);
    result = executor.run();
    progress.stop();
  }
  if (args.flag("--metrics")) std::fprintf(stderr, "%s", result.metrics.table().c_str());
  // Bad items a node got past (on_error = skip) are in the summary of every
  // run, whatever its end: a run that finished on 0.1% substitutes says so.
  for (const NodeMetrics& n : result.metrics.nodes) {
    if (n.errors > 0) {
      AVFLOW_LOG(warn) << "node '" << n.name << "' (" << n.op << ") replaced or left out " << n.errors
                       << " bad item" << (n.errors == 1 ? "" : "s") << " of " << n.items_in
                       << " (on_error = skip; each is logged above)";
    }
  }

  switch (result.status) {
    case RunStatus::kFinished:
      AVFLOW_LOG(info) << "finished in " << result.metrics.elapsed_seconds << " s";
      return kExitOk;
    case RunStatus::kCancelled:
      AVFLOW_LOG(warn) << "stopped on request after " << result.metrics.elapsed_seconds
                       << " s; every operator was closed";
      return kExitOk;
    case RunStatus::kFailed:
      for (const auto& f : result.failures) AVFLOW_LOG(error) << f.str();
      return kExitRunFailed;
  }
  return kExitRunFailed;
}

}  // namespace avflow::cli
