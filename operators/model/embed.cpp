// embed: each snippet's pooled embedding from a trained encoder, with the
// snippet's title, show, m and time span, for retrieval and analysis
// (graphs/embed.toml writes them with the npy sink).
//
//   [[node]]
//   name = "embed"
//   op = "embed"
//   encoder = "runs/pretrain_tv/checkpoints/video_encoder.pt"   # avflow's export (sizes from encoder_options.txt)
//   # init = "export/video_encoder.pt"                          # or a torchvision state dict
//   modality = "video"
//
//   [[edge]]  from = "decode.snippet"   to = "tensors.snippet"  # snippet_tensors: its frames, same item
//   [[edge]]  from = "tensors.video"    to = "augment.in"
//   [[edge]]  from = "augment.out"      to = "embed.input"     # float [3, T, H, W] (video) or [1, mels, frames] (audio)
//   [[edge]]  from = "decode.snippet"   to = "embed.snippet"   # the same item's Snippet
//
// The input and its snippet are joined by item number, so they may arrive in
// any order (the input must come from the snippet through snippet_tensors:
// decode's own video port numbers its items apart). Each snippet is embedded on its own (a batch of one) in
// evaluation mode without gradients: the encoder's last feature map averaged
// over time and space, [d] (512 at the paper's size).
#include <ATen/ATen.h>
#include <torch/torch.h>

#include <map>
#include <memory>

#include "engine/log.h"
#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/device/device.h"
#include "libs/media/snippet.h"
#include "operators/model/encoder_source.h"
#include "operators/model/snippet_embedding.h"

namespace avflow::ops {

using namespace avflow::model;

class Embed final : public Operator {
 public:
  static inline const In<Tensor> kInput{"input", "the snippet, prepared: float [3, T, H, W] (video) or [1, mels, frames]"};
  static inline const In<media::Snippet> kSnippet{"snippet", "the same item's snippet (title, show, m, time span)"};
  static inline const Out<SnippetEmbedding> kEmbedding{"embedding", "its pooled embedding [d] with title, show, m, span"};
  static inline const Param<std::string> kDevice = device::device_param();
  AVFLOW_CONTRACT(kInput, kSnippet, kEmbedding, EncoderSource::kEncoder, EncoderSource::kInit,
                  EncoderSource::kModality, EncoderSource::kWidth, EncoderSource::kBlocks, kDevice,
                  exactly_one_of(EncoderSource::kEncoder, EncoderSource::kInit));

  void open(Context& ctx) override {
    device_ = device::resolve_device(ctx.param(kDevice));
    std::string loaded;
    model_ = EncoderSource::load(ctx, 0, loaded);
    model_->to(device_);
    AVFLOW_LOG(info) << ctx.node() << ": " << ctx.param(EncoderSource::kModality) << " " << loaded << " on " << device_.str();
  }

  void process(Context& ctx) override {
    Waiting& w = waiting_[ctx.item()];
    if (ctx.has(kInput))
      w.input = ctx.input(kInput).get();
    else
      w.snippet = ctx.share_input(kSnippet);
    if (!w.input.defined() || !w.snippet) return;
    const Waiting ready = std::move(w);
    waiting_.erase(ctx.item());

    const device::DeviceScope on_device(device_);
    SnippetEmbedding e;
    e.title = ready.snippet->title;
    e.show = ready.snippet->show;
    e.index = ready.snippet->index;
    e.start_s = ready.snippet->start_s;
    e.end_s = ready.snippet->end_s;
    {
      torch::NoGradGuard no_grad;
      const at::Tensor f = model_->features(ready.input.unsqueeze(0).to(device_))[0].to(at::kCPU, at::kFloat).contiguous();
      e.values.assign(f.data_ptr<float>(), f.data_ptr<float>() + f.numel());
    }
    ctx.emit(kEmbedding, std::move(e));
  }

 private:
  struct Waiting {
    at::Tensor input;
    std::shared_ptr<const media::Snippet> snippet;
  };

  at::Device device_{at::kCPU};
  Classifier model_{nullptr};
  std::map<uint64_t, Waiting> waiting_;
};

AVFLOW_REGISTER(Embed, "embed", "each snippet's pooled embedding from a trained encoder, with its title, m and span");

}  // namespace avflow::ops
