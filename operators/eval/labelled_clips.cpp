// labelled_clips: the files of a downstream data set's split, as clip
// requests with their labels.
//
//   [[node]]
//   name = "clips"
//   op = "labelled_clips"
//   dataset = "ucf101"            # ucf101 | hmdb51 | esc50
//   root = "data/ucf101"          # UCF-101/ + ucfTrainTestlist/, hmdb51_org/ + testTrainMulti_7030_splits/,
//                                 # or ESC-50-master/ (avflow demo-datasets writes all three); or the
//                                 # UCF-101, hmdb51_org or ESC-50-master folder itself (dataset_roots.h)
//   split = 1                     # UCF101, HMDB51: 1-3; ESC-50: the test fold, 1-5
//   part = "train"                # train: every file once per epoch, shuffled by seed
//   epochs = 150
//
// part = "test" emits every test file's views in file order: `clips` x
// `crops` requests per file (10 x 3 for video, 10 x 1 for audio), each
// naming its view, for clip_reader to cut and the classifier to average.
// part = "retrieval" emits the same views of every training file (the
// gallery) and then of every test file (the queries, marked `query`), for
// the retrieval operator.
// The split files are read in open(): a bad layout fails the run before any
// item, with every problem at its file and line. Each request's item number
// is its place in the stream, so the readers' random positions repeat.
#include <algorithm>
#include <random>

#include "engine/log.h"
#include "engine/operator.h"
#include "engine/registry.h"
#include "libs/datasets/dataset_roots.h"
#include "libs/datasets/esc50_layout.h"
#include "libs/datasets/hmdb51_layout.h"
#include "libs/datasets/ucf101_layout.h"
#include "operators/eval/clip_request.h"

namespace avflow::ops {

using namespace avflow::datasets;

enum class Dataset { kUcf101, kHmdb51, kEsc50 };
enum class Part { kTrain, kTest, kRetrieval };

class LabelledClips final : public Operator {
 public:
  static inline const Out<ClipRequest> kRequest{"request", "a labelled file, and for tests the view to read"};
  static inline const EnumParam<Dataset> kDataset{
      "dataset", Dataset::kUcf101,
      {{"ucf101", Dataset::kUcf101}, {"hmdb51", Dataset::kHmdb51}, {"esc50", Dataset::kEsc50}},
      "the data set's layout"};
  static inline const Param<std::string> kRoot{"root", kRequired, "the folder holding the layout's folders, or the videos' (ESC-50's) folder itself"};
  static inline const Param<int64_t> kSplit{"split", 1, Range{1, 5}, "UCF101 / HMDB51: split 1-3; ESC-50: test fold 1-5"};
  static inline const EnumParam<Part> kPart{
      "part", Part::kTrain, {{"train", Part::kTrain}, {"test", Part::kTest}, {"retrieval", Part::kRetrieval}},
      "train: the training files, shuffled; test: every view of the test files; retrieval: every view of the "
      "training files (the gallery), then of the test files (the queries)"};
  static inline const Param<int64_t> kEpochs{"epochs", 1, Range{1, 100000}, "train: passes over the files"};
  static inline const Param<int64_t> kClips{"clips", 10, Range{1, 1000}, "test: uniformly spaced clips per file"};
  static inline const Param<int64_t> kCrops{"crops", 3, Range{1, 3}, "test: crops per clip (3: left, center, right; 1: center)"};
  static inline const Param<int64_t> kSeed{"seed", 0, "shuffling seed"};
  static inline const Param<bool> kCheckFiles{"check_files", true, "refuse a split whose listed files are missing"};
  // UCF101 and HMDB51 have three splits, ESC-50 five folds.
  static std::optional<ParamProblem> split_in_range(const ParamSet& p) {
    if (p.get(kDataset) == Dataset::kEsc50 || p.get(kSplit) <= 3) return std::nullopt;
    return ParamProblem{kSplit.name(), "= " + std::to_string(p.get(kSplit)) + ", but " +
                                           kDataset.name_of(p.get(kDataset)) + " has splits 1 to 3"};
  }
  AVFLOW_CONTRACT(kRequest, kDataset, kRoot, kSplit, kPart, kEpochs, kClips, kCrops, kSeed, kCheckFiles,
                  rule("split is 1 to 3 for ucf101 and hmdb51, 1 to 5 for esc50", &LabelledClips::split_in_range),
                  Publishes{.name = "classes", .doc = "classes of the data set (a classifier's output size)"},
                  Publishes{.name = "epoch_items", .doc = "items per epoch (a trainer's schedule)"},
                  Publishes{.name = "epochs", .doc = "passes over the files", .value_param = "epochs"});

