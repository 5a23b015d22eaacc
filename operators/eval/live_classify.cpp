// live_classify: runs a trained classifier (or, without one, an encoder) on
// each prepared snippet of a live stream and emits its top classes with
// their scores (or its embedding), its stream time span and its latency:
// the time from the arrival of the snippet's last frame to the result.
//
//   [[node]]
//   name = "classify"
//   op = "live_classify"
//   classifier = "runs/eval_ucf101/split1/classifier"   # finetune_step's out
//   classes = ["ApplyEyeMakeup", "Archery", ...]         # optional; else "class N"
//   top_k = 5
//
//   [[edge]]  from = "normalize.out"   to = "classify.input"     # float [3, T, H, W] (video) or [1, F, T] (after mel)
//   [[edge]]  from = "source.snippet"  to = "classify.snippet"   # live_snippets' LiveSnippet
//
// Without a classifier, `encoder` names exported encoder weights
// (video_encoder.pt or audio_encoder.pt, sizes from encoder_options.txt
// beside it) and the result carries the pooled embedding only;
// `embedding = true` adds it to a classifier's result too. The input and its
// metadata are joined by item number, so they may arrive in any order; each
// snippet is classified on its own (batch of one) in evaluation mode without
// gradients, as soon as both are in.
#include <ATen/ATen.h>
#include <torch/torch.h>

#include <chrono>
#include <map>
#include <stdexcept>

#include "engine/log.h"
#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/device/device.h"
#include "operators/eval/live_result.h"
#include "libs/media/live_snippet.h"
#include "libs/model/classifier.h"

namespace avflow::ops {

using namespace avflow::device;
using namespace avflow::media;
using namespace avflow::model;

class LiveClassify final : public Operator {
 public:
  static inline const In<Tensor> kInput{"input", "the snippet, prepared: float [3, T, H, W] (video) or [1, F, T] (audio)"};
  static inline const In<media::LiveSnippet> kSnippet{"snippet", "the snippet's metadata from live_snippets"};
  static inline const Out<LiveResult> kResult{"result", "time span, top classes and scores or embedding, latency"};
  static inline const Param<std::string> kClassifier{"classifier", "", "folder of a trained classifier; empty: use encoder"};
  static inline const Param<std::string> kEncoder{"encoder", "",
                                                  "without a classifier: exported encoder weights (video_encoder.pt)"};
  static inline const Param<std::string> kModality{"modality", "video", Choices{"video", "audio"},
                                                   "with encoder: which encoder the weights are"};
  static inline const Param<std::vector<std::string>> kClasses{"classes", std::vector<std::string>{},
                                                               "class names by index; missing ones are \"class N\""};
  static inline const Param<int64_t> kTopK{"top_k", 5, Range{1, 1000}, "classes reported per snippet"};
  static inline const Param<bool> kEmbedding{"embedding", false, "with a classifier: add the pooled embedding too"};
  static inline const Param<std::string> kDevice = device::device_param();
  AVFLOW_CONTRACT(kInput, kSnippet, kResult, kClassifier, kEncoder, kModality, kClasses, kTopK, kEmbedding, kDevice,
                  exactly_one_of(kClassifier, kEncoder));

  void open(Context& ctx) override {
    device_ = device::resolve_device(ctx.param(kDevice));
    const std::string classifier = ctx.param(kClassifier), encoder = ctx.param(kEncoder);
    if (!classifier.empty()) {
      model_ = model::load_classifier(classifier);
      classify_ = true;
      embedding_ = ctx.param(kEmbedding);
    } else {
      model_ = model::load_encoder_only(ctx.param(kModality), encoder);
      embedding_ = true;
    }
    model_->to(device_);
    model_->eval();
    names_ = ctx.param(kClasses);
    top_k_ = std::min<int64_t>(ctx.param(kTopK), model_->options().classes);
    AVFLOW_LOG(info) << ctx.node() << ": " << (classify_ ? "classifier " + classifier : "encoder " + encoder) << " ("
                     << model_->options().modality << ", " << model_->options().classes << " classes) on "
                     << device_.str();
  }

  void process(Context& ctx) override {
    const device::DeviceScope on_device(device_);
    Waiting& w = waiting_[ctx.item()];
    if (ctx.has(kInput)) {
      w.input = ctx.input(kInput).get();
    } else {
      w.meta = ctx.share_input(kSnippet);
    }
    if (!w.input.defined() || !w.meta) return;
    Waiting ready = std::move(w);
    waiting_.erase(ctx.item());
    ctx.emit(kResult, run(ready.input, *ready.meta));
  }

 private:
  struct Waiting {
    at::Tensor input;
    std::shared_ptr<const media::LiveSnippet> meta;
  };

  LiveResult run(const at::Tensor& input, const media::LiveSnippet& meta) {
    LiveResult r;
    r.index = meta.index;
    r.start_s = meta.start_s;
    r.end_s = meta.end_s;
    r.reconnects = meta.reconnects;
    {
      torch::NoGradGuard no_grad;
      const at::Tensor features = model_->features(input.unsqueeze(0).to(device_));
      if (classify_) {
        const at::Tensor scores = torch::softmax(model_->head()->forward(features), 1)[0].to(at::kCPU, at::kDouble);
        const auto top = scores.topk(top_k_);
        const at::Tensor values = std::get<0>(top).contiguous(), indices = std::get<1>(top).contiguous();
        for (int64_t i = 0; i < top_k_; ++i) {
          const int64_t c = indices[i].item<int64_t>();
          r.classes.push_back(c < static_cast<int64_t>(names_.size()) ? names_[static_cast<size_t>(c)]
                                                                       : "class " + std::to_string(c));
          r.scores.push_back(values[i].item<double>());
        }
      }
      if (embedding_) {
        const at::Tensor e = features[0].to(at::kCPU, at::kFloat).contiguous();
        r.embedding.assign(e.data_ptr<float>(), e.data_ptr<float>() + e.numel());
      }
    }
    const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
    r.latency_ms = static_cast<double>(now - meta.arrival_ns) / 1e6;
    return r;
  }

  at::Device device_{at::kCPU};
  model::Classifier model_{nullptr};
  bool classify_ = false, embedding_ = false;
  std::vector<std::string> names_;
  int64_t top_k_ = 5;
  std::map<uint64_t, Waiting> waiting_;  // by item number, until input and metadata are both in
};

AVFLOW_REGISTER(LiveClassify, "live_classify",
                "a live snippet's top classes and scores (trained classifier) or embedding (encoder), with latency");

}  // namespace avflow::ops
