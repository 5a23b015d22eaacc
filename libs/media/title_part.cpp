#include "libs/media/title_part.h"

#include <cstdlib>
#include <stdexcept>

namespace avflow::media {
namespace {

bool whole_number(const std::string& s, long& out) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 9) return false;
  out = std::stol(s);
  return true;
}

}  // namespace

TitlePart parse_title_part(const std::string& text) {
  const size_t slash = text.find('/');
  long i = 0, n = 0;
  if (slash == std::string::npos || !whole_number(text.substr(0, slash), i) || !whole_number(text.substr(slash + 1), n))
    throw std::invalid_argument("part '" + text + "' is not i/N (the i-th of N parts, e.g. 2/8)");
  if (n < 1 || i < 1 || i > n)
    throw std::invalid_argument("part '" + text + "': i must be 1 to N (N at least 1)");
  return {static_cast<int>(i), static_cast<int>(n), "part = " + text};
}

std::optional<TitlePart> title_part(const std::string& text) {
  if (!text.empty()) return parse_title_part(text);
  const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
  const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
  if (id == nullptr || count == nullptr) return std::nullopt;
  const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
  const char* step = std::getenv("SLURM_ARRAY_TASK_STEP");
  long task = 0, n = 0, first = 0, stride = 1;
  const bool read = whole_number(id, task) && whole_number(count, n) &&
                    (min == nullptr || whole_number(min, first)) && (step == nullptr || whole_number(step, stride));
  if (!read || stride < 1 || task < first || (task - first) % stride != 0 || (task - first) / stride >= n)
    throw std::invalid_argument(std::string("SLURM_ARRAY_TASK_ID=") + id + " is not one of SLURM_ARRAY_TASK_COUNT=" +
                                count + " tasks from SLURM_ARRAY_TASK_MIN=" + (min ? min : "0") + " by " +
                                (step ? step : "1") + " (a job array with gaps? set part = \"i/N\")");
  return TitlePart{static_cast<int>((task - first) / stride + 1), static_cast<int>(n),
                   std::string("SLURM_ARRAY_TASK_ID=") + id + " of SLURM_ARRAY_TASK_COUNT=" + count};
}

std::vector<Title> take_part(std::vector<Title> titles, const TitlePart& part) {
  std::vector<Title> mine;
  for (size_t k = static_cast<size_t>(part.index - 1); k < titles.size(); k += static_cast<size_t>(part.count))
    mine.push_back(std::move(titles[k]));
  return mine;
}

}  // namespace avflow::media
