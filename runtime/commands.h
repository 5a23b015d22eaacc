// The avflow subcommands; each returns the process exit code (exit_codes.h).
#pragma once

#include "runtime/cli.h"

namespace avflow::cli {

int run_command(const Args& args);
int check_command(const Args& args);
int ops_command(const Args& args);
int dot_command(const Args& args);
int demo_catalogue_command(const Args& args);
int launch_command(const Args& args);
int plot_command(const Args& args);
int demo_datasets_command(const Args& args);
int probe_command(const Args& args);
int export_command(const Args& args);

}  // namespace avflow::cli
