// An srun task becomes a rank as under torchrun: torchrun's variables from
// SLURM's, only for a task of a multi-task step, never over ones already set.
#include "runtime/slurm_environment.h"

#include <catch2/catch.hpp>
#include <map>

using namespace avflow::cli;

namespace {

EnvLookup env(const std::map<std::string, std::string>& vars) {
  return [vars](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

std::map<std::string, std::string> as_map(const std::vector<std::pair<std::string, std::string>>& v) {
  return {v.begin(), v.end()};
}

}  // namespace

TEST_CASE("a task of an srun step of 8 over 2 nodes gets torchrun's variables", "[cli][slurm]") {
  const auto vars = as_map(torchrun_variables_from_slurm(
      env({{"SLURM_PROCID", "5"}, {"SLURM_STEP_NUM_TASKS", "8"}, {"SLURM_LOCALID", "1"}, {"SLURM_NODEID", "1"},
           {"SLURM_STEP_TASKS_PER_NODE", "4(x2)"}, {"SLURM_STEP_NODELIST", "gpu[07-08]"}, {"SLURM_JOB_ID", "123456"},
           {"SLURM_NTASKS", "8"}})));
  CHECK(vars == std::map<std::string, std::string>{{"RANK", "5"},
                                                   {"WORLD_SIZE", "8"},
                                                   {"LOCAL_RANK", "1"},
                                                   {"LOCAL_WORLD_SIZE", "4"},
                                                   {"MASTER_ADDR", "gpu07"},
                                                   {"MASTER_PORT", "23456"}});
}

TEST_CASE("MASTER_ADDR and MASTER_PORT a job script exports are kept", "[cli][slurm]") {
  const auto vars = as_map(torchrun_variables_from_slurm(env({{"SLURM_PROCID", "0"},
                                                              {"SLURM_STEP_NUM_TASKS", "3"},
                                                              {"SLURM_STEP_TASKS_PER_NODE", "2,1"},
                                                              {"SLURM_NODEID", "1"},
                                                              {"MASTER_ADDR", "10.0.0.5"},
                                                              {"MASTER_PORT", "29500"},
                                                              {"SLURM_JOB_ID", "7"}})));
  CHECK(vars.count("MASTER_ADDR") == 0);
  CHECK(vars.count("MASTER_PORT") == 0);
  CHECK(vars.at("LOCAL_WORLD_SIZE") == "1");
}

TEST_CASE("torchrun's own variables, a single task and a batch script's shell are left alone", "[cli][slurm]") {
  CHECK(torchrun_variables_from_slurm(env({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"SLURM_PROCID", "1"},
                                           {"SLURM_STEP_NUM_TASKS", "2"}}))
            .empty());
  CHECK(torchrun_variables_from_slurm(env({{"SLURM_PROCID", "0"}, {"SLURM_STEP_NUM_TASKS", "1"}})).empty());
  // sbatch --ntasks=8 runs the script once: SLURM_NTASKS is 8 but there is no step.
  CHECK(torchrun_variables_from_slurm(env({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "8"}})).empty());
  CHECK_THROWS_WITH(torchrun_variables_from_slurm(env({{"SLURM_PROCID", "x"}, {"SLURM_STEP_NUM_TASKS", "2"}})),
                    Catch::Contains("SLURM_PROCID is 'x', not a whole number"));
}

TEST_CASE("the first host of a SLURM host list", "[cli][slurm]") {
  CHECK(first_slurm_host("node3") == "node3");
  CHECK(first_slurm_host("a1,b2") == "a1");
  CHECK(first_slurm_host("gpu[007-010,12]") == "gpu007");
  CHECK(first_slurm_host("gpu[3,5],cpu[1-2]") == "gpu3");
  CHECK(first_slurm_host("cpu1,gpu[2-3]") == "cpu1");
}
