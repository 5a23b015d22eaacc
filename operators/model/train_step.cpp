// train_step: the contrastive pretraining step. Pairs the k-th video batch
// with the k-th audio batch (both paths keep the sampler's order; a pair of
// batches holding different items fails the run), embeds
// them with the model (av_model.h), takes the loss of Eq. 1
// (contrastive_loss.h) and one Adam step at the scheduled learning rate
// (lr_schedule.h: linear warm-up over the first epoch, then a cosine), and
// emits one row of metrics per step.
//
//   [[node]]
//   name = "train"
//   op = "train_step"
//   steps_per_epoch = 0          # 0: the sampler's (epoch_snippets / batch_size)
//   epochs = 10
//   checkpoint_every = 500       # steps; a checkpoint is also written at the end and on Ctrl-C
//   heads = []                   # extra model heads by name (extension kind model_head)
//   loss_terms = ["contrastive"] # the loss: these terms (extension kind loss_term) ...
//   loss_weights = [1.0]         # ... times these weights, summed
//   loss_settings = []           # the terms' own settings: ["contrastive_vv.queue_size=4096"]
//   init = ["r2plus1d_18_kinetics.pth"]  # torchvision weights to start f (and/or g) from
//
// Checkpoints go to the graph's folder ([graph] checkpoints = "runs/tv/checkpoints");
// `avflow run --resume` continues from the latest one there.
//
// Inputs: video float [B, 3, T, H, W] (normalised clips), audio float
// [B, 1, mels, frames]. Output: metrics per step: loss, lr, grad_norm, epoch,
// clips_per_s (B over the time since the previous step's row: the rate the
// run trains at, data waits included). At the end the encoders f and g are exported beside the
// checkpoints (video_encoder.pt, audio_encoder.pt). With snapshot_every = N,
// a copy of the model goes out on `model` before the first step, every N
// steps and at the end, for kl_monitor (graphs/parts/kl_monitor.toml).
//
// On CUDA (overlap = auto) each batch goes to the GPU as soon as it arrives,
// through pinned memory on a copy stream of its own (device_staging.h),
// while the previous step is still computing; the CPU reads a step's loss,
// and so emits its row, checkpoints and snapshots, only once the next batch
// is in hand. memory_format = channels_last lays out the weights and the
// batches as cuDNN's fastest kernels read them (channels_last.h).
//
// Started by `avflow launch` or torchrun (WORLD_SIZE > 1), it is one rank of
// a data-parallel run (distributed.h, contrastive_step.h): its batches are
// this rank's share of each global batch, the loss, the gradient and batch
// norm are those of the global batch, and the metrics are global. Rank 0
// alone writes checkpoints and exports; every rank restores on resume.
#include <ATen/ATen.h>
#include <torch/optim/adam.h>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <thread>

#include "engine/log.h"
#include "engine/operator.h"
#include "engine/payloads/scalars.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/device/device.h"
#include "libs/model/av_model.h"
#include "libs/model/channels_last.h"
#include "libs/model/checkpoint_store.h"
#include "libs/model/contrastive_loss.h"
#include "libs/model/contrastive_step.h"
#include "libs/model/device_staging.h"
#include "libs/model/distributed.h"
#include "libs/model/lr_schedule.h"
#include "libs/model/model_snapshot.h"
#include "libs/model/multi_tensor_adam.h"
#include "libs/model/step_objective.h"
#include "libs/model/sync_batch_norm.h"
#include "libs/model/torchvision_weights.h"
#include "operators/model/schedule_params.h"

