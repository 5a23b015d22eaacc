// Contracts are checked when an operator is registered: shapes derive from
// the ports, and a contract that can never work is refused with its name.
#include <catch2/catch.hpp>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {

const In<TestInt> kA{"a", ""};
const In<TestInt> kA2{"a", ""};
const Out<TestInt> kOutA{"a", ""};
const Out<TestInt> kB{"b", ""};
const Out<TestInt> kC{"c", ""};
const Param<int64_t> kName{"name", 1, ""};
const Param<int64_t> kN{"n", 1, ""};
const Param<double> kN2{"n", 1.0, ""};

class Nothing final : public Operator {
 public:
  void process(Context&) override {}
};

OperatorInfo info(const std::string& name, Contract c) {
  return OperatorInfo{name, "doc", "built-in", std::move(c), [] { return std::make_unique<Nothing>(); }};
}

}  // namespace

TEST_CASE("shapes follow from the declared ports and traits", "[contract]") {
  CHECK(make_contract(kB).shape() == Shape::kSource);
  CHECK(make_contract(kA).shape() == Shape::kSink);
  CHECK(make_contract(kA, kB, kOneToOne).shape() == Shape::kFunction);
  CHECK(make_contract(kA, kB).shape() == Shape::kMulti);  // no kOneToOne: any number out
  CHECK(make_contract(kA, kB, kC).shape() == Shape::kMulti);
  Contract c = make_contract(kA, kB, kParallel, kDropOnCancel, kN);
  CHECK(c.concurrency == Concurrency::kParallel);
  CHECK(c.on_cancel == OnCancel::kDrop);
  CHECK(c.param("n") != nullptr);
  CHECK(c.input("a") != nullptr);
  CHECK(c.output("a") == nullptr);
  CHECK(c.output_names() == std::vector<std::string>{"b"});
}

TEST_CASE("impossible contracts are refused at registration", "[contract][registry]") {
  Registry r;
  CHECK_THROWS_WITH(r.add(info("x", make_contract(kN))), "operator 'x' has an invalid contract: it declares no ports");
  CHECK_THROWS_WITH(r.add(info("x", make_contract(kA, kB, kC, kOneToOne))),
                    "operator 'x' has an invalid contract: kOneToOne needs exactly one input and one output");
  CHECK_THROWS_WITH(r.add(info("x", make_contract(kA, kA2, kB))),
                    "operator 'x' has an invalid contract: input port 'a' declared twice");
  CHECK_THROWS_WITH(r.add(info("x", make_contract(kA, kB, kN, kN2))),
                    "operator 'x' has an invalid contract: parameter 'n' declared twice");
  CHECK_THROWS_WITH(r.add(info("x", make_contract(kA, kB, kName))),
                    "operator 'x' has an invalid contract: parameter name 'name' is reserved");
  CHECK(r.names().empty());
  // An input and an output may share a name.
  CHECK_NOTHROW(r.add(info("ok", make_contract(kA, kOutA))));
}

TEST_CASE("a second operator under one name is refused, naming both origins", "[registry]") {
  Registry r;
  r.add(info("dup", make_contract(kA)));
  OperatorInfo again = info("dup", make_contract(kB));
  again.origin = "/plugins/libx.so";
  CHECK_THROWS_WITH(r.add(again), "operator 'dup' from /plugins/libx.so is already registered by built-in");
  CHECK(r.find("dup")->contract.shape() == Shape::kSink);
  CHECK(r.find("nope") == nullptr);
}

TEST_CASE("the test operators are registered globally", "[registry]") {
  for (const char* name : {"test_counter", "test_double", "test_split", "test_join", "test_throw",
                           "test_close_probe", "test_slow_sink", "test_slow_drop_sink", "test_tracked_source"})
    CHECK(Registry::global().find(name) != nullptr);
  CHECK(Registry::global().find("test_counter")->contract.shape() == Shape::kSource);
}
