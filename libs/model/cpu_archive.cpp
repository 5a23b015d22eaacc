#include "libs/model/cpu_archive.h"

#include <torch/serialize/output-archive.h>

namespace avflow::model {

void save_cpu_copy(const torch::nn::Module& module, torch::serialize::OutputArchive& archive) {
  auto on_cpu = [](const at::Tensor& t) { return t.detach().to(at::kCPU).contiguous(); };
  for (const auto& p : module.named_parameters(/*recurse=*/false)) archive.write(p.key(), on_cpu(p.value()));
  for (const auto& b : module.named_buffers(/*recurse=*/false))
    archive.write(b.key(), on_cpu(b.value()), /*is_buffer=*/true);
  for (const auto& child : module.named_children()) {
    if (!child.value()->is_serializable()) continue;
    torch::serialize::OutputArchive child_archive(archive.compilation_unit());
    save_cpu_copy(*child.value(), child_archive);
    archive.write(child.key(), child_archive);
  }
}

at::Device module_device(const torch::nn::Module& module) {
  for (const auto& p : module.parameters()) return p.device();
  for (const auto& b : module.buffers()) return b.device();
  return at::kCPU;
}

}  // namespace avflow::model
