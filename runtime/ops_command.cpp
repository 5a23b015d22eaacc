#include <cstdio>

#include "engine/describe.h"
#include "runtime/commands.h"
#include "runtime/exit_codes.h"
#include "runtime/session.h"

namespace avflow::cli {

int ops_command(const Args& args) {
  Session session(args);
  const Registry& registry = Registry::global();
  if (args.flag("--markdown")) {
    std::fputs(operators_markdown(registry).c_str(), stdout);
    return kExitOk;
  }
  if (args.positional.empty()) {
    std::fputs(list_operators(registry).c_str(), stdout);
    return kExitOk;
  }
  for (const auto& name : args.positional) {
    const OperatorInfo* op = registry.find(name);
    if (!op) throw UsageError("no operator named '" + name + "'" + did_you_mean(name, registry.names()));
    std::fputs(describe_operator(*op).c_str(), stdout);
  }
  return kExitOk;
}

}  // namespace avflow::cli
