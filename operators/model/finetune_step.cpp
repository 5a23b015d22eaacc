// finetune_step: trains a downstream classifier (classifier.h) on labelled
// clip batches: the paper's fine-tuning (SGD, momentum 0.9, weight decay
// 1e-4, lr warm-up 1e-3 -> 0.2 over 25 epochs, then a cosine) or a linear
// probe (the encoder frozen, only the linear layer trained).
//
//   [[node]]
//   name = "finetune"
//   op = "finetune_step"
//   modality = "video"
//   encoder = "runs/pretrain_tv/checkpoints/video_encoder.pt"   # empty: from scratch
//   # init = "r2plus1d_18_kinetics.pth"   # or torchvision weights a user has
//   mode = "finetune"            # or linear_probe
//   batch_size = 96              # the batch nodes' size, for the schedule
//   epochs = 150
//   out = "runs/eval_ucf101/split1"
//
// Inputs: `input` batches (video float [B, 3, T, H, W] or audio float
// [B, 1, mels, frames]) and `label` batches (int64 [B]) in the same order.
// The schedule's length comes from labelled_clips upstream (its published
// classes and epoch_items): total steps = ceil(epochs x items / batch_size).
// Each step emits loss, accuracy (of the batch), lr and epoch. At the end
// (and on Ctrl-C) the classifier is saved to OUT (classifier.pt and
// classifier_options.txt) for the classify operator.
#include <ATen/ATen.h>
#include <torch/nn/functional/loss.h>
#include <torch/optim/sgd.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <deque>
#include <thread>

#include "engine/log.h"
#include "engine/operator.h"
#include "engine/payloads/scalars.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/device/device.h"
#include "libs/model/classifier.h"
#include "libs/model/encoder_export.h"
#include "libs/model/lr_schedule.h"
#include "libs/model/torchvision_weights.h"
#include "operators/model/schedule_params.h"

namespace avflow::ops {

using namespace avflow::device;
using namespace avflow::model;

class FinetuneStep final : public Operator {
 public:
  static inline const In<Tensor> kInput{"input", "clip batches: video [B, 3, T, H, W] or audio [B, 1, mels, frames]"};
  static inline const In<Tensor> kLabel{"label", "label batches, int64 [B]"};
  static inline const Out<Scalars> kMetrics{"metrics", "per step: loss, accuracy, lr, epoch"};
  static inline const Param<std::string> kModality{"modality", "video", Choices{"video", "audio"},
                                                   "video: the encoder f; audio: the encoder g"};
  static inline const Param<std::string> kEncoder{
      "encoder", "", "exported encoder weights (video_encoder.pt / audio_encoder.pt); empty: from scratch, the baseline"};
  static inline const Param<std::string> kInit{
      "init", "",
      "a torchvision state dict (.pt or .safetensors) to start the encoder from instead: an r2plus1d_18 for video "
      "(Kinetics weights), a resnet18 with a one-channel conv1 for audio; the classifier (fc) is left out"};
  static std::optional<ParamProblem> one_start(const ParamSet& p) {
    if (p.get(kEncoder).empty() || p.get(kInit).empty()) return std::nullopt;
    return ParamProblem{kInit.name(), "is set beside encoder: start from one of them (init: torchvision weights; encoder: avflow's own export)"};
  }
  static inline const Param<int64_t> kWidth{"width", 64, Range{1, 1024},
                                            "encoder width when no encoder_options.txt lies beside `encoder`"};
  static inline const Param<int64_t> kBlocks{"blocks", 2, Range{1, 8}, "blocks per stage, likewise"};
  enum class Mode { kFinetune, kLinearProbe };
  static inline const EnumParam<Mode> kMode{"mode", Mode::kFinetune,
                                            {{"finetune", Mode::kFinetune}, {"linear_probe", Mode::kLinearProbe}},
                                            "finetune: train everything; linear_probe: the encoder frozen"};
  static inline const Param<int64_t> kClasses{"classes", 0, Range{0, 1 << 20}, "classes; 0: labelled_clips' count"};
  static inline const Param<int64_t> kBatchSize{"batch_size", 96, Range{1, 1 << 20}, "the batch nodes' size"};
  static inline const ops::ScheduleParams kSchedule{{.epochs = 0,
                                                     .warmup_epochs = 25.0,
                                                     .lr_start = 1e-3,
                                                     .lr_peak = 0.2,
                                                     .lr_final = 0.0,
                                                     .epochs_doc = "epochs of the schedule; 0: labelled_clips' epochs",
                                                     .min_epochs = 0}};
  static inline const Param<double> kMomentum{"momentum", 0.9, Range{0.0, 1.0}, "SGD momentum"};
  static inline const Param<double> kWeightDecay{"weight_decay", 1e-4, Range{0.0, 1.0}, "SGD weight decay"};
  static inline const Param<std::string> kOut{"out", kRequired, "folder for the trained classifier"};
  static inline const Param<int64_t> kSeed{"seed", 0, "seed of the fresh weights"};
  static inline const Param<std::string> kDevice = device::device_param();
  static inline const Param<int64_t> kThreads{"threads", 0, Range{0, 4096}, "CPU threads inside a step (0: one per core)"};
  AVFLOW_CONTRACT(kInput, kLabel, kMetrics, kModality, kEncoder, kInit, kWidth, kBlocks, kMode, kClasses, kBatchSize, kSchedule,
                  kMomentum, kWeightDecay, kOut, kSeed, kDevice, kThreads, kHoldsInputs,
                  rule("encoder or init, not both", &FinetuneStep::one_start),
                  Reads{.name = "classes", .param = "classes", .doc = "the data set's classes"},
                  Reads{.name = "epoch_items", .doc = "items per epoch, with batch_size the schedule's steps"},
                  Reads{.name = "epochs", .param = "epochs", .doc = "the passes labelled_clips makes"});

