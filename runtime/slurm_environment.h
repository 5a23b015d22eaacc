// A rank started by SLURM's srun, as torchrun would have started it: when
// RANK and WORLD_SIZE are unset and this process is one task of an srun step
// of several (SLURM_PROCID, SLURM_STEP_NUM_TASKS), avflow run sets torchrun's
// variables from SLURM's before anything reads them:
//
//   RANK              SLURM_PROCID
//   WORLD_SIZE        SLURM_STEP_NUM_TASKS
//   LOCAL_RANK        SLURM_LOCALID
//   LOCAL_WORLD_SIZE  this node's tasks (SLURM_STEP_TASKS_PER_NODE, e.g. "4(x2)")
//   MASTER_ADDR       when unset: the step's first node (SLURM_STEP_NODELIST, e.g. "gpu[07-10]" -> gpu07)
//   MASTER_PORT       when unset: 20000 + SLURM_JOB_ID % 10000, the same in every task
//
// A batch script's own shell (no srun step) is left alone: it is one
// process, whatever the allocation's SLURM_NTASKS.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace avflow::cli {

using EnvLookup = std::function<const char*(const char*)>;

// The variables to set, in order; empty when torchrun's are set already or
// this is not a task of a multi-task srun step. std::invalid_argument naming
// a SLURM variable that is malformed.
std::vector<std::pair<std::string, std::string>> torchrun_variables_from_slurm(const EnvLookup& lookup);

// The first host of a SLURM host list: "gpu[07-10,12],cpu3" -> "gpu07".
std::string first_slurm_host(const std::string& nodelist);

// Sets them in this process (setenv), saying so at debug level.
void adopt_slurm_environment();

}  // namespace avflow::cli
