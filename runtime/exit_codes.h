// Exit codes of the avflow program (also listed by `avflow --help`).
#pragma once

namespace avflow::cli {

inline constexpr int kExitOk = 0;          // finished, or stopped cleanly by Ctrl-C / SIGTERM
inline constexpr int kExitRunFailed = 1;   // an operator failed while running
inline constexpr int kExitInvalid = 2;     // bad usage, invalid graph, plugin error: nothing ran
inline constexpr int kExitForced = 130;    // a second Ctrl-C / SIGTERM: exit without draining

}  // namespace avflow::cli