namespace avflow::ops {

using namespace avflow::device;
using namespace avflow::model;

class TrainStep final : public Operator {
 public:
  static inline const In<Tensor> kVideo{"video", "clip batches, float [B, 3, T, H, W]"};
  static inline const In<Tensor> kAudio{"audio", "mel batches, float [B, 1, mels, frames]"};
  static inline const In<Tensor> kLabels{
      "labels", kOptional,
      "per-clip label batches [B, ...] of the same items (temporal_transform's labels, batched), for the loss terms "
      "that read them; when connected, each step takes one beside its video and audio batches"};
  static inline const Out<Scalars> kMetrics{"metrics", "per step: loss, lr, grad_norm, epoch, clips_per_s (since the step before, data waits included); with several "
      "loss terms or heads also each term's value, loss_<term>, and what the terms observe (pretext accuracies)"};
  static inline const Out<ModelSnapshot> kModel{
      "model", "every snapshot_every steps: a copy of the model (for the KL monitor), also before the first step and at the end"};
  // The model.
  static inline const Param<int64_t> kVideoWidth{"video_width", 64, Range{1, 1024}, "channels of f's first stage (R(2+1)D-18: 64)"};
  static inline const Param<int64_t> kAudioWidth{"audio_width", 64, Range{1, 1024}, "channels of g's first stage (ResNet-18: 64)"};
  static inline const Param<int64_t> kBlocks{"blocks", 2, Range{1, 8}, "residual blocks per stage, both encoders (18 layers: 2)"};
  static inline const Param<int64_t> kDim{"embedding_dim", 512, Range{1, 65536}, "d, the joint embedding size"};
  static inline const Param<int64_t> kSeed{"seed", 0, "seed of the model's initial weights"};
  static inline const Param<std::vector<std::string>> kInit{
      "init", std::vector<std::string>{},
      "torchvision state dicts (.pt or .safetensors) to start the encoders from: an r2plus1d_18 for f, a resnet18 "
      "with a one-channel conv1 for g (each file's stem says which); a resumed run continues from its checkpoint"};
  // The loss.
  static inline const Param<bool> kNormalize{"normalize", false, "l2-normalise embeddings and divide scores by tau (false: Eq. 1 as in the paper)"};
  static inline const Param<double> kTau{"tau", 0.07, Range{1e-4, 100.0}, "temperature of the normalised variant"};
  static inline const Param<int64_t> kLossGroup{
      "loss_group", 0, Range{0, int64_t{1} << 20},
      "clips per loss group: the global batch is cut into groups of this many consecutive clips, each its own Eq. 1 "
      "(its negatives from its group only), the loss their mean, the same groups on any number of processes; the "
      "paper: 64, each GPU's share of 512; a multiple of the sampler's k, so that a title stays in one group; 0: "
      "the whole global batch"};
  enum class NormScope { kGlobal, kLossGroup };
  static inline const EnumParam<NormScope> kBatchNorm{
      "batch_norm", NormScope::kGlobal, {{"global", NormScope::kGlobal}, {"loss_group", NormScope::kLossGroup}},
      "where batch norm takes its training statistics: global: over the whole global batch (synchronised over "
      "processes); loss_group: over each loss group on its own, as the paper's batch norm on each GPU (each "
      "process's share of the batch must then be a multiple of loss_group)"};
  static std::optional<ParamProblem> loss_group_valid(const ParamSet& p) {
    if (p.get(kLossGroup) != 1) return std::nullopt;
    return ParamProblem{kLossGroup.name(), "is 1: a loss group needs 2 clips at least (a positive needs negatives); "
                                           "0 makes the whole global batch one group"};
  }
  static std::optional<ParamProblem> norm_scope_needs_group(const ParamSet& p) {
    if (p.get(kBatchNorm) != NormScope::kLossGroup || p.get(kLossGroup) > 0) return std::nullopt;
    return ParamProblem{kBatchNorm.name(), "is \"loss_group\" but loss_group is 0: set loss_group (the paper: 64)"};
  }
  // Extra heads and loss terms, from the registry (plugins may add them).
  static inline const Param<std::vector<std::string>> kHeads{
      "heads", std::vector<std::string>{}, "model heads (extension kind model_head) trained beside the encoders' projections"};
  static inline const Param<std::vector<std::string>> kLossTerms{
      "loss_terms", std::vector<std::string>{"contrastive"},
      "the loss: a weighted sum of these terms (extension kind loss_term; contrastive: Eq. 1)"};
  static inline const Param<std::vector<double>> kLossWeights{
      "loss_weights", std::vector<double>{1.0}, "one weight per loss term"};
  static inline const Param<std::vector<std::string>> kLossSettings{
      "loss_settings", std::vector<std::string>{},
      "the loss terms' own settings, \"term.setting=value\" each (e.g. contrastive_vv.queue_size=4096); the "
      "others keep their defaults (avflow ops lists each term's)"};
  // The schedule.
  static inline const Param<int64_t> kStepsPerEpoch{"steps_per_epoch", 0, Range{0, int64_t{1} << 40},
                                                    "optimiser steps in one epoch; 0: the sampler's (its epoch over its batch size)"};
  static inline const ops::ScheduleParams kSchedule;
  // Checkpoints, in the graph's checkpoint folder ([graph] checkpoints).
  static inline const Param<int64_t> kEvery{"checkpoint_every", 0, Range{0, int64_t{1} << 40}, "steps between checkpoints (0: only at the end)"};
  static inline const Param<int64_t> kKeep{"keep", 3, Range{1, 1000}, "newest checkpoints kept"};
  static inline const Param<int64_t> kSnapshotEvery{
      "snapshot_every", 0, Range{0, int64_t{1} << 40},
      "steps between copies of the model on the `model` port, for observers such as kl_monitor (0: none)"};
  static inline const Param<std::string> kDevice = device::device_param();
  static inline const Param<int64_t> kThreads{
      "threads", 0, Range{0, 4096}, "CPU threads inside a step (0: one per core, shared among $LOCAL_WORLD_SIZE ranks)"};
  enum class Precision { kFloat32, kBf16, kAuto };
  enum class Switch { kAuto, kOn, kOff };
  enum class MemoryFormat { kContiguous, kChannelsLast, kAuto };
  static inline const EnumParam<Precision> kPrecision{
      "precision", Precision::kFloat32,
      {{"float32", Precision::kFloat32}, {"bf16", Precision::kBf16}, {"auto", Precision::kAuto}},
      "bf16: the forward pass under bfloat16 autocast (convolutions and products in bf16, the loss, weights and "
      "Adam in float32), the paper's GPU setting; also runs on the CPU (slowly without bf16 units); auto: bf16 "
      "on CUDA, float32 on the CPU"};
  static inline const EnumParam<Switch> kOverlap{
      "overlap", Switch::kAuto, {{"auto", Switch::kAuto}, {"on", Switch::kOn}, {"off", Switch::kOff}},
      "on: copy each batch to the device as it arrives (pinned memory, a copy stream) while the previous step "
      "computes, and read a step's loss only when the next batch is in hand, so its row, checkpoint and "
      "snapshot follow then (a cancelled run logs its last step instead of emitting it); auto: on with CUDA; "
      "off: each step is finished before the next batch is taken"};
  static inline const EnumParam<MemoryFormat> kMemoryFormat{
      "memory_format", MemoryFormat::kContiguous,
      {{"contiguous", MemoryFormat::kContiguous}, {"channels_last", MemoryFormat::kChannelsLast},
       {"auto", MemoryFormat::kAuto}},
      "channels_last: convolution weights and batches in NDHWC / NHWC, the layout of cuDNN's fastest kernels "
      "(a CUDA setting; the results are the same); auto: channels_last on CUDA, contiguous on the CPU"};
  // Data-parallel training.
  static inline const EnumParam<Switch> kDistributed{
      "distributed", Switch::kAuto, {{"auto", Switch::kAuto}, {"off", Switch::kOff}},
      "auto: when $WORLD_SIZE > 1 (avflow launch, torchrun), one rank of a data-parallel run over c10d (Gloo on "
      "the CPU, NCCL on CUDA) that trains on its share of each global batch with the global loss, gradient and "
      "batch norm, and checkpoints on rank 0 only; off: this process alone"};
  static inline const Param<double> kDistributedTimeout{
      "distributed_timeout", 1800.0, Range{1.0, 86400.0},
      "seconds to wait for the other ranks, to join and in every collective, before failing"};
  AVFLOW_CONTRACT(kVideo, kAudio, kLabels, kMetrics, kModel, kVideoWidth, kAudioWidth, kBlocks, kDim, kSeed, kInit, kNormalize, kTau,
                  kLossGroup, kBatchNorm, kHeads, kLossTerms, kLossWeights, kLossSettings, kStepsPerEpoch, kSchedule, kEvery, kKeep,
                  kSnapshotEvery, kDevice, kThreads, kPrecision, kOverlap, kMemoryFormat, kDistributed,
                  kDistributedTimeout, kHoldsInputs, ParamsCheck{&TrainStep::check},
                  rule("loss_group is 0 or at least 2", &TrainStep::loss_group_valid),
                  rule("batch_norm = loss_group needs a loss_group", &TrainStep::norm_scope_needs_group),
                  Reads{.name = "rank_batch_size",
                        .doc = "this process's share of each batch: the loss groups must cut it evenly",
                        .optional = true},
                  Reads{.name = "title_group",
                        .doc = "the snippets of one title a batch keeps together (the sampler's k): loss_group must "
                               "be a multiple, so that no title straddles two groups",
                        .optional = true},
                  Reads{.name = "steps_per_epoch", .param = "steps_per_epoch", .doc = "the sampler's epoch over its batch"},
                  Reads{.name = "first_step",
                        .doc = "the step the sampler's first batch belongs to; must be this trainer's",
                        .optional = true});

