// An operator's check across its parameters runs at validation, so a graph
// whose parameters are each fine but wrong together is refused before anything
// runs, with the line of the parameter at fault.
#include <catch2/catch.hpp>

#include "engine/registry.h"
#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {

const std::string kGraph =
    "[[node]]\nname = \"src\"\nop = \"test_counter\"\ncount = 3\n"             // lines 1-4
    "[[node]]\nname = \"pair\"\nop = \"test_checked_pair\"\nlo = 5\nhi = 2\n"  // lines 5-9
    "[[node]]\nname = \"out\"\nop = \"test_collect\"\n"
    "[[edge]]\nfrom = \"src\"\nto = \"pair\"\n[[edge]]\nfrom = \"pair\"\nto = \"out\"\n";

}  // namespace

TEST_CASE("parameters wrong together are refused at validation, naming the line", "[validate][params]") {
  auto errors = load_errors(kGraph);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].node == "pair");
  CHECK(errors[0].where.line == 9);
  CHECK(errors[0].message == "parameter 'hi' (2) is below lo (5)");
}

TEST_CASE("the parameters check sees overrides", "[validate][params]") {
  CHECK(load_errors(kGraph, {"pair.hi=7"}).empty());
  reset_test_state();
  RunResult r = run_text(kGraph, {"pair.hi=7"});
  CHECK(r.status == RunStatus::kFinished);
  CHECK(Recorder::values("out").size() == 3);
}

TEST_CASE("the parameters check can look extensions up in the registry", "[validate][params][extension]") {
  auto errors = load_errors(kGraph, {"pair.hi=7", "pair.thing=widget"});
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "parameter 'thing' names no registered test_thing");
  if (!Registry::global().find_extension("test_thing", "widget"))
    Registry::global().add_extension({"test_thing", "widget", "a widget", "test", std::make_shared<const int>(7),
                                      std::type_index(typeid(int))});
  CHECK(load_errors(kGraph, {"pair.hi=7", "pair.thing=widget"}).empty());
}

TEST_CASE("extensions are found by kind and name, typed, and unique", "[registry][extension]") {
  Registry r;
  r.add_extension({"policy", "b", "second", "built-in", std::make_shared<const int>(2), std::type_index(typeid(int))});
  r.add_extension({"policy", "a", "first", "built-in", std::make_shared<const int>(1), std::type_index(typeid(int))});
  r.add_extension({"other", "a", "elsewhere", "built-in", std::make_shared<const double>(3.0),
                   std::type_index(typeid(double))});
  REQUIRE(r.extension<int>("policy", "a") != nullptr);
  CHECK(*r.extension<int>("policy", "a") == 1);
  CHECK(r.extension<int>("policy", "zzz") == nullptr);
  CHECK_THROWS_WITH(r.extension<int>("other", "a"), Catch::Contains("this avflow expects"));
  auto listed = r.extensions("policy");
  REQUIRE(listed.size() == 2);
  CHECK(listed[0]->name == "a");
  CHECK(listed[1]->name == "b");
  CHECK(r.extension_kinds() == std::vector<std::string>{"other", "policy"});
  CHECK_THROWS_WITH(r.add_extension({"policy", "a", "again", "plugin.so", std::make_shared<const int>(9),
                                     std::type_index(typeid(int))}),
                    Catch::Contains("already registered by built-in"));
}