  void open(Context& ctx) override {
    const std::filesystem::path root = ctx.param(kRoot);
    const Dataset set = ctx.param(kDataset);
    const std::string dataset = kDataset.name_of(set);
    const int split = static_cast<int>(ctx.param(kSplit));
    const datasets::LayoutOptions options{.require_files = ctx.param(kCheckFiles)};
    // The layouts people unpack the archives in (dataset_roots.h).
    const datasets::DatasetFolders folders = set == Dataset::kUcf101   ? datasets::find_ucf101(root)
                                             : set == Dataset::kHmdb51 ? datasets::find_hmdb51(root)
                                                                       : datasets::find_esc50(root);
    const datasets::LabelledSplit s =
        set == Dataset::kUcf101   ? datasets::read_ucf101(folders.videos, folders.lists, split, options)
        : set == Dataset::kHmdb51 ? datasets::read_hmdb51(folders.videos, folders.lists, split, options)
                                  : datasets::read_esc50(folders.videos, split, options);
    const Part part = ctx.param(kPart);
    test_ = part != Part::kTrain;
    files_ = part == Part::kTest ? s.test : s.train;
    gallery_files_ = 0;
    if (part == Part::kRetrieval) {
      if (s.test.empty())
        throw std::runtime_error("the test part of " + dataset + " split " + std::to_string(split) + " in " +
                                 root.string() + " is empty: retrieval has no queries");
      gallery_files_ = files_.size();
      files_.insert(files_.end(), s.test.begin(), s.test.end());
    }
    if (files_.empty()) throw std::runtime_error("the " + kPart.name_of(ctx.param(kPart)) + " part of " + dataset + " split " +
                                                 std::to_string(split) + " in " + root.string() + " is empty");
    epochs_ = test_ ? 1 : ctx.param(kEpochs);
    clips_ = static_cast<int>(ctx.param(kClips));
    crops_ = static_cast<int>(ctx.param(kCrops));
    seed_ = static_cast<uint64_t>(ctx.param(kSeed));
    per_epoch_ = files_.size() * (test_ ? static_cast<size_t>(clips_ * crops_) : 1);
    ctx.publish("classes", static_cast<int64_t>(s.classes.size()));  // a classifier's output size
    ctx.publish("epoch_items", static_cast<int64_t>(per_epoch_));      // a trainer's schedule
    classes_ = s.classes;
    ctx.expect_items(per_epoch_ * static_cast<size_t>(epochs_));
    AVFLOW_LOG(info) << ctx.node() << ": " << dataset << " split " << split << ", " << s.classes.size() << " classes, "
                     << (gallery_files_ > 0 ? std::to_string(gallery_files_) + " gallery (training) and " +
                                                  std::to_string(files_.size() - gallery_files_) + " query (test)"
                                            : std::to_string(files_.size()) + " " + kPart.name_of(part))
                     << " files" << (test_ ? " x " + std::to_string(clips_ * crops_) + " views" : "");
  }

  void process(Context& ctx) override {
    if (next_ >= per_epoch_ * static_cast<size_t>(epochs_)) {
      ctx.end_of_stream();
      return;
    }
    const size_t epoch = next_ / per_epoch_, at = next_ % per_epoch_;
    if (!test_ && at == 0) shuffle(epoch);
    ClipRequest r;
    r.epoch = static_cast<int64_t>(epoch);
    if (test_) {
      const size_t views = static_cast<size_t>(clips_ * crops_);
      const auto& file = files_[at / views];
      r.path = file.path.string();
      r.label = file.label;
      r.view = static_cast<int>(at % views);
      r.class_name = classes_[static_cast<size_t>(file.label)];
      r.clips = clips_;
      r.crops = crops_;
      r.query = gallery_files_ > 0 && at / views >= gallery_files_;
    } else {
      const auto& file = files_[order_[at]];
      r.path = file.path.string();
      r.label = file.label;
      r.class_name = classes_[static_cast<size_t>(file.label)];
    }
    ++next_;
    ctx.emit(kRequest, std::move(r));
  }

 private:
  void shuffle(size_t epoch) {
    order_.resize(files_.size());
    for (size_t i = 0; i < order_.size(); ++i) order_[i] = i;
    std::mt19937_64 rng(seed_ * 1000003ULL + epoch);
    std::shuffle(order_.begin(), order_.end(), rng);
  }

  std::vector<datasets::LabelledFile> files_;
  std::vector<std::string> classes_;
  std::vector<size_t> order_;
  bool test_ = false;          // views in file order (test and retrieval)
  size_t gallery_files_ = 0;   // retrieval: files_[0, gallery_files_) are the gallery, the rest queries
  int64_t epochs_ = 1;
  int clips_ = 10, crops_ = 3;
  uint64_t seed_ = 0;
  size_t per_epoch_ = 0, next_ = 0;
};

AVFLOW_REGISTER(LabelledClips, "labelled_clips",
                "the labelled files of a UCF101, HMDB51 or ESC-50 split, as clip requests (test: every view)");

}  // namespace avflow::ops
