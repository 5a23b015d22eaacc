// `avflow check` refuses a trainer's heads and loss terms before anything
// runs: names nobody registered (listing those that are), a name given
// twice, weights that do not pair with the terms, a term reading a head the
// trainer does not build.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "libs/model/step_objective.h"
#include "tests/libs/model/test_extensions.h"

using namespace avflow;
using namespace avflow::model;

namespace {

std::vector<std::string> messages(const ObjectiveNames& names) {
  Registry registry;
  test::add_test_extensions(registry);
  std::vector<std::string> out;
  for (const auto& p : objective_problems(registry, names))
    out.push_back(p.param + " " + p.message);
  return out;
}

}  // namespace

TEST_CASE("Known heads and terms with one weight each pass", "[model][objective][check]") {
  CHECK(messages({.heads = {"test_pool"}, .terms = {"test_contrastive", "test_head_square"}, .weights = {1.0, 0.5}, .settings = {}})
            .empty());
}

TEST_CASE("Unknown names are refused with the known ones", "[model][objective][check]") {
  const auto m = messages({.heads = {"nope"}, .terms = {"test_contrastive", "gone"}, .weights = {1.0, 1.0}, .settings = {}});
  REQUIRE(m.size() == 2);
  CHECK(m[0] == "heads names no model_head 'nope'; known: test_pool (is its plugin loaded?)");
  CHECK(m[1] ==
        "loss_terms names no loss_term 'gone'; known: test_contrastive, test_head_square (is its plugin loaded?)");
}

TEST_CASE("A name one typo away from a known one is suggested", "[model][objective][check]") {
  const auto m = messages({.heads = {"test_pol"}, .terms = {"test_contrastive", "test_head_squares"}, .weights = {1.0, 1.0}, .settings = {}});
  REQUIRE(m.size() == 2);
  CHECK(m[0] == "heads names no model_head 'test_pol' (did you mean 'test_pool'?); known: test_pool (is its plugin "
                "loaded?)");
  CHECK(m[1].rfind("loss_terms names no loss_term 'test_head_squares' (did you mean 'test_head_square'?)", 0) == 0);
}

TEST_CASE("Weights must pair with the terms, and a step needs a term", "[model][objective][check]") {
  CHECK(messages({.heads = {}, .terms = {"test_contrastive"}, .weights = {1.0, 2.0}, .settings = {}}) ==
        std::vector<std::string>{"loss_weights has 2 weights for 1 loss terms; give one per term"});
  CHECK(messages({.heads = {}, .terms = {}, .weights = {}, .settings = {}}) ==
        std::vector<std::string>{"loss_terms is empty: a step needs at least one loss term"});
  CHECK(messages({.heads = {}, .terms = {"test_contrastive"}, .weights = {0.0}, .settings = {}}) ==
        std::vector<std::string>{"loss_weights are all 0: a step needs a loss term of weight > 0 (a weight of 0 "
                                 "removes its term)"});
}

TEST_CASE("A term reading a head that is not built, and a name twice, are refused", "[model][objective][check]") {
  CHECK(messages({.heads = {}, .terms = {"test_head_square"}, .weights = {1.0}, .settings = {}}) ==
        std::vector<std::string>{"heads lacks 'test_pool', which loss term 'test_head_square' reads"});
  CHECK(messages({.heads = {"test_pool", "test_pool"}, .terms = {"test_head_square"}, .weights = {1.0}, .settings = {}}) ==
        std::vector<std::string>{"heads names 'test_pool' twice"});
}
