#include "libs/model/channels_last.h"

namespace avflow::model {

at::Tensor to_channels_last(const at::Tensor& t) {
  if (t.dim() == 5) return t.contiguous(at::MemoryFormat::ChannelsLast3d);
  if (t.dim() == 4) return t.contiguous(at::MemoryFormat::ChannelsLast);
  return t;
}

void use_channels_last(torch::nn::Module& module) {
  at::NoGradGuard no_grad;
  // set_data keeps the parameter object (and so the optimiser's reference
  // to it) while its storage changes layout.
  for (auto& p : module.parameters())
    if (p.dim() == 4 || p.dim() == 5) p.set_data(to_channels_last(p.detach()));
}

}  // namespace avflow::model