  // The heads and loss terms are looked up in the registry (plugins too).
  static std::vector<ParamProblem> check(const ParamSet& p, const Registry& registry) {
    return objective_problems(registry, objective_names(p),
                              {.heads = kHeads.spec.name, .terms = kLossTerms.spec.name,
                               .weights = kLossWeights.spec.name, .settings = kLossSettings.spec.name});
  }

  void open(Context& ctx) override {
    device_ = device::resolve_device(ctx.param(kDevice));
    if (ctx.param(kDistributed) == Switch::kAuto)
      group_ = Distributed::from_environment(
          device_.type(), std::chrono::milliseconds(std::llround(ctx.param(kDistributedTimeout) * 1000)));
    if (group_) device_ = group_->device();
    const device::DeviceScope on_device(device_);
    // Every batch has the same shapes: let cuDNN time its algorithms once and
    // keep the fastest.
    if (device_.is_cuda()) at::globalContext().setBenchmarkCuDNN(true);
    label_ = group_ ? ctx.node() + " (" + group_->describe() + ")" : ctx.node();
    const int local_ranks = group_ ? group_->config().local_world_size : 1;
    threads_ = ctx.param(kThreads) > 0
                   ? static_cast<int>(ctx.param(kThreads))
                   : std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / local_ranks);
    ModelOptions o;
    const std::vector<int64_t> blocks(4, ctx.param(kBlocks));
    o.video = {.width = ctx.param(kVideoWidth), .blocks = blocks};
    o.audio = {.width = ctx.param(kAudioWidth), .blocks = blocks};
    o.embedding_dim = ctx.param(kDim);
    torch::manual_seed(static_cast<uint64_t>(ctx.param(kSeed)));
    model_ = AvModel(o);
    // A checkpoint restored below replaces these weights (a resumed run).
    for (const auto& line : init_model_from_files(model_, ctx.param(kInit))) {
      AVFLOW_LOG(info) << label_ << ": " << line;
    }
    model_->to(device_);
    channels_last_ = ctx.param(kMemoryFormat) == MemoryFormat::kChannelsLast ||
                     (ctx.param(kMemoryFormat) == MemoryFormat::kAuto && device_.is_cuda());
    overlap_ = ctx.param(kOverlap) == Switch::kOn || (ctx.param(kOverlap) == Switch::kAuto && device_.is_cuda());
    staging_.emplace(device_);
    objective_ = resolve_objective(Registry::global(), objective_names(ctx.params()), o,
                                   {.normalize = ctx.param(kNormalize), .tau = ctx.param(kTau),
                                    .group = ctx.param(kLossGroup)},
                                   global_batch(ctx));
    check_loss_groups(ctx);
    check_labels_input(ctx);
    if (ctx.param(kBatchNorm) == NormScope::kLossGroup) {
      scope_batch_norm(*model_, ctx.param(kLossGroup));
      if (objective_.has_heads()) scope_batch_norm(*objective_.heads, ctx.param(kLossGroup));
    }
    std::vector<at::Tensor> trained = model_->parameters();
    if (objective_.has_heads()) {
      objective_.heads->to(device_);
      for (const auto& p : objective_.heads->parameters()) trained.push_back(p);
    }
    optimizer_ = std::make_unique<MultiTensorAdam>(trained, torch::optim::AdamOptions(ctx.param(kSchedule.lr_start)));
    if (ctx.param(kPrecision) == Precision::kBf16 || (ctx.param(kPrecision) == Precision::kAuto && device_.is_cuda()))
      autocast_ = at::kBFloat16;
    steps_per_epoch_ = ctx.param_or_read(kStepsPerEpoch);
    schedule_.warmup_from = ctx.param(kSchedule.lr_start);
    schedule_.peak = ctx.param(kSchedule.lr_peak);
    schedule_.final_lr = ctx.param(kSchedule.lr_final);
    schedule_.total_steps = steps_per_epoch_ * ctx.param(kSchedule.epochs);
    schedule_.warmup_steps =
        static_cast<int64_t>(std::llround(ctx.param(kSchedule.warmup_epochs) * static_cast<double>(steps_per_epoch_)));
    schedule_.check();
    every_ = ctx.param(kEvery);
    snapshot_every_ = ctx.param(kSnapshotEvery);
    if (!ctx.checkpoints().empty()) {
      store_.emplace(ctx.checkpoints(), static_cast<int>(ctx.param(kKeep)));
      if (ctx.resuming()) {
        if (auto state = store_->restore_latest(model_, *optimizer_, heads())) {
          step_ = std::stoll(state->at("step"));
          AVFLOW_LOG(info) << label_ << ": resumed at step " << step_ << " from " << store_->dir().string();
        } else {
          AVFLOW_LOG(info) << label_ << ": no checkpoint in " << store_->dir().string() << " yet; starting at step 0";
        }
      }
    }
    // After any restore: loading replaces each weight with the file's
    // (contiguous) tensor.
    if (channels_last_) use_channels_last(*model_);
    check_sampler_starts_here(ctx);
    if (group_) {
      group_->require_same(step_, "the step to start at (every rank must read the same checkpoints)");
      group_->replicate(*model_);
      if (objective_.has_heads()) group_->replicate(*objective_.heads);
    }
    AVFLOW_LOG(info) << label_ << ": model of " << parameter_count(*model_) << " parameters on " << device_.str()
                     << (autocast_ ? ", bf16 autocast" : "") << (channels_last_ ? ", channels-last" : "")
                     << (overlap_ && device_.is_cuda() ? ", copies overlapped" : "") << ", " << schedule_.total_steps
                     << " steps (" << steps_per_epoch_ << " per epoch)"
                     << (group_ ? ", data-parallel over " + std::to_string(group_->world_size()) + " ranks" : "");
  }

