// avflow: run, check, describe and draw operator graphs.
#include <cstdio>

#include "engine/diagnostics.h"
#include "runtime/cli.h"
#include "runtime/commands.h"
#include "runtime/exit_codes.h"
#include "runtime/heap_tuning.h"
#include "runtime/session.h"

int main(int argc, char** argv) {
  using namespace avflow::cli;
  tune_heap_from_environment();
  Args args;
  try {
    args = parse_args(argc, argv);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "avflow: %s\nTry 'avflow --help'.\n", e.what());
    return kExitInvalid;
  }
  if (args.version) {
    std::printf("avflow %s\n", AVFLOW_VERSION);
    return kExitOk;
  }
  if (args.help || args.command.empty()) {
    std::fputs(args.command.empty() ? main_help().c_str() : command_help(args.command).c_str(), stdout);
    return args.help ? kExitOk : kExitInvalid;
  }
  try {
    if (args.command == "run") return run_command(args);
    if (args.command == "check") return check_command(args);
    if (args.command == "ops") return ops_command(args);
    if (args.command == "demo-catalogue") return demo_catalogue_command(args);
    if (args.command == "launch") return launch_command(args);
    if (args.command == "plot") return plot_command(args);
    if (args.command == "demo-datasets") return demo_datasets_command(args);
    if (args.command == "probe") return probe_command(args);
    if (args.command == "export") return export_command(args);
    return dot_command(args);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "avflow %s: %s\nTry 'avflow %s --help'.\n", args.command.c_str(), e.what(),
                 args.command.c_str());
    return kExitInvalid;
  } catch (const avflow::GraphError& e) {
    print_diagnostics(e);
    return kExitInvalid;
  }
}
