#include "libs/datasets/layout_problems.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace avflow::datasets {

bool for_each_line(const std::filesystem::path& file, LayoutProblems& problems,
                   const std::function<void(int, const std::string&)>& each) {
  std::ifstream in(file);
  if (!in) {
    problems.add(file, 0, "cannot read the file" + std::string(std::filesystem::exists(file) ? "" : ": it does not exist"));
    return false;
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const size_t end = line.find_last_not_of(" \t\r");
    if (end == std::string::npos) continue;
    each(number, line.substr(0, end + 1));
  }
  return true;
}

std::vector<std::string> fields_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> fields;
  for (std::string f; in >> f;) fields.push_back(f);
  return fields;
}

bool parse_int(const std::string& text, int64_t lo, int64_t hi, int64_t& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && out >= lo && out <= hi;
}

}  // namespace avflow::datasets
