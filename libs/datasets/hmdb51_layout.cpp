#include "libs/datasets/hmdb51_layout.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "libs/datasets/file_lookup.h"
#include "libs/datasets/layout_problems.h"

namespace avflow::datasets {

namespace fs = std::filesystem;

LabelledSplit read_hmdb51(const fs::path& videos, const fs::path& splits, int split, const LayoutOptions& options) {
  if (split < 1 || split > 3) throw std::invalid_argument("HMDB51 has splits 1, 2 and 3, not " + std::to_string(split));
  LayoutProblems problems;
  LabelledSplit out;
  out.dataset = "hmdb51";
  out.split = split;
  const std::string suffix = "_test_split" + std::to_string(split) + ".txt";
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(splits, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      files.push_back(entry.path());
  }
  if (ec) {
    problems.add(splits, 0, "cannot read the split folder: " + ec.message());
    problems.throw_if_any();
  }
  if (files.empty()) problems.add(splits, 0, "no <class>" + suffix + " files: not HMDB51's split folder");
  std::sort(files.begin(), files.end());

  FileLookup lookup;
  for (const auto& file : files) {
    const std::string name = file.filename().string();
    const std::string cls = name.substr(0, name.size() - suffix.size());
    const auto label = static_cast<int64_t>(out.classes.size());
    out.classes.push_back(cls);
    std::set<std::string> seen;
    size_t train = 0, test = 0;
    for_each_line(file, problems, [&](int line, const std::string& text) {
      const auto f = fields_of(text);
      int64_t mark = 0;
      if (f.size() != 2 || !parse_int(f[1], 0, 2, mark)) {
        problems.add(file, line, "expected '<video>.avi <0, 1 or 2>', found '" + text + "'");
        return;
      }
      if (!seen.insert(f[0]).second) {
        problems.add(file, line, "'" + f[0] + "' is listed twice");
        return;
      }
      if (mark == 0) return;  // not used in this split
      fs::path path = videos / cls / f[0];
      if (options.require_files) {
        const auto found = lookup.find(videos, fs::path(cls) / f[0]);
        if (!found) {
          problems.add(file, line, "no video " + path.string());
          return;
        }
        path = *found;
      }
      (mark == 1 ? out.train : out.test).push_back({path, label});
      ++(mark == 1 ? train : test);
    });
    if (seen.size() > 0 && (train == 0 || test == 0))
      problems.add(file, 0, "class '" + cls + "' has " + std::to_string(train) + " training and " +
                                std::to_string(test) + " test videos in split " + std::to_string(split));
  }
  problems.throw_if_any();
  return out;
}

}  // namespace avflow::datasets