  void process(Context& ctx) override {
    const device::DeviceScope on_device(device_);
    // Start the copy now: with overlap the step before is still computing.
    if (ctx.has(kVideo)) {
      videos_.push_back(staging_->start(ctx.input(kVideo).get()));
      video_items_.push_back(ctx.input(kVideo).items());
    } else if (ctx.has(kAudio)) {
      audios_.push_back(staging_->start(ctx.input(kAudio).get()));
      audio_items_.push_back(ctx.input(kAudio).items());
    } else {
      labels_.push_back(ctx.input(kLabels).get());
      label_items_.push_back(ctx.input(kLabels).items());
    }
    while (!videos_.empty() && !audios_.empty() && (!labels_connected_ || !labels_.empty())) {
      require_same_items(video_items_.front(), audio_items_.front(), "audio");
      StagedTensor v = std::move(videos_.front()), a = std::move(audios_.front());
      Labels labels;
      if (labels_connected_) {
        require_same_items(video_items_.front(), label_items_.front(), "labels");
        labels[kBatchLabels] = labels_.front().to(device_);
        labels_.pop_front();
        label_items_.pop_front();
      }
      videos_.pop_front();
      audios_.pop_front();
      video_items_.pop_front();
      audio_items_.pop_front();
      complete(ctx);  // the step before, if overlap left it running
      if (snapshot_every_ > 0 && snapshot_step_ < 0 && step_ % snapshot_every_ == 0) snapshot(ctx);  // the start
      launch(std::move(v), std::move(a), labels);
      if (!overlap_) complete(ctx);
    }
  }

