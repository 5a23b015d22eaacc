// test_tensor_feed: a source that emits tensors a test put in place, so an
// operator can be checked on chosen inputs inside a real graph run.
//
//   TensorFeed::instance().set("feed", {a, b, c});   // then run a graph with
//   [[node]] name = "feed"  op = "test_tensor_feed"
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace avflow::test {

class TensorFeed {
 public:
  static TensorFeed& instance();
  void set(const std::string& node, std::vector<at::Tensor> tensors);
  std::vector<at::Tensor> get(const std::string& node);

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<at::Tensor>> tensors_;
};

// Runs feed -> `op` (with the TOML `params`) -> capture and returns the
// operator's outputs in item order. `max_in_flight` > 1 lets items overlap.
std::vector<at::Tensor> run_tensor_op(const std::string& op, const std::string& params,
                                      const std::vector<at::Tensor>& inputs, int max_in_flight = 1);

// The same through a chain of operators, each {op, params}, in order.
struct OpStep {
  std::string op;
  std::string params;
};
std::vector<at::Tensor> run_tensor_chain(const std::vector<OpStep>& chain, const std::vector<at::Tensor>& inputs,
                                         int max_in_flight = 1);

// The first failure's message of such a run ("" when it finished).
std::string tensor_op_failure(const std::string& op, const std::string& params,
                              const std::vector<at::Tensor>& inputs);

}  // namespace avflow::test
