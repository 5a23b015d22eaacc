#include "engine/payloads/tensor.h"

#include <ATen/ATen.h>

namespace avflow {

Tensor::Tensor() : t_(std::make_shared<const at::Tensor>()) {}
Tensor::Tensor(at::Tensor t) : t_(std::make_shared<const at::Tensor>(std::move(t))) {}
Tensor::~Tensor() = default;

const at::Tensor& Tensor::get() const { return *t_; }
bool Tensor::defined() const { return t_->defined(); }

std::vector<int64_t> Tensor::sizes() const {
  if (!t_->defined()) return {};
  auto s = t_->sizes();
  return {s.begin(), s.end()};
}

std::string Tensor::str() const {
  if (!t_->defined()) return "undefined";
  std::string s;
  for (int64_t d : t_->sizes()) s += (s.empty() ? "" : "x") + std::to_string(d);
  if (s.empty()) s = "scalar";
  return s + " " + std::string(c10::toString(t_->scalar_type())) + " " + t_->device().str();
}

std::string describe(const Tensor& t) { return t.str(); }

}  // namespace avflow
