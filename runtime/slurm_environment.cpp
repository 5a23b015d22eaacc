#include "runtime/slurm_environment.h"

#include <cstdlib>
#include <stdexcept>

#include "engine/log.h"

namespace avflow::cli {
namespace {

long whole(const char* name, const char* value) {
  const std::string v = value;
  if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
    throw std::invalid_argument(std::string(name) + " is '" + v + "', not a whole number");
  return std::stol(v);
}

// Tasks on the node of local index `node` from "4(x2),3": 4, 4, 3.
long tasks_on_node(const std::string& per_node, long node) {
  size_t at = 0;
  while (at < per_node.size()) {
    size_t end = per_node.find(',', at);
    if (end == std::string::npos) end = per_node.size();
    const std::string part = per_node.substr(at, end - at);
    const size_t paren = part.find("(x");
    const long tasks = whole("SLURM_STEP_TASKS_PER_NODE", part.substr(0, paren).c_str());
    const long repeat = paren == std::string::npos ? 1 : whole("SLURM_STEP_TASKS_PER_NODE", part.substr(paren + 2, part.size() - paren - 3).c_str());
    if (node < repeat) return tasks;
    node -= repeat;
    at = end + 1;
  }
  throw std::invalid_argument("SLURM_STEP_TASKS_PER_NODE '" + per_node + "' has no entry for this node");
}

}  // namespace

std::string first_slurm_host(const std::string& nodelist) {
  const size_t comma = nodelist.find(',');
  const size_t bracket = nodelist.find('[');
  if (bracket == std::string::npos || (comma != std::string::npos && comma < bracket))
    return nodelist.substr(0, comma);
  // prefix[first-last,...]: the prefix and the first number as written (zero padding kept).
  const size_t end = nodelist.find_first_of("-,]", bracket + 1);
  return nodelist.substr(0, bracket) + nodelist.substr(bracket + 1, end - bracket - 1);
}

std::vector<std::pair<std::string, std::string>> torchrun_variables_from_slurm(const EnvLookup& lookup) {
  if (lookup("RANK") != nullptr || lookup("WORLD_SIZE") != nullptr) return {};
  const char* procid = lookup("SLURM_PROCID");
  const char* tasks = lookup("SLURM_STEP_NUM_TASKS");
  if (procid == nullptr || tasks == nullptr || whole("SLURM_STEP_NUM_TASKS", tasks) < 2) return {};
  std::vector<std::pair<std::string, std::string>> out = {
      {"RANK", std::to_string(whole("SLURM_PROCID", procid))},
      {"WORLD_SIZE", std::to_string(whole("SLURM_STEP_NUM_TASKS", tasks))}};
  const char* local = lookup("SLURM_LOCALID");
  out.emplace_back("LOCAL_RANK", std::to_string(local ? whole("SLURM_LOCALID", local) : 0));
  if (const char* per_node = lookup("SLURM_STEP_TASKS_PER_NODE")) {
    const char* node = lookup("SLURM_NODEID");
    out.emplace_back("LOCAL_WORLD_SIZE", std::to_string(tasks_on_node(per_node, node ? whole("SLURM_NODEID", node) : 0)));
  }
  if (lookup("MASTER_ADDR") == nullptr) {
    const char* nodes = lookup("SLURM_STEP_NODELIST");
    if (nodes == nullptr) nodes = lookup("SLURM_JOB_NODELIST");
    if (nodes != nullptr && *nodes != '\0') out.emplace_back("MASTER_ADDR", first_slurm_host(nodes));
  }
  if (lookup("MASTER_PORT") == nullptr)
    if (const char* job = lookup("SLURM_JOB_ID"))
      out.emplace_back("MASTER_PORT", std::to_string(20000 + whole("SLURM_JOB_ID", job) % 10000));
  return out;
}

void adopt_slurm_environment() {
  const auto vars = torchrun_variables_from_slurm([](const char* name) { return std::getenv(name); });
  std::string said;
  for (const auto& [name, value] : vars) {
    ::setenv(name.c_str(), value.c_str(), 1);
    said += " " + name + "=" + value;
  }
  if (!said.empty()) {
    AVFLOW_LOG(info) << "an srun task: torchrun's variables from SLURM's:" << said;
  }
}

}  // namespace avflow::cli
