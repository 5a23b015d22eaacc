#include <cstdio>
#include <fstream>

#include "engine/describe.h"
#include "runtime/commands.h"
#include "runtime/exit_codes.h"
#include "runtime/session.h"

namespace avflow::cli {

int dot_command(const Args& args) {
  Session session(args);
  std::string dot = graph_to_dot(session.load(args));
  if (auto path = args.option("-o")) {
    std::ofstream out(*path);
    out << dot;
    if (!out) throw UsageError("cannot write '" + *path + "'");
  } else {
    std::fputs(dot.c_str(), stdout);
  }
  return kExitOk;
}

}  // namespace avflow::cli
