#include <cstdio>

#include "runtime/commands.h"
#include "runtime/exit_codes.h"
#include "runtime/session.h"

namespace avflow::cli {

int check_command(const Args& args) {
  Session session(args);
  ResolvedGraph g = session.load(args);
  std::printf("%s: ok (%zu nodes, %zu edges)\n", args.positional[0].c_str(), g.nodes.size(), g.edges.size());
  return kExitOk;
}

}  // namespace avflow::cli