  void finish(Context& ctx) override {
    const device::DeviceScope on_device(device_);
    complete(ctx);
    if (!videos_.empty() || !audios_.empty() || !labels_.empty()) {
      AVFLOW_LOG(warn) << label_ << ": " << videos_.size() << " video, " << audios_.size() << " audio and "
                       << labels_.size() << " label batch(es) left without a partner at the end";
    }
    if (snapshot_every_ > 0 && snapshot_step_ != step_) snapshot(ctx);  // the end
  }

  void close(CloseReason reason) override {
    const device::DeviceScope on_device(device_);
    if (pending_ && reason != CloseReason::kFailed) {
      // Cancelled with a step in flight: its update is in the model (and in
      // the checkpoint below) but its row never went out; say what it was.
      const StepResult r = pending_->step.wait();
      AVFLOW_LOG(info) << label_ << ": step " << pending_->row_step << " finished as the run stopped: loss " << r.loss
                       << ", grad_norm " << r.grad_norm << " (no metrics row)";
      pending_.reset();
    }
    if (!store_ || reason == CloseReason::kFailed || !model_) return;
    if (step_ != saved_step_) save();
    if (reason == CloseReason::kFinished && writes_checkpoints()) store_->export_encoders(model_);
  }

 private:
  // A sampler upstream publishes the step its first batch belongs to; a
  // trainer at another step would pair the schedule and the checkpoints with
  // the wrong data (a sampler that does not resume with it).
  void check_sampler_starts_here(const Context& ctx) const {
    const auto first = ctx.published("first_step");
    if (!first || *first == step_) return;
    const std::string from = store_ ? store_->dir().string() : std::string("its checkpoints");
    throw std::runtime_error("starts at step " + std::to_string(step_) +
                             (step_ > 0 ? " (resumed from " + from + ")" : std::string(" (nothing to resume)")) +
                             " but the sampler upstream starts at step " + std::to_string(*first) +
                             "; a sampler feeding a trainer must resume with it (resumes = true)");
  }

