// Command-line parsing for the avflow program.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace avflow::cli {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Args {
  std::string command;                  // run, check, ops, dot, demo-catalogue, launch; empty for --help / --version
  std::vector<std::string> positional;  // after the command
  std::vector<std::string> passthrough;  // launch: everything after "--", the command every process runs
  std::vector<std::string> sets;        // --set node.param=value, in order
  std::vector<std::string> plugins;     // --plugin PATH
  std::map<std::string, std::string> options;  // other --name value / --flag ("")
  bool help = false;
  bool version = false;

  bool flag(const std::string& name) const { return options.count(name) != 0; }
  std::optional<std::string> option(const std::string& name) const;
};

// Throws UsageError for unknown options or missing values.
Args parse_args(int argc, char** argv);

// --name as a number in [lo, hi] (whole when `integer`), or `fallback` when
// absent; throws UsageError saying what it must be.
double numeric_option(const Args& args, const std::string& name, double fallback, double lo, double hi, bool integer);

std::string main_help();
std::string command_help(const std::string& command);

}  // namespace avflow::cli
