// retrieval: nearest-neighbour retrieval with a trained encoder, the protocol
// temporal self-supervision papers report on UCF101 and HMDB51. Each file's
// views are embedded (the encoder's last feature map averaged) and averaged
// into one embedding; every test file queries the training files by cosine
// similarity; recall at k is the fraction of queries with a neighbour of
// their class among their k nearest (libs/eval/retrieval.h).
//
//   [[node]]
//   name = "retrieval"
//   op = "retrieval"
//   encoder = "runs/pretrain_temporal/checkpoints/video_encoder.pt"   # or init = a state dict; neither: random weights
//   ks = [1, 5, 10, 20]
//   out = "{run_dir}/retrieval"                                      # neighbours.csv
//
//   [[edge]]  from = "clips.request"  to = "reader.request"     # labelled_clips, part = "retrieval"
//   [[edge]]  from = "clips.request"  to = "retrieval.request"
//   [[edge]]  from = "norm.out"       to = "retrieval.input"    # the view, prepared
//
// A view's request and its input are joined by item number, so they may
// arrive in any order; views are embedded `batch` at a time in evaluation
// mode without gradients.
#include <ATen/ATen.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

#include "engine/log.h"
#include "engine/operator.h"
#include "engine/payloads/scalars.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/device/device.h"
#include "libs/eval/retrieval.h"
#include "operators/eval/clip_request.h"
#include "operators/model/encoder_source.h"

namespace avflow::ops {

class Retrieval final : public Operator {
 public:
  static inline const In<Tensor> kInput{"input", "one view, prepared for the encoder"};
  static inline const In<ClipRequest> kRequest{"request", "the view's request: file, label, query or gallery"};
  static inline const Out<Scalars> kRecall{"recall", "at the end: recall_K for each k, queries, gallery, views"};
  static inline const Param<std::vector<int64_t>> kKs{"ks", std::vector<int64_t>{1, 5, 10, 20}, Range{1, 1 << 20},
                                                      "the k of each recall at k"};
  static inline const Param<int64_t> kSeed{"seed", 0, "random weights (neither encoder nor init): their seed"};
  static inline const Param<std::string> kOut{"out", "", "folder for neighbours.csv (each query's nearest files)"};
  static inline const Param<int64_t> kBatch{"batch", 30, Range{1, 1 << 16}, "views per forward pass"};
  static inline const Param<std::string> kDevice = device::device_param();
  AVFLOW_CONTRACT(kInput, kRequest, kRecall, EncoderSource::kEncoder, EncoderSource::kInit, EncoderSource::kModality,
                  EncoderSource::kWidth, EncoderSource::kBlocks, kKs, kSeed, kOut, kBatch, kDevice,
                  at_most_one_of(EncoderSource::kEncoder, EncoderSource::kInit));

  void open(Context& ctx) override {
    device_ = device::resolve_device(ctx.param(kDevice));
    std::string loaded;
    model_ = EncoderSource::load(ctx, static_cast<uint64_t>(ctx.param(kSeed)), loaded);
    model_->to(device_);
    ks_ = ctx.param(kKs);
    if (ks_.empty()) throw std::runtime_error("ks is empty: name at least one k, e.g. [1, 5, 10, 20]");
    batch_ = static_cast<size_t>(ctx.param(kBatch));
    out_ = ctx.param(kOut);
    started_ = std::chrono::steady_clock::now();
    AVFLOW_LOG(info) << ctx.node() << ": " << ctx.param(EncoderSource::kModality) << " " << loaded << " on "
                     << device_.str();
  }

  void process(Context& ctx) override {
    View& view = waiting_[ctx.item()];
    if (ctx.has(kInput)) {
      view.input = ctx.input(kInput).get();
    } else {
      const ClipRequest& r = ctx.input(kRequest);
      view.file = r.path;
      view.label = r.label;
      view.query = r.query;
      view.ready = true;
    }
    if (view.ready && view.input.defined()) {
      ready_.push_back(std::move(view));
      waiting_.erase(ctx.item());
      if (ready_.size() >= batch_) embed_ready();
    }
  }