  void open(Context& ctx) override {
    device_ = device::resolve_device(ctx.param(kDevice));
    threads_ = ctx.param(kThreads) > 0 ? static_cast<int>(ctx.param(kThreads))
                                       : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    ClassifierOptions o;
    o.modality = ctx.param(kModality);
    o.encoder = {.width = ctx.param(kWidth), .blocks = std::vector<int64_t>(4, ctx.param(kBlocks))};
    const std::string encoder = ctx.param(kEncoder);
    if (!encoder.empty()) {
      if (auto exported = read_encoder_options(std::filesystem::path(encoder).parent_path()))
        o.encoder = o.modality == "video" ? exported->video : exported->audio;
    }
    o.classes = ctx.param_or_read(kClasses);
    torch::manual_seed(static_cast<uint64_t>(ctx.param(kSeed)));
    model_ = Classifier(o);
    if (!encoder.empty()) model_->load_encoder(encoder);
    const std::string init = ctx.param(kInit);
    if (!init.empty()) {
      const std::string loaded = init_encoder_from_file(
          model_->encoder(), o.modality == "video" ? EncoderKind::kVideo : EncoderKind::kAudio, o.encoder, init);
      AVFLOW_LOG(info) << ctx.node() << ": " << loaded;
    }
    if (ctx.param(kMode) == Mode::kLinearProbe) model_->freeze_encoder();
    model_->to(device_);
    if (device_.is_cuda()) at::globalContext().setBenchmarkCuDNN(true);  // batches of one shape
    std::vector<at::Tensor> trained;
    for (auto& p : model_->parameters())
      if (p.requires_grad()) trained.push_back(p);
    optimizer_ = std::make_unique<torch::optim::SGD>(
        trained, torch::optim::SGDOptions(ctx.param(kSchedule.lr_start)).momentum(ctx.param(kMomentum)).weight_decay(ctx.param(kWeightDecay)));
    const auto items = ctx.published("epoch_items");
    if (!items) throw std::runtime_error("labelled_clips upstream published no epoch_items");
    steps_per_epoch_ = static_cast<double>(*items) / static_cast<double>(ctx.param(kBatchSize));
    schedule_.warmup_from = ctx.param(kSchedule.lr_start);
    schedule_.peak = ctx.param(kSchedule.lr_peak);
    schedule_.final_lr = ctx.param(kSchedule.lr_final);
    const int64_t epochs = ctx.param_or_read(kSchedule.epochs);
    schedule_.total_steps = static_cast<int64_t>(std::ceil(steps_per_epoch_ * static_cast<double>(epochs)));
    schedule_.warmup_steps = std::min(
        schedule_.total_steps, static_cast<int64_t>(std::llround(steps_per_epoch_ * ctx.param(kSchedule.warmup_epochs))));
    schedule_.check();
    out_ = ctx.param(kOut);
    AVFLOW_LOG(info) << ctx.node() << ": " << o.modality << " classifier, " << o.classes << " classes, "
                     << (!encoder.empty() ? "encoder " + encoder : !init.empty() ? "torchvision weights " + init : std::string("from scratch")) << ", "
                     << kMode.name_of(ctx.param(kMode)) << ", " << trained.size() << " trained tensors, " << schedule_.total_steps
                     << " steps on " << device_.str();
  }

