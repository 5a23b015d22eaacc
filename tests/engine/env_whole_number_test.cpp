// env_whole_number: torchrun-style variables read by one rule. Unset or
// empty is "not given"; a whole number in range is taken; anything else is
// refused with the variable's name, the range and the text it held.
#include <catch2/catch.hpp>
#include <map>
#include <stdexcept>
#include <string>

#include "engine/env_number.h"

using namespace avflow;
using Catch::Matchers::Contains;

namespace {

struct Environment {
  std::map<std::string, std::string> values;
  EnvLookup lookup() const {
    return [this](const char* name) -> const char* {
      const auto it = values.find(name);
      return it == values.end() ? nullptr : it->second.c_str();
    };
  }
};

}  // namespace

TEST_CASE("an unset or empty variable is not given and a whole number in range is taken", "[env]") {
  Environment env;
  CHECK_FALSE(env_whole_number("RANK", 0, 7, env.lookup()));
  env.values["RANK"] = "";
  CHECK_FALSE(env_whole_number("RANK", 0, 7, env.lookup()));
  env.values["RANK"] = "7";
  CHECK(env_whole_number("RANK", 0, 7, env.lookup()) == 7);
  env.values["RANK"] = "0";
  CHECK(env_whole_number("RANK", 0, 7, env.lookup()) == 0);
  env.values["MASTER_PORT"] = "29400";
  CHECK(env_whole_number("MASTER_PORT", 1, 65535, env.lookup()) == 29400);
}

TEST_CASE("a variable that is not a whole number in range is refused with its name, range and text", "[env]") {
  Environment env;
  for (const std::string bad : {"x", "1.5", "-1", "8", " 3", "3 ", "0x3", "99999999999999999999"}) {
    INFO("RANK='" << bad << "'");
    env.values["RANK"] = bad;
    CHECK_THROWS_AS(env_whole_number("RANK", 0, 7, env.lookup()), std::invalid_argument);
    CHECK_THROWS_WITH(env_whole_number("RANK", 0, 7, env.lookup()),
                      Contains("environment variable RANK must be a whole number in [0, 7], not '" + bad + "'"));
  }
}
