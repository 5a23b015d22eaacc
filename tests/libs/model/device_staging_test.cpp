// DeviceStaging: batches reach the device through pinned memory on a copy
// stream, and the compute stream sees them whole. On the CPU it hands the
// tensor on. The CUDA cases skip, with a warning, where there is no GPU.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <deque>

#include "libs/model/device_staging.h"

using namespace avflow::model;

TEST_CASE("staging for the CPU hands the host tensor on without a copy", "[model][staging]") {
  DeviceStaging staging(at::kCPU);
  const at::Tensor host = at::randn({2, 3, 4});
  StagedTensor staged = staging.start(host);
  CHECK_FALSE(staged.copied.has_value());
  const at::Tensor out = staging.take(std::move(staged));
  CHECK(out.data_ptr() == host.data_ptr());
}

TEST_CASE("batches staged to CUDA while the GPU computes arrive whole and in order", "[model][staging][cuda]") {
  if (!at::hasCUDA()) {
    WARN("CUDA not available: staging through pinned memory is not checked here");
    return;
  }
  DeviceStaging staging(at::kCUDA);
  CHECK(staging.device().has_index());
  // Several large batches in flight at once, each started while a long
  // matrix product keeps the compute stream busy: a take() that did not make
  // the compute stream wait would read a batch half copied.
  at::manual_seed(5);
  std::vector<at::Tensor> hosts;
  std::deque<StagedTensor> in_flight;
  const at::Tensor busy = at::randn({4096, 4096}, at::kCUDA);
  for (int i = 0; i < 4; ++i) {
    hosts.push_back(at::randn({8, 3, 16, 64, 64}));
    (void)busy.mm(busy);
    in_flight.push_back(staging.start(hosts.back()));
    CHECK(in_flight.back().copied.has_value());
  }
  for (int i = 0; i < 4; ++i) {
    const at::Tensor on_device = staging.take(std::move(in_flight.front()));
    in_flight.pop_front();
    REQUIRE(on_device.device().is_cuda());
    const at::Tensor twice = on_device * 2;  // computed on the compute stream
    CHECK(at::equal(twice.cpu(), hosts[static_cast<size_t>(i)] * 2));
  }
  // A host tensor that is pinned already is not copied again on the host.
  const at::Tensor pinned = at::randn({1000}).pin_memory();
  CHECK(at::equal(staging.take(staging.start(pinned)).cpu(), pinned));
  // One on the device already needs no staging.
  StagedTensor resident = staging.start(busy);
  CHECK_FALSE(resident.copied.has_value());
}
