// `{rank}` in a command's arguments: the rank of the process that reads
// them, for the files every rank of a data-parallel job would otherwise
// write at once (--set log.path=metrics-{rank}.jsonl). `avflow launch`
// replaces it in each rank's arguments; `avflow run` replaces it in its
// --set values and --run-dir with RANK, so a job that torchrun or srun
// starts needs no shell around avflow either.
#pragma once

#include <string>

namespace avflow::cli {

inline std::string with_rank(std::string arg, const std::string& rank) {
  for (size_t at = 0; (at = arg.find("{rank}", at)) != std::string::npos; at += rank.size()) arg.replace(at, 6, rank);
  return arg;
}

inline std::string with_rank(const std::string& arg, int rank) { return with_rank(arg, std::to_string(rank)); }

}  // namespace avflow::cli
