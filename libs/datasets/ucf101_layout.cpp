#include "libs/datasets/ucf101_layout.h"

#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>

#include "libs/datasets/file_lookup.h"
#include "libs/datasets/layout_problems.h"

namespace avflow::datasets {

namespace fs = std::filesystem;

namespace {

// classInd.txt: "<n> <Class>" with n = 1, 2, ... in order.
std::vector<std::string> read_class_index(const fs::path& file, LayoutProblems& problems) {
  std::vector<std::string> classes;
  std::set<std::string> seen;
  for_each_line(file, problems, [&](int line, const std::string& text) {
    const auto f = fields_of(text);
    int64_t number = 0;
    if (f.size() != 2 || !parse_int(f[0], 1, 1 << 20, number)) {
      problems.add(file, line, "expected '<class number> <class name>', found '" + text + "'");
      return;
    }
    if (number != static_cast<int64_t>(classes.size()) + 1)
      problems.add(file, line, "class number " + f[0] + " where " + std::to_string(classes.size() + 1) +
                                   " comes next (classes are numbered 1, 2, ... in order)");
    if (!seen.insert(lower_case(f[1])).second) problems.add(file, line, "class '" + f[1] + "' is listed twice");
    classes.push_back(f[1]);
  });
  if (classes.empty() && problems.empty()) problems.add(file, 0, "no classes");
  return classes;
}

}  // namespace

LabelledSplit read_ucf101(const fs::path& videos, const fs::path& lists, int split, const LayoutOptions& options) {
  if (split < 1 || split > 3) throw std::invalid_argument("UCF101 has splits 1, 2 and 3, not " + std::to_string(split));
  LayoutProblems problems;
  LabelledSplit out;
  out.dataset = "ucf101";
  out.split = split;
  out.classes = read_class_index(lists / "classInd.txt", problems);
  std::map<std::string, int64_t> label_of;  // lower-case class -> label
  for (size_t i = 0; i < out.classes.size(); ++i) label_of.emplace(lower_case(out.classes[i]), static_cast<int64_t>(i));

  FileLookup lookup;
  std::map<std::string, std::string> listed;  // lower-case entry -> "file:line" of its first listing
  const auto read_list = [&](const fs::path& file, bool train, std::vector<LabelledFile>& into) {
    for_each_line(file, problems, [&](int line, const std::string& text) {
      const auto f = fields_of(text);
      const bool fields_ok = train ? f.size() == 2 : f.size() == 1 || f.size() == 2;
      if (!fields_ok) {
        problems.add(file, line, train ? "expected '<Class>/<video>.avi <class number>', found '" + text + "'"
                                       : "expected '<Class>/<video>.avi', found '" + text + "'");
        return;
      }
      const fs::path entry(f[0]);
      const std::string folder = entry.has_parent_path() ? entry.parent_path().string() : std::string();
      const auto cls = label_of.find(lower_case(folder));
      if (folder.empty() || cls == label_of.end()) {
        problems.add(file, line, "'" + f[0] + "' is not in a class folder of classInd.txt" +
                                     did_you_mean(folder, out.classes));
        return;
      }
      if (train || f.size() == 2) {  // some copies of the test lists carry the number too
        int64_t number = 0;
        if (!parse_int(f[1], 1, static_cast<int64_t>(out.classes.size()), number)) {
          problems.add(file, line, "class number '" + f[1] + "' is not one of classInd.txt's 1-" +
                                       std::to_string(out.classes.size()));
          return;
        }
        if (number - 1 != cls->second) {
          problems.add(file, line, "class number " + f[1] + " is '" + out.classes[static_cast<size_t>(number - 1)] +
                                       "' in classInd.txt, but the video is in folder '" + folder + "' (class " +
                                       std::to_string(cls->second + 1) + ")");
          return;
        }
      }
      const std::string where = file.filename().string() + ":" + std::to_string(line);
      const auto [first, added] = listed.emplace(lower_case(f[0]), where);
      if (!added) {
        problems.add(file, line, "'" + f[0] + "' is listed already (" + first->second + ")");
        return;
      }
      fs::path path = videos / entry;
      if (options.require_files) {
        const auto found = lookup.find(videos, entry);
        if (!found) {
          problems.add(file, line, "no video " + path.string());
          return;
        }
        path = *found;
      }
      into.push_back({path, cls->second});
    });
  };
  char name[32];
  std::snprintf(name, sizeof name, "trainlist%02d.txt", split);
  read_list(lists / name, true, out.train);
  std::snprintf(name, sizeof name, "testlist%02d.txt", split);
  read_list(lists / name, false, out.test);
  problems.throw_if_any();
  return out;
}

}  // namespace avflow::datasets