  void finish(Context& ctx) override {
    embed_ready();
    if (!waiting_.empty())
      throw std::runtime_error(std::to_string(waiting_.size()) + " view(s) arrived without their request or input");
    eval::LabelledEmbeddings queries, gallery;
    std::vector<std::string> query_files, gallery_files;
    std::vector<at::Tensor> query_rows, gallery_rows;
    for (const auto& [file, sum] : files_) {  // in file-name order
      (sum.query ? query_rows : gallery_rows).push_back(sum.values / static_cast<double>(sum.views));
      (sum.query ? queries : gallery).labels.push_back(sum.label);
      (sum.query ? query_files : gallery_files).push_back(file);
    }
    if (query_rows.empty() || gallery_rows.empty())
      throw std::runtime_error("retrieval needs queries and a gallery, but " + std::to_string(query_rows.size()) +
                               " query and " + std::to_string(gallery_rows.size()) +
                               " gallery files arrived (labelled_clips with part = \"retrieval\" sends both)");
    queries.values = at::stack(query_rows);
    gallery.values = at::stack(gallery_rows);
    // Each query's max(ks) nearest files, for the recalls and neighbours.csv alike.
    const at::Tensor nn = eval::nearest_neighbours(queries, gallery, *std::max_element(ks_.begin(), ks_.end()));
    const std::vector<double> recall = eval::recall_from_neighbours(nn, queries.labels, gallery.labels, ks_);
    if (!out_.empty()) write_neighbours(nn, queries, gallery, query_files, gallery_files);

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    Scalars row;
    row.step = 0;
    std::string summary;
    for (size_t i = 0; i < ks_.size(); ++i) {
      row.values.emplace_back("recall_" + std::to_string(ks_[i]), recall[i]);
      summary += (i ? ", R@" : "R@") + std::to_string(ks_[i]) + " " + std::to_string(recall[i]).substr(0, 6);
    }
    row.values.emplace_back("queries", static_cast<double>(query_rows.size()));
    row.values.emplace_back("gallery", static_cast<double>(gallery_rows.size()));
    row.values.emplace_back("views", views_);
    row.values.emplace_back("views_per_s", views_ / std::max(seconds, 1e-9));
    AVFLOW_LOG(info) << ctx.node() << ": " << summary << " over " << query_rows.size() << " queries against "
                     << gallery_rows.size() << " gallery files (" << views_ << " views)";
    ctx.emit(kRecall, std::move(row));
  }

 private:
  struct View {
    std::string file;
    int64_t label = 0;
    bool query = false;
    bool ready = false;  // the request arrived
    at::Tensor input;
  };
  struct FileSum {
    int64_t label = 0;
    bool query = false;
    int views = 0;
    at::Tensor values;  // float [d], the views' embeddings summed
  };

  void embed_ready() {
    if (ready_.empty()) return;
    const device::DeviceScope on_device(device_);
    std::vector<at::Tensor> inputs;
    for (const auto& v : ready_) inputs.push_back(v.input);
    at::Tensor features;
    {
      torch::NoGradGuard no_grad;
      features = model_->features(at::stack(inputs).to(device_)).to(at::kCPU, at::kFloat);
    }
    for (size_t i = 0; i < ready_.size(); ++i) {
      const View& v = ready_[i];
      FileSum& sum = files_[v.file];
      if (sum.views > 0 && (sum.label != v.label || sum.query != v.query))
        throw std::runtime_error(v.file + " arrived with two labels or as both query and gallery");
      const at::Tensor row = features[static_cast<int64_t>(i)];
      sum.values = sum.views == 0 ? row.clone() : sum.values + row;
      sum.label = v.label;
      sum.query = v.query;
      ++sum.views;
    }
    views_ += static_cast<double>(ready_.size());
    ready_.clear();
  }

  // neighbours.csv: each query's max(ks) nearest gallery files, nearest first.
  void write_neighbours(const at::Tensor& nn, const eval::LabelledEmbeddings& queries,
                        const eval::LabelledEmbeddings& gallery, const std::vector<std::string>& query_files,
                        const std::vector<std::string>& gallery_files) const {
    std::filesystem::create_directories(out_);
    std::ofstream csv(std::filesystem::path(out_) / "neighbours.csv");
    csv << "query,query_class,rank,neighbour,neighbour_class\n";
    const int64_t kept = nn.size(1);
    const int64_t* index = nn.data_ptr<int64_t>();
    for (size_t q = 0; q < query_files.size(); ++q)
      for (int64_t r = 0; r < kept; ++r) {
        const auto g = static_cast<size_t>(index[static_cast<int64_t>(q) * kept + r]);
        csv << query_files[q] << "," << queries.labels[q] << "," << r + 1 << "," << gallery_files[g] << ","
            << gallery.labels[g] << "\n";
      }
  }

  at::Device device_{at::kCPU};
  model::Classifier model_{nullptr};
  std::vector<int64_t> ks_;
  size_t batch_ = 30;
  std::string out_;
  std::map<uint64_t, View> waiting_;  // by item number, until request and input are both in
  std::vector<View> ready_;
  std::map<std::string, FileSum> files_;
  double views_ = 0;
  std::chrono::steady_clock::time_point started_;
};

AVFLOW_REGISTER(Retrieval, "retrieval",
                "nearest-neighbour retrieval: test files query training files by their encoder embedding, recall at k");

}  // namespace avflow::ops
