// Shared by the layout readers: reading a list file line by line and
// collecting problems as diagnostics (labelled_split.h).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "libs/datasets/labelled_split.h"

namespace avflow::datasets {

class LayoutProblems {
 public:
  void add(const std::filesystem::path& file, int line, const std::string& message) {
    problems_.push_back({SourceLocation{file.string(), line, 0}, "", message});
  }
  bool empty() const { return problems_.empty(); }
  // Throws DatasetError when any problem was added.
  void throw_if_any() {
    if (!problems_.empty()) throw DatasetError(std::move(problems_));
  }

 private:
  std::vector<Diagnostic> problems_;
};

// Calls `each(line_number, text)` for every line that is not blank, with
// trailing whitespace (a Windows "\r" included) removed. A file that cannot
// be opened is a problem at line 0, and `each` is not called; returns false.
bool for_each_line(const std::filesystem::path& file, LayoutProblems& problems,
                   const std::function<void(int, const std::string&)>& each);

// Whitespace-separated fields.
std::vector<std::string> fields_of(const std::string& line);

// `text` as a whole decimal number in [lo, hi]; false when it is not one.
bool parse_int(const std::string& text, int64_t lo, int64_t hi, int64_t& out);

}  // namespace avflow::datasets
