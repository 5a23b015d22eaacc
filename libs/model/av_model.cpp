#include "libs/model/av_model.h"

namespace avflow::model {

AvModelImpl::AvModelImpl(ModelOptions options) : options_(std::move(options)) {
  if (options_.embedding_dim < 1) throw std::invalid_argument("model: embedding_dim must be at least 1");
  f_ = register_module("f", VideoEncoder(options_.video));
  g_ = register_module("g", AudioEncoder(options_.audio));
  h_f_ = register_module("h_f", ProjectionHead(f_->out_channels(), options_.embedding_dim, 3));
  h_g_ = register_module("h_g", ProjectionHead(g_->out_channels(), options_.embedding_dim, 2));
}

at::Tensor AvModelImpl::embed_video(const at::Tensor& clips) { return h_f_->forward(f_->forward(clips)); }
at::Tensor AvModelImpl::embed_audio(const at::Tensor& mels) { return h_g_->forward(g_->forward(mels)); }

Embeddings AvModelImpl::forward(const at::Tensor& clips, const at::Tensor& mels) {
  if (clips.size(0) != mels.size(0))
    throw std::invalid_argument("model: " + std::to_string(clips.size(0)) + " clips but " +
                                std::to_string(mels.size(0)) + " mel images");
  return {embed_video(clips), embed_audio(mels)};
}

int64_t parameter_count(const torch::nn::Module& module) {
  int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

}  // namespace avflow::model
