#include "libs/model/distributed.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/nn/module.h>
#include <torch/version.h>
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <algorithm>
#include <future>
#include <map>
#include <numeric>
#include <thread>

#include "engine/env_number.h"
#define AVFLOW_C10D_INCLUDE
#include "libs/model/torch_compat.h"
#include "libs/model/sync_batch_norm.h"

namespace avflow::model {

struct Distributed::Group {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<CollectiveBackend> processes;  // Gloo or NCCL
};

namespace {

[[noreturn]] void fail(const std::string& what) { throw DistributedError("distributed training: " + what); }

// c10d's message without the C++ backtrace c10::Error appends.
std::string message_of(const std::exception& e) {
  if (const auto* c10_error = dynamic_cast<const c10::Error*>(&e)) return c10_error->what_without_backtrace();
  return e.what();
}

// A torchrun 2.x agent's store speaks a newer protocol than LibTorch 1.x's
// client, which then waits for a reply that never comes. The first request
// runs on a thread of its own so that such a store becomes an error naming
// the way out instead of a hang; a store that works answers in milliseconds.
// (On a timeout the thread stays blocked; the process is about to exit.)
constexpr std::chrono::seconds kAgentStoreAnswerLimit{30};

void require_store_answers(const c10::intrusive_ptr<c10d::Store>& store, std::chrono::seconds limit,
                           const std::string& which) {
  auto answer = std::make_shared<std::promise<std::string>>();  // empty: answered
  std::future<std::string> answered = answer->get_future();
  std::thread([store, answer] {
    try {
      store->add("avflow/store_answers", 1);
      answer->set_value("");
    } catch (const std::exception& e) {
      answer->set_value(message_of(e));
    }
  }).detach();
  if (answered.wait_for(limit) != std::future_status::ready)
    fail(which + " has not answered a request in " + std::to_string(limit.count()) +
         " s. A torchrun 2.x agent serves a newer store protocol than this LibTorch (" TORCH_VERSION
         ") speaks: start torchrun with --rdzv-backend c10d and TORCH_DISABLE_SHARE_RDZV_TCP_STORE=1 in its "
         "environment, so that rank 0 serves the store itself, or build avflow against LibTorch 2.x");
  if (const std::string error = answered.get(); !error.empty()) fail(which + " refused a request: " + error);
}

// NAME as a whole number in [lo, hi]; empty when unset.
std::optional<int> read_int(const std::function<const char*(const char*)>& lookup, const char* name, int lo, int hi) {
  try {
    const auto value = env_whole_number(name, lo, hi, lookup);
    return value ? std::optional<int>(static_cast<int>(*value)) : std::nullopt;
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
}

#ifdef USE_C10D_GLOO
bool is_loopback(const std::string& host) { return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1"; }

// Where Gloo listens: GLOO_SOCKET_IFNAME's interface when set (as in
// PyTorch); the loopback address when MASTER_ADDR is one (every rank on this
// machine); otherwise this machine's hostname.
std::shared_ptr<::gloo::transport::Device> gloo_device(const std::string& master_addr) {
  if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME"); interface && *interface)
    return c10d::ProcessGroupGloo::createDeviceForInterface(interface);
  if (is_loopback(master_addr)) return c10d::ProcessGroupGloo::createDeviceForHostname(master_addr);
  return c10d::ProcessGroupGloo::createDefaultDevice();
}
#endif

// Whether a collective's error says a peer went away (its process died, or
// the network between them failed) rather than that the call was wrong.
bool peer_lost(const std::string& message) {
  for (const char* sign : {"Connection reset by peer", "Connection closed by peer", "Broken pipe", "Timed out",
                           "timed out", "Connection refused"})
    if (message.find(sign) != std::string::npos) return true;
  return false;
}

// Starts a collective and waits for it; c10d's errors become a
// DistributedError naming the rank and the operation.
template <class Start>
void collective(const Distributed& d, const std::string& what, Start&& start) {
  try {
    start()->wait();
  } catch (const std::exception& e) {
    const std::string message = message_of(e);
    fail(d.describe() + ": " + what + " failed: " + message +
         (peer_lost(message) ? " (another rank has stopped or cannot be reached: its own output, or the "
                               "launcher's, says which and why; `avflow run --resume` continues from the last "
                               "checkpoint)"
                             : ""));
  }
}

// Runs `run` on `tensors` packed into one flat buffer per dtype (few large
// messages instead of one per tensor), then copies the results back.
void packed(const std::vector<at::Tensor>& tensors, const std::function<void(at::Tensor&)>& run) {
  std::map<at::ScalarType, std::vector<at::Tensor>> by_type;  // ordered: the same buffers on every rank
  for (const auto& t : tensors) by_type[t.scalar_type()].push_back(t);
  for (auto& [type, group] : by_type) {
    std::vector<at::Tensor> flat;
    flat.reserve(group.size());
    for (const auto& t : group) flat.push_back(t.reshape({-1}));
    at::Tensor buffer = at::cat(flat);
    run(buffer);
    int64_t offset = 0;
    for (auto& t : group) {
      t.copy_(buffer.narrow(0, offset, t.numel()).view_as(t));
      offset += t.numel();
    }
  }
}

struct GroupCapsule : torch::CustomClassHolder {
  explicit GroupCapsule(Distributed* g) : group(g) {}
  Distributed* group;
};

// all_gather_rows: forward gathers every rank's rows; backward sums the
// gradient of the gathered batch over ranks and keeps this rank's rows.
struct GatherRows : torch::autograd::Function<GatherRows> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& rows,
                            const std::vector<int64_t>& counts, Distributed* group) {
    const int64_t most = *std::max_element(counts.begin(), counts.end());
    at::Tensor padded = rows.contiguous();
    if (rows.size(0) != most) {  // Gloo gathers equal shapes
      std::vector<int64_t> shape = rows.sizes().vec();
      shape[0] = most;
      padded = at::zeros(shape, rows.options());
      padded.narrow(0, 0, rows.size(0)).copy_(rows);
    }
    std::vector<at::Tensor> parts = group->all_gather(padded, "all-gather of embedding rows");
    for (size_t r = 0; r < parts.size(); ++r) parts[r] = parts[r].narrow(0, 0, counts[r]);
    group->remember_in(*ctx);
    ctx->saved_data["first"] = std::accumulate(counts.begin(), counts.begin() + group->rank(), int64_t{0});
    ctx->saved_data["count"] = rows.size(0);
    return at::cat(parts);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    at::Tensor grad = grads[0].contiguous().clone();
    Distributed::remembered(*ctx).all_reduce_sum(grad, "all-reduce of the embedding rows' gradient");
    return {grad.narrow(0, ctx->saved_data["first"].toInt(), ctx->saved_data["count"].toInt()), at::Tensor(),
            at::Tensor()};
  }
};

}  // namespace

std::optional<DistributedConfig> DistributedConfig::from_environment(
    const std::function<const char*(const char*)>& lookup) {
  const auto world = read_int(lookup, "WORLD_SIZE", 1, 1 << 20);
  if (!world || *world == 1) return std::nullopt;
  DistributedConfig c;
  c.world_size = *world;
  const auto rank = read_int(lookup, "RANK", 0, c.world_size - 1);
  if (!rank)
    fail("WORLD_SIZE is " + std::to_string(c.world_size) + " but RANK is not set (this process's rank, 0 to " +
         std::to_string(c.world_size - 1) + "; avflow launch and torchrun set it)");
  c.rank = *rank;
  c.local_rank = read_int(lookup, "LOCAL_RANK", 0, c.world_size - 1).value_or(0);
  c.local_world_size = read_int(lookup, "LOCAL_WORLD_SIZE", 1, c.world_size).value_or(1);
  if (const char* addr = lookup("MASTER_ADDR"); addr != nullptr && *addr != '\0') c.master_addr = addr;
  const auto port = read_int(lookup, "MASTER_PORT", 1, 65535);
  if (!port)
    fail("MASTER_PORT is not set (the port of rank 0's store at MASTER_ADDR " + c.master_addr +
         "; avflow launch and torchrun set it)");
  c.master_port = *port;
  if (const char* agent = lookup("TORCHELASTIC_USE_AGENT_STORE"); agent != nullptr && std::string(agent) == "True") {
    c.agent_store = true;
    c.restart_count = read_int(lookup, "TORCHELASTIC_RESTART_COUNT", 0, 1 << 20).value_or(0);
  }
  return c;
}

std::shared_ptr<Distributed> Distributed::join(const DistributedConfig& config, c10::DeviceType device,
                                               std::chrono::milliseconds timeout) {
  return std::shared_ptr<Distributed>(new Distributed(config, device, timeout));
}

std::shared_ptr<Distributed> Distributed::from_environment(c10::DeviceType device, std::chrono::milliseconds timeout) {
  const auto config = DistributedConfig::from_environment();
  return config ? join(*config, device, timeout) : nullptr;
}

Distributed::Distributed(const DistributedConfig& config, c10::DeviceType device, std::chrono::milliseconds timeout)
    : config_(config), group_(std::make_unique<Group>()) {
  if (config_.world_size < 1 || config_.rank < 0 || config_.rank >= config_.world_size)
    fail("rank " + std::to_string(config_.rank) + " is outside world size " + std::to_string(config_.world_size));
  device_ = device == c10::DeviceType::CUDA ? at::Device(device, static_cast<c10::DeviceIndex>(config_.local_rank))
                                            : at::Device(device);
  const std::string store_at = config_.master_addr + ":" + std::to_string(config_.master_port);
  try {
    c10d::TCPStoreOptions options;
    options.port = static_cast<uint16_t>(config_.master_port);
    options.isServer = config_.rank == 0 && !config_.agent_store;
    options.numWorkers = static_cast<size_t>(config_.world_size);
    // The agent's store counts no workers of ours; the process group's own
    // rendezvous waits for the other ranks.
    options.waitWorkers = !config_.agent_store;
    options.timeout = timeout;
    auto tcp = c10::make_intrusive<c10d::TCPStore>(config_.master_addr, options);
    if (config_.agent_store) {
      group_->store =
          c10::make_intrusive<c10d::PrefixStore>("/worker/attempt_" + std::to_string(config_.restart_count), tcp);
      require_store_answers(group_->store, kAgentStoreAnswerLimit, describe() + ": the torchrun agent's store at " +
                                                                      store_at + " (MASTER_ADDR:MASTER_PORT)");
    } else {
      group_->store = tcp;
    }
  } catch (const DistributedError&) {
    throw;
  } catch (const std::exception& e) {
    fail(describe() + ": cannot " + ((config_.rank == 0 && !config_.agent_store) ? "serve" : "reach") + " the " +
         (config_.agent_store ? "torchrun agent's " : "") + "store at " + store_at + " (MASTER_ADDR:MASTER_PORT): " +
         message_of(e));
  }
  try {
    if (device == c10::DeviceType::CPU) {
#ifdef USE_C10D_GLOO
      auto options = c10d::ProcessGroupGloo::Options::create(timeout);
      options->devices.push_back(gloo_device(config_.master_addr));
      group_->processes =
          c10::make_intrusive<c10d::ProcessGroupGloo>(group_->store, config_.rank, config_.world_size, options);
#else
      fail(describe() + ": this LibTorch was built without Gloo, so CPU tensors cannot be shared");
#endif
    } else if (device == c10::DeviceType::CUDA) {
#ifdef USE_C10D_NCCL
      auto options = c10d::ProcessGroupNCCL::Options::create();
      options->timeout = timeout;
      group_->processes =
          c10::make_intrusive<c10d::ProcessGroupNCCL>(group_->store, config_.rank, config_.world_size, options);
#else
      fail(describe() + ": this LibTorch was built without NCCL, so CUDA tensors cannot be shared; train on the CPU");
#endif
    } else {
      fail(describe() + ": no process group for device type " + c10::DeviceTypeName(device));
    }
  } catch (const DistributedError&) {
    throw;
  } catch (const std::exception& e) {
    fail(describe() + ": cannot form the process group through the store at " + store_at + ": " + message_of(e));
  }
}

Distributed::~Distributed() = default;

std::string Distributed::describe() const {
  return "rank " + std::to_string(config_.rank) + " of " + std::to_string(config_.world_size);
}

void Distributed::replicate(torch::nn::Module& model) {
  synchronise_batch_norm(model, shared_from_this());
  std::vector<at::Tensor> state = model.parameters();
  for (auto& b : model.buffers()) state.push_back(b);
  torch::NoGradGuard no_grad;
  packed(state, [&](at::Tensor& flat) {
    collective(*this, "broadcast of rank 0's parameters and buffers", [&] {
      std::vector<at::Tensor> tensors{flat};
      return group_->processes->broadcast(tensors);
    });
  });
}

void Distributed::all_reduce_gradients(torch::nn::Module& model) {
  std::vector<at::Tensor> grads;
  for (auto& p : model.parameters()) {
    if (!p.requires_grad()) continue;
    at::Tensor& grad = p.mutable_grad();
    if (!grad.defined()) grad = at::zeros_like(p);
    grads.push_back(grad);
  }
  torch::NoGradGuard no_grad;
  packed(grads, [&](at::Tensor& flat) { all_reduce_sum(flat, "all-reduce of gradients"); });
}

void Distributed::all_reduce_sum(at::Tensor& tensor, const std::string& what) {
  collective(*this, what, [&] {
    std::vector<at::Tensor> tensors{tensor};
    return group_->processes->allreduce(tensors);
  });
}

double Distributed::all_reduce_sum(double value, const std::string& what) {
  at::Tensor t = at::full({1}, value, at::TensorOptions().dtype(at::kDouble).device(device_));
  all_reduce_sum(t, what);
  return t.item<double>();
}

std::vector<at::Tensor> Distributed::all_gather(const at::Tensor& tensor, const std::string& what) {
  std::vector<at::Tensor> inputs{tensor.contiguous()};
  std::vector<std::vector<at::Tensor>> outputs(1);
  for (int r = 0; r < config_.world_size; ++r) outputs[0].push_back(at::empty_like(inputs[0]));
  collective(*this, what, [&] { return group_->processes->allgather(outputs, inputs); });
  return outputs[0];
}

std::vector<int64_t> Distributed::all_gather(int64_t value, const std::string& what) {
  const auto parts = all_gather(at::full({1}, value, at::TensorOptions().dtype(at::kLong).device(device_)), what);
  std::vector<int64_t> values;
  for (const auto& p : parts) values.push_back(p.item<int64_t>());
  return values;
}

void Distributed::require_same(int64_t value, const std::string& what) {
  const auto values = all_gather(value, what);
  if (std::all_of(values.begin(), values.end(), [&](int64_t v) { return v == values[0]; })) return;
  std::string each;
  for (size_t r = 0; r < values.size(); ++r)
    each += (r ? ", rank " : "rank ") + std::to_string(r) + ": " + std::to_string(values[r]);
  fail(describe() + ": the ranks disagree on " + what + " (" + each + ")");
}

at::Tensor Distributed::all_gather_rows(const at::Tensor& rows, const std::vector<int64_t>& counts) {
  if (!rows.defined() || rows.dim() < 1) fail(describe() + ": all_gather_rows needs a tensor of at least one dimension");
  if (counts.size() != static_cast<size_t>(config_.world_size) || counts[config_.rank] != rows.size(0))
    fail(describe() + ": all_gather_rows was given " + std::to_string(counts.size()) +
         " row counts that do not match the world size or this rank's " + std::to_string(rows.size(0)) + " rows");
  return GatherRows::apply(rows, counts, this);
}

at::Tensor Distributed::all_gather_rows(const at::Tensor& rows) {
  return all_gather_rows(rows, all_gather(rows.size(0), "all-gather of row counts"));
}

void Distributed::remember_in(torch::autograd::AutogradContext& ctx) {
  ctx.saved_data["avflow_group"] = c10::IValue::make_capsule(c10::make_intrusive<GroupCapsule>(this));
}

Distributed& Distributed::remembered(torch::autograd::AutogradContext& ctx) {
  const auto capsule = ctx.saved_data.at("avflow_group").toCapsule();
  return *static_cast<GroupCapsule*>(capsule.get())->group;
}

}  // namespace avflow::model
