// Distributed's set-up and errors, in one process: torchrun's variables, a
// store nobody joins, and a c10d error turned into one that names the rank
// and the operation.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <map>

#include "libs/model/distributed.h"
#include "runtime/free_port.h"

using namespace avflow::model;
using Catch::Matchers::Contains;

namespace {

struct FakeEnvironment {
  std::map<std::string, std::string> values;
  std::function<const char*(const char*)> lookup() const {
    return [this](const char* name) -> const char* {
      auto it = values.find(name);
      return it == values.end() ? nullptr : it->second.c_str();
    };
  }
  std::optional<DistributedConfig> read() const { return DistributedConfig::from_environment(lookup()); }
};

DistributedConfig local_config(int rank, int world) {
  DistributedConfig c;
  c.rank = rank;
  c.world_size = world;
  c.master_port = avflow::cli::free_local_port();
  return c;
}

}  // namespace

TEST_CASE("torchrun's variables configure distributed training", "[model][distributed]") {
  FakeEnvironment env;
  CHECK_FALSE(env.read());  // WORLD_SIZE unset: one process
  env.values["WORLD_SIZE"] = "1";
  CHECK_FALSE(env.read());
  env.values = {{"WORLD_SIZE", "4"}, {"RANK", "2"}, {"LOCAL_RANK", "0"}, {"LOCAL_WORLD_SIZE", "2"}, {"MASTER_PORT", "29400"}};
  const auto c = env.read();
  REQUIRE(c);
  CHECK(c->rank == 2);
  CHECK(c->world_size == 4);
  CHECK(c->local_rank == 0);
  CHECK(c->local_world_size == 2);
  CHECK(c->master_addr == "127.0.0.1");
  CHECK(c->master_port == 29400);
  env.values["MASTER_ADDR"] = "node0";
  CHECK(env.read()->master_addr == "node0");
}

TEST_CASE("under torchrun 2.x's agent store every rank joins the agent's store as a client", "[model][distributed]") {
  FakeEnvironment env;
  env.values = {{"WORLD_SIZE", "2"}, {"RANK", "0"}, {"MASTER_PORT", "29400"}};
  CHECK_FALSE(env.read()->agent_store);
  env.values["TORCHELASTIC_USE_AGENT_STORE"] = "False";
  CHECK_FALSE(env.read()->agent_store);
  env.values["TORCHELASTIC_USE_AGENT_STORE"] = "True";
  env.values["TORCHELASTIC_RESTART_COUNT"] = "2";
  const auto c = env.read();
  CHECK(c->agent_store);
  CHECK(c->restart_count == 2);
}

TEST_CASE("a missing or malformed torchrun variable is named", "[model][distributed]") {
  FakeEnvironment env;
  env.values = {{"WORLD_SIZE", "2"}, {"RANK", "1"}, {"MASTER_PORT", "29400"}};
  auto fails_with = [&](const std::string& text) { CHECK_THROWS_WITH(env.read(), Contains(text)); };
  env.values.erase("MASTER_PORT");
  fails_with("MASTER_PORT is not set");
  env.values["MASTER_PORT"] = "http";
  fails_with("MASTER_PORT must be a whole number in [1, 65535], not 'http'");
  env.values["MASTER_PORT"] = "29400";
  env.values["RANK"] = "2";
  fails_with("RANK must be a whole number in [0, 1], not '2'");
  env.values.erase("RANK");
  fails_with("RANK is not set");
  env.values["RANK"] = "0";
  env.values["WORLD_SIZE"] = "two";
  fails_with("WORLD_SIZE must be a whole number");
  env.values["WORLD_SIZE"] = "2";
  env.values["LOCAL_RANK"] = "-1";
  fails_with("LOCAL_RANK must be a whole number in [0, 1], not '-1'");
}

TEST_CASE("joining fails after the timeout, naming the store, when the other ranks never come", "[model][distributed]") {
  const auto config = local_config(0, 2);
  CHECK_THROWS_WITH(Distributed::join(config, at::kCPU, std::chrono::seconds(1)),  // c10d counts whole seconds
                    Contains("rank 0 of 2") && Contains("127.0.0.1:" + std::to_string(config.master_port)));
}

TEST_CASE("a c10d error names the rank and the operation", "[model][distributed]") {
  auto group = Distributed::join(local_config(0, 1), at::kCPU, std::chrono::seconds(10));
  at::Tensor undefined;
  CHECK_THROWS_WITH(group->all_reduce_sum(undefined, "all-reduce of nothing"),
                    Contains("rank 0 of 1: all-reduce of nothing failed"));
  // A group of one still works: gathering is the identity, with its gradient.
  const at::Tensor rows = at::randn({3, 2}).requires_grad_();
  const at::Tensor gathered = group->all_gather_rows(rows);
  CHECK(at::equal(gathered, rows));
  (gathered * 2).sum().backward();
  CHECK(at::allclose(rows.grad(), at::full({3, 2}, 2.0)));
}