  // Clips per step over all ranks, when the sampler upstream says; 0 if not.
  int64_t global_batch(const Context& ctx) const {
    const auto rows = ctx.published("rank_batch_size");
    return rows ? *rows * (group_ ? group_->world_size() : 1) : 0;
  }

  // The loss groups must cut every batch evenly, and, with batch norm per
  // group, each process's share; and no title may straddle two groups.
  void check_loss_groups(const Context& ctx) const {
    const int64_t g = ctx.param(kLossGroup);
    if (g == 0) return;
    const std::string groups = "loss_group = " + std::to_string(g);
    if (const auto rows = ctx.published("rank_batch_size")) {
      const int64_t world = group_ ? group_->world_size() : 1, global = *rows * world;
      if (global % g != 0)
        throw std::invalid_argument(groups + " does not divide the global batch of " + std::to_string(global) +
                                    " clips; choose a divisor (the paper: 64 of 512)");
      if (ctx.param(kBatchNorm) == NormScope::kLossGroup && *rows % g != 0)
        throw std::invalid_argument("batch_norm = \"loss_group\" needs each process's " + std::to_string(*rows) +
                                    " clips to be whole loss groups, but " + groups + " does not divide them; "
                                    "use fewer processes or a smaller loss_group");
    }
    if (const auto k = ctx.published("title_group"); k && g % *k != 0)
      throw std::invalid_argument(groups + " is not a multiple of the sampler's " + std::to_string(*k) +
                                  " snippets per title (k): a title would straddle two loss groups");
  }