  void process(Context& ctx) override {
    const device::DeviceScope on_device(device_);
    if (ctx.has(kInput)) inputs_.push_back(ctx.input(kInput).get());
    else labels_.push_back(ctx.input(kLabel).get());
    while (!inputs_.empty() && !labels_.empty()) {
      at::Tensor x = std::move(inputs_.front()), y = std::move(labels_.front());
      inputs_.pop_front();
      labels_.pop_front();
      ctx.emit(kMetrics, step(x, y));
    }
  }

  void close(CloseReason reason) override {
    if (reason == CloseReason::kFailed || !model_ || step_ == 0) return;
    model_->to(at::kCPU);
    save_classifier(model_, out_);
    AVFLOW_LOG(info) << "classifier after " << step_ << " steps saved to " << out_;
  }

 private:
  Scalars step(const at::Tensor& input, const at::Tensor& labels) {
    if (input.size(0) != labels.size(0))
      throw std::invalid_argument(std::to_string(input.size(0)) + " clips paired with " +
                                  std::to_string(labels.size(0)) + " labels");
    if (at::get_num_threads() != threads_) at::set_num_threads(threads_);
    const double lr = schedule_.at(std::min(step_, schedule_.total_steps));
    for (auto& group : optimizer_->param_groups()) static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
    model_->train();
    const at::Tensor y = labels.to(device_).view({-1});
    const at::Tensor logits = model_->forward(input.to(device_));
    const at::Tensor loss = torch::nn::functional::cross_entropy(logits, y);
    optimizer_->zero_grad();
    loss.backward();
    optimizer_->step();
    ++step_;
    Scalars row;
    row.step = step_;
    row.values = {{"loss", loss.item<double>()},
                  {"accuracy", logits.argmax(1).eq(y).to(at::kDouble).mean().item<double>()},
                  {"lr", lr},
                  {"epoch", static_cast<double>(step_) / steps_per_epoch_}};
    return row;
  }

  at::Device device_{at::kCPU};
  int threads_ = 1;
  Classifier model_{nullptr};
  std::unique_ptr<torch::optim::SGD> optimizer_;
  LrSchedule schedule_;
  double steps_per_epoch_ = 1;
  int64_t step_ = 0;
  std::string out_;
  std::deque<at::Tensor> inputs_, labels_;
};

AVFLOW_REGISTER(FinetuneStep, "finetune_step",
                "trains a downstream classifier on an encoder: fine-tuning (SGD, warm-up, cosine) or a linear probe");

}  // namespace avflow::ops
