// classify: multi-view testing of a trained classifier (finetune_step's).
// Every view of every test file is classified, each file's view scores
// (softmax) are averaged, and at the end one row reports top-1 and top-5
// accuracy; the per-class accuracy and the confusion matrix go to `out`.
//
//   [[node]]
//   name = "test"
//   op = "classify"
//   classifier = "runs/eval_ucf101/split1"    # finetune_step's out
//   out = "runs/eval_ucf101/split1/test"      # per_class.csv, confusion.csv, confusion.png
//
//   [[edge]]  from = "clips.request"  to = "test.request"   # labelled_clips, part = "test"
//   [[edge]]  from = "norm.out"       to = "test.input"     # the view, prepared (float [3, T, H, W] or [1, F, T])
//
// A view's request and its prepared input are joined by item number, so
// they may arrive in any order; views are classified `batch` at a time in
// evaluation mode without gradients.
#include <ATen/ATen.h>
#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "engine/log.h"
#include "engine/operator.h"
#include "engine/payloads/scalars.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/device/device.h"
#include "operators/eval/clip_request.h"
#include "libs/eval/multi_view_accuracy.h"
#include "libs/model/classifier.h"
#include "libs/plot/confusion_matrix.h"

namespace avflow::ops {

using namespace avflow::device;
using namespace avflow::eval;
using namespace avflow::model;
using namespace avflow::plot;

class Classify final : public Operator {
 public:
  static inline const In<Tensor> kInput{"input", "one view, prepared for the classifier"};
  static inline const In<ClipRequest> kRequest{"request", "the view's request: file, label, view"};
  static inline const Out<Scalars> kAccuracy{"accuracy", "at the end: top1, top5, files, views, views_per_s"};
  static inline const Param<std::string> kClassifier{"classifier", kRequired, "folder of a trained classifier"};
  static inline const Param<std::string> kOut{"out", "", "folder for per_class.csv, confusion.csv and confusion.png"};
  static inline const Param<std::string> kTitle{"title", "", "title of the confusion matrix plot"};
  static inline const Param<int64_t> kBatch{"batch", 30, Range{1, 1 << 16}, "views per forward pass"};
  static inline const Param<std::string> kDevice = device::device_param();
  AVFLOW_CONTRACT(kInput, kRequest, kAccuracy, kClassifier, kOut, kTitle, kBatch, kDevice);

  void open(Context& ctx) override {
    device_ = device::resolve_device(ctx.param(kDevice));
    model_ = model::load_classifier(ctx.param(kClassifier));
    model_->to(device_);
    model_->eval();
    classes_ = static_cast<int>(model_->options().classes);
    averager_ = std::make_unique<ViewAverager>(classes_);
    batch_ = static_cast<size_t>(ctx.param(kBatch));
    out_ = ctx.param(kOut);
    title_ = ctx.param(kTitle);
    started_ = std::chrono::steady_clock::now();
  }

  void process(Context& ctx) override {
    const device::DeviceScope on_device(device_);
    View& view = waiting_[ctx.item()];
    if (ctx.has(kInput)) {
      view.input = ctx.input(kInput).get();
    } else {
      const ClipRequest& r = ctx.input(kRequest);
      if (r.label >= classes_)
        throw std::runtime_error(r.path + " has class " + std::to_string(r.label) + " but the classifier knows " +
                                 std::to_string(classes_) + " classes");
      view.file = r.path;
      view.label = r.label;
      view.ready = true;
      names_[r.label] = r.class_name;
    }
    if (view.ready && view.input.defined()) {
      ready_.push_back(std::move(view));
      waiting_.erase(ctx.item());
      if (ready_.size() >= batch_) classify_ready();
    }
  }

  void finish(Context& ctx) override {
    const device::DeviceScope on_device(device_);
    classify_ready();
    if (!waiting_.empty())
      throw std::runtime_error(std::to_string(waiting_.size()) + " view(s) arrived without their request or input");
    const auto predictions = averager_->predictions();
    const AccuracyReport report = accuracy_report(predictions, classes_);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    std::vector<std::string> names;
    for (int c = 0; c < classes_; ++c)
      names.push_back(names_.count(c) && !names_[c].empty() ? names_[c] : "class " + std::to_string(c));
    if (!out_.empty()) write_reports(report, names);
    AVFLOW_LOG(info) << ctx.node() << ": top-1 " << report.top1 << ", top-5 " << report.top5 << " over " << report.files
                     << " files (" << views_ << " views, " << views_ / std::max(seconds, 1e-9) << " views/s)";
    Scalars row;
    row.step = 0;
    row.values = {{"top1", report.top1},
                  {"top5", report.top5},
                  {"files", static_cast<double>(report.files)},
                  {"views", static_cast<double>(views_)},
                  {"views_per_s", views_ / std::max(seconds, 1e-9)}};
    ctx.emit(kAccuracy, std::move(row));
  }

 private:
  struct View {
    std::string file;
    int64_t label = 0;
    bool ready = false;  // the request arrived
    at::Tensor input;
  };

  void classify_ready() {
    if (ready_.empty()) return;
    std::vector<at::Tensor> inputs;
    for (const auto& v : ready_) inputs.push_back(v.input);
    torch::NoGradGuard no_grad;
    const at::Tensor scores = torch::softmax(model_->forward(at::stack(inputs).to(device_)), 1).to(at::kCPU, at::kDouble);
    for (size_t i = 0; i < ready_.size(); ++i) {
      const at::Tensor row = scores[static_cast<int64_t>(i)].contiguous();
      averager_->add(ready_[i].file, ready_[i].label,
                     std::vector<double>(row.data_ptr<double>(), row.data_ptr<double>() + row.numel()));
    }
    views_ += static_cast<double>(ready_.size());
    ready_.clear();
  }

  void write_reports(const AccuracyReport& report, const std::vector<std::string>& names) const {
    std::filesystem::create_directories(out_);
    std::ofstream(std::filesystem::path(out_) / "confusion.csv") << confusion_csv(report, names);
    std::ofstream per_class(std::filesystem::path(out_) / "per_class.csv");
    per_class << "class,files,top1\n";
    for (size_t c = 0; c < names.size(); ++c) {
      int64_t files = 0;
      for (int64_t n : report.confusion[c]) files += n;
      per_class << names[c] << "," << files << "," << report.per_class[c] << "\n";
    }
    plot::write_confusion_png(report.confusion, names, title_, (std::filesystem::path(out_) / "confusion.png").string());
  }

  at::Device device_{at::kCPU};
  model::Classifier model_{nullptr};
  int classes_ = 0;
  std::unique_ptr<ViewAverager> averager_;
  size_t batch_ = 30;
  std::string out_, title_;
  std::map<uint64_t, View> waiting_;  // by item number, until request and input are both in
  std::vector<View> ready_;
  std::map<int64_t, std::string> names_;
  double views_ = 0;
  std::chrono::steady_clock::time_point started_;
};

AVFLOW_REGISTER(Classify, "classify",
                "multi-view testing: a trained classifier's view scores averaged per file, top-1 / top-5, confusion");

}  // namespace avflow::ops