  // A video batch and an audio (or labels) batch step together only when
  // they hold the same items (the batch nodes record their item numbers), so
  // a branch that drops or reorders a clip fails the run instead of pairing
  // the wrong sound, or label, with a picture.
  void require_same_items(const std::vector<uint64_t>& video, const std::vector<uint64_t>& other,
                          const char* other_name) const {
    if (video.empty() || other.empty() || video == other) return;
    size_t i = 0;
    while (i < video.size() && i < other.size() && video[i] == other[i]) ++i;
    auto at = [](const std::vector<uint64_t>& v, size_t k) {
      return k < v.size() ? "item " + std::to_string(v[k]) : std::string("the end of the batch");
    };
    throw std::invalid_argument("the video batch of items " + std::to_string(video.front()) + ".. and the " +
                                other_name + " batch of " + std::to_string(other.front()) + ".. differ at position " +
                                std::to_string(i) + " (" + at(video, i) + " against " + at(other, i) +
                                "): the branches must carry the same clips in the same order");
  }

  // Loss terms that read the clips' labels need the labels input; a step
  // waits for a labels batch only when it is connected.
  void check_labels_input(const Context& ctx) {
    labels_connected_ = ctx.connected(kLabels);
    if (labels_connected_) return;
    for (const auto& t : objective_.terms)
      if (t.term->reads_labels())
        throw std::invalid_argument("loss term '" + t.name + "' reads the clips' labels, but nothing is connected to "
                                    "this node's labels input: batch them (e.g. temporal_transform's labels) into it, "
                                    "or give the term a weight of 0");
  }

  // Queues one step on the device; complete() reads its result.
  void launch(StagedTensor staged_video, StagedTensor staged_audio, const Labels& labels) {
    const auto start = std::chrono::steady_clock::now();
    at::Tensor video = staging_->take(std::move(staged_video)), audio = staging_->take(std::move(staged_audio));
    if (video.size(0) != audio.size(0))
      throw std::invalid_argument("video batch of " + std::to_string(video.size(0)) + " clips paired with an audio batch of " +
                                  std::to_string(audio.size(0)));
    if (channels_last_) {
      video = to_channels_last(video);
      audio = to_channels_last(audio);
    }
    // LibTorch's intra-op thread count belongs to the calling thread, and
    // the engine may run each step on a different worker.
    if (at::get_num_threads() != threads_) at::set_num_threads(threads_);
    const double lr = schedule_.at(std::min(step_, schedule_.total_steps));
    for (auto& group : optimizer_->param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    model_->train();
    LaunchedStep step =
        launch_training_step(model_, *optimizer_, video, audio, objective_, labels, group_.get(), autocast_);
    ++step_;
    pending_ = PendingStep{std::move(step), lr, start, step_};
  }

  // Waits for the step in flight, emits its row, then checkpoints and
  // snapshots as scheduled: the model holds exactly that step's update.
  void complete(Context& ctx) {
    if (!pending_) return;
    const PendingStep done = std::move(*pending_);
    pending_.reset();
    const StepResult r = done.step.wait();
    // Since the step before was done (or this one started, the first time):
    // the rate the run trains at, waits for data, checkpoints and snapshots
    // included, whether or not steps overlap.
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - (last_done_ ? *last_done_ : done.start)).count();
    last_done_ = now;
    Scalars row;
    row.step = done.row_step;
    row.values = {{"loss", r.loss},  // with several ranks: of the global batch, and so is grad_norm
                  {"lr", done.lr},
                  {"grad_norm", r.grad_norm},
                  {"epoch", static_cast<double>(done.row_step) / static_cast<double>(steps_per_epoch_)},
                  {"clips_per_s", static_cast<double>(r.batch) / seconds}};
    for (const auto& [name, value] : r.values) row.values.emplace_back(name, value);  // loss terms, pretext accuracies
    ctx.emit(kMetrics, std::move(row));
    if (store_ && every_ > 0 && step_ % every_ == 0) save();
    if (snapshot_every_ > 0 && step_ % snapshot_every_ == 0) snapshot(ctx);
  }

