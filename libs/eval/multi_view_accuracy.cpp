#include "libs/eval/multi_view_accuracy.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>
#include <stdexcept>

namespace avflow::eval {

ViewAverager::ViewAverager(int classes) : classes_(classes) {
  if (classes < 1) throw std::invalid_argument("a classifier needs at least one class");
}

void ViewAverager::add(const std::string& file, int64_t label, const std::vector<double>& scores) {
  if (static_cast<int>(scores.size()) != classes_)
    throw std::invalid_argument("view of '" + file + "': " + std::to_string(scores.size()) + " scores for " +
                                std::to_string(classes_) + " classes");
  if (label < 0 || label >= classes_)
    throw std::invalid_argument("view of '" + file + "': label " + std::to_string(label) + " is not a class (0-" +
                                std::to_string(classes_ - 1) + ")");
  auto [it, added] = files_.try_emplace(file);
  Sum& sum = it->second;
  if (added) {
    sum.label = label;
    sum.scores.assign(static_cast<size_t>(classes_), 0.0);
  } else if (sum.label != label) {
    throw std::invalid_argument("views of '" + file + "' carry labels " + std::to_string(sum.label) + " and " +
                                std::to_string(label));
  }
  for (size_t c = 0; c < scores.size(); ++c) sum.scores[c] += scores[c];
  ++sum.views;
}

std::vector<ViewAverager::FilePrediction> ViewAverager::predictions() const {
  std::vector<FilePrediction> out;
  for (const auto& [file, sum] : files_) {
    FilePrediction p{file, sum.label, sum.views, sum.scores};
    for (double& s : p.mean_scores) s /= sum.views;
    out.push_back(std::move(p));
  }
  return out;
}

AccuracyReport accuracy_report(const std::vector<ViewAverager::FilePrediction>& predictions, int classes) {
  AccuracyReport r;
  r.confusion.assign(static_cast<size_t>(classes), std::vector<int64_t>(static_cast<size_t>(classes), 0));
  std::vector<int64_t> right(static_cast<size_t>(classes), 0), total(static_cast<size_t>(classes), 0);
  std::set<int> views;
  int64_t top1 = 0, top5 = 0;
  for (const auto& p : predictions) {
    if (static_cast<int>(p.mean_scores.size()) != classes || p.label < 0 || p.label >= classes)
      throw std::invalid_argument("prediction for '" + p.file + "' does not match " + std::to_string(classes) +
                                  " classes");
    std::vector<int> order(static_cast<size_t>(classes));
    std::iota(order.begin(), order.end(), 0);
    // Highest score first; ties to the lower class number.
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return p.mean_scores[static_cast<size_t>(a)] > p.mean_scores[static_cast<size_t>(b)]; });
    const auto label = static_cast<size_t>(p.label);
    ++r.confusion[label][static_cast<size_t>(order[0])];
    ++total[label];
    if (order[0] == p.label) {
      ++top1;
      ++right[label];
    }
    if (std::find(order.begin(), order.begin() + std::min(5, classes), static_cast<int>(p.label)) !=
        order.begin() + std::min(5, classes))
      ++top5;
    views.insert(p.views);
  }
  r.files = static_cast<int64_t>(predictions.size());
  if (r.files > 0) {
    r.top1 = static_cast<double>(top1) / static_cast<double>(r.files);
    r.top5 = static_cast<double>(top5) / static_cast<double>(r.files);
  }
  for (size_t c = 0; c < right.size(); ++c)
    r.per_class.push_back(total[c] > 0 ? static_cast<double>(right[c]) / static_cast<double>(total[c])
                                       : std::numeric_limits<double>::quiet_NaN());
  r.views_per_file.assign(views.begin(), views.end());
  return r;
}

std::string confusion_csv(const AccuracyReport& report, const std::vector<std::string>& classes) {
  if (classes.size() != report.confusion.size())
    throw std::invalid_argument(std::to_string(classes.size()) + " class names for a " +
                                std::to_string(report.confusion.size()) + "-class confusion matrix");
  std::string csv = "true \\ predicted";
  for (const auto& c : classes) csv += "," + c;
  csv += "\n";
  for (size_t t = 0; t < classes.size(); ++t) {
    csv += classes[t];
    for (int64_t n : report.confusion[t]) csv += "," + std::to_string(n);
    csv += "\n";
  }
  return csv;
}

SplitMean mean_over_splits(const std::vector<AccuracyReport>& splits) {
  SplitMean m;
  for (const auto& s : splits) {
    m.top1 += s.top1;
    m.top5 += s.top5;
    ++m.splits;
  }
  if (m.splits > 0) {
    m.top1 /= m.splits;
    m.top5 /= m.splits;
  }
  return m;
}

}  // namespace avflow::eval
