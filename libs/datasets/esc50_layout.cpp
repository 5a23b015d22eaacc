#include "libs/datasets/esc50_layout.h"

#include <map>
#include <set>
#include <stdexcept>

#include "libs/datasets/file_lookup.h"
#include "libs/datasets/layout_problems.h"

namespace avflow::datasets {

namespace fs = std::filesystem;

namespace {

// ESC-50's CSV has no quoted fields; a field with a quote is refused rather
// than misread.
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    fields.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return fields;
    start = comma + 1;
  }
}

}  // namespace

LabelledSplit read_esc50(const fs::path& root, int test_fold, const LayoutOptions& options) {
  if (test_fold < 1 || test_fold > 5) throw std::invalid_argument("ESC-50 has folds 1 to 5, not " + std::to_string(test_fold));
  LayoutProblems problems;
  LabelledSplit out;
  out.dataset = "esc50";
  out.split = test_fold;
  const fs::path csv = root / "meta" / "esc50.csv";
  std::map<std::string, size_t> column;  // name -> index
  size_t header_fields = 0;
  bool header_ok = true;
  std::map<int64_t, std::pair<std::string, int>> category_of;  // target -> (category, first line)
  std::set<std::string> seen;
  std::vector<std::pair<LabelledFile, int64_t>> rows;  // with their fold
  FileLookup lookup;
  bool header = true;
  for_each_line(csv, problems, [&](int line, const std::string& text) {
    const auto f = csv_fields(text);
    if (header) {
      header = false;
      header_fields = f.size();
      for (size_t i = 0; i < f.size(); ++i) {
        // A name given twice would leave a column no row's field is checked against.
        if (!column.emplace(f[i], i).second) {
          problems.add(csv, line, "the header names the column '" + f[i] + "' twice ('" + text + "')");
          header_ok = false;
        }
      }
      for (const char* needed : {"filename", "fold", "target", "category"})
        if (!column.count(needed)) {
          problems.add(csv, line, std::string("the header has no '") + needed + "' column ('" + text + "')");
          header_ok = false;
        }
      return;
    }
    if (!header_ok) return;  // reported at the header
    if (text.find('"') != std::string::npos || f.size() != header_fields) {
      problems.add(csv, line, std::to_string(f.size()) + " fields where the header has " + std::to_string(header_fields) +
                                  " (quoted fields are not expected in esc50.csv)");
      return;
    }
    int64_t fold = 0, target = 0;
    if (!parse_int(f[column["fold"]], 1, 5, fold)) {
      problems.add(csv, line, "fold '" + f[column["fold"]] + "' is not 1 to 5");
      return;
    }
    if (!parse_int(f[column["target"]], 0, 100000, target)) {
      problems.add(csv, line, "target '" + f[column["target"]] + "' is not a class number");
      return;
    }
    const std::string& category = f[column["category"]];
    const auto [known, added] = category_of.emplace(target, std::make_pair(category, line));
    if (!added && known->second.first != category) {
      problems.add(csv, line, "target " + std::to_string(target) + " is '" + category + "' here but '" +
                                  known->second.first + "' at line " + std::to_string(known->second.second));
      return;
    }
    const std::string& name = f[column["filename"]];
    if (!seen.insert(name).second) {
      problems.add(csv, line, "'" + name + "' is listed twice");
      return;
    }
    fs::path path = root / "audio" / name;
    if (options.require_files) {
      const auto found = lookup.find(root / "audio", name);
      if (!found) {
        problems.add(csv, line, "no audio file " + path.string());
        return;
      }
      path = *found;
    }
    rows.push_back({{path, target}, fold});
  });
  // Targets must be 0 .. C-1 with none missing.
  int64_t expected = 0;
  for (const auto& [target, category] : category_of) {
    if (target != expected) {
      problems.add(csv, 0, "no clip has target " + std::to_string(expected) + " (targets are 0 to " +
                               std::to_string(category_of.rbegin()->first) + ")");
      break;
    }
    out.classes.push_back(category.first);
    ++expected;
  }
  if (rows.empty() && problems.empty()) problems.add(csv, 0, "no clips");
  problems.throw_if_any();
  for (auto& [file, fold] : rows) (fold == test_fold ? out.test : out.train).push_back(std::move(file));
  return out;
}

}  // namespace avflow::datasets