  void snapshot(Context& ctx) {
    snapshot_step_ = step_;
    ctx.emit(kModel, snapshot_of(model_, step_, static_cast<double>(step_) / static_cast<double>(steps_per_epoch_)));
  }

  bool writes_checkpoints() const { return !group_ || group_->rank() == 0; }

  static ObjectiveNames objective_names(const ParamSet& p) {
    return {.heads = p.get(kHeads), .terms = p.get(kLossTerms), .weights = p.get(kLossWeights),
            .settings = p.get(kLossSettings)};
  }
  // Saved and restored beside the model when there are any.
  torch::nn::Module* heads() { return objective_.has_heads() ? objective_.heads.get() : nullptr; }

  void save() {
    saved_step_ = step_;
    if (!writes_checkpoints()) return;
    store_->save(model_, *optimizer_, step_, {{"epoch", std::to_string(step_ / steps_per_epoch_)}}, heads());
    AVFLOW_LOG(debug) << label_ << ": checkpoint at step " << step_;
  }

  at::Device device_{at::kCPU};
  std::shared_ptr<Distributed> group_;  // null: this process alone
  AvModel model_{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer_;
  std::optional<at::ScalarType> autocast_;  // precision = bf16
  StepObjective objective_;  // loss terms, their weights and the extra heads
  LrSchedule schedule_;
  int threads_ = 1;
  int64_t steps_per_epoch_ = 1, step_ = 0, saved_step_ = -1, every_ = 0;
  int64_t snapshot_every_ = 0, snapshot_step_ = -1;  // the step of the last snapshot, -1: none yet
  std::optional<CheckpointStore> store_;
  std::optional<DeviceStaging> staging_;
  std::deque<StagedTensor> videos_, audios_;  // copies started, not yet stepped on
  std::deque<std::vector<uint64_t>> video_items_, audio_items_;  // their items
  std::deque<at::Tensor> labels_;                        // label batches not yet stepped on
  std::deque<std::vector<uint64_t>> label_items_;
  bool labels_connected_ = false;
  struct PendingStep {
    LaunchedStep step;
    double lr = 0;
    std::chrono::steady_clock::time_point start;
    int64_t row_step = 0;
  };
  std::optional<PendingStep> pending_;  // launched, its loss not yet read
  std::optional<std::chrono::steady_clock::time_point> last_done_;  // when the last row was made
  bool overlap_ = false, channels_last_ = false;
  std::string label_;  // the node, and the rank when distributed
};

AVFLOW_REGISTER(TrainStep, "train_step", "contrastive pretraining step: model, Eq. 1 loss, Adam with warm-up and cosine, checkpoints");

}  // namespace avflow::ops
