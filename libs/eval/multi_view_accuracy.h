// Accuracy of a classifier under multi-view testing: each test file's view
// scores averaged into one prediction, then top-1 and top-5 accuracy,
// per-class accuracy and the confusion matrix (rows: true class, columns:
// predicted class), and the mean over splits as the standard protocols
// report it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace avflow::eval {

// Collects the views' class scores of every test file, in any order.
class ViewAverager {
 public:
  explicit ViewAverager(int classes);
  // `scores`: one per class (softmax probabilities or logits; averaged as
  // given). Throws std::invalid_argument for a wrong length, a label out of
  // range or a file seen with another label.
  void add(const std::string& file, int64_t label, const std::vector<double>& scores);

  struct FilePrediction {
    std::string file;
    int64_t label = 0;
    int views = 0;
    std::vector<double> mean_scores;
  };
  // One per file, sorted by file name.
  std::vector<FilePrediction> predictions() const;
  int classes() const { return classes_; }

 private:
  struct Sum {
    int64_t label = 0;
    int views = 0;
    std::vector<double> scores;
  };
  int classes_;
  std::map<std::string, Sum> files_;
};

struct AccuracyReport {
  int64_t files = 0;
  double top1 = 0, top5 = 0;                      // fractions in [0, 1]
  std::vector<double> per_class;                  // top-1 per true class; NaN for a class without files
  std::vector<std::vector<int64_t>> confusion;    // [true][predicted]
  std::vector<int> views_per_file;                // the distinct view counts seen (30 for video, 10 for audio)
};

// Ties go to the lower class number. Top-5 counts a file when its label is
// among the five highest scores (all of them with fewer than five classes).
AccuracyReport accuracy_report(const std::vector<ViewAverager::FilePrediction>& predictions, int classes);

// The confusion matrix as CSV: a header "true \ predicted,<class names>",
// then one row per true class.
std::string confusion_csv(const AccuracyReport& report, const std::vector<std::string>& classes);

// The mean of several splits' top-1 (and top-5) accuracies, the number the
// UCF101 / HMDB51 protocol reports over splits 1-3.
struct SplitMean {
  double top1 = 0, top5 = 0;
  int splits = 0;
};
SplitMean mean_over_splits(const std::vector<AccuracyReport>& splits);

}  // namespace avflow::eval
