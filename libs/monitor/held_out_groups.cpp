#include "libs/monitor/held_out_groups.h"

#include <map>
#include <stdexcept>

namespace avflow::monitor {

std::vector<int64_t> group_numbers(const std::vector<std::string>& titles, const std::vector<std::string>& shows,
                                   GroupBy by) {
  if (titles.size() != shows.size())
    throw std::invalid_argument("held-out groups: titles and shows of " + std::to_string(titles.size()) + " and " +
                                std::to_string(shows.size()) + " snippets");
  std::map<std::string, int64_t> numbers;
  std::vector<int64_t> groups;
  groups.reserve(titles.size());
  for (size_t i = 0; i < titles.size(); ++i) {
    // Prefixed, so that a movie named like a show is not taken for it.
    const std::string key = by == GroupBy::kShow && !shows[i].empty() ? "show:" + shows[i] : "title:" + titles[i];
    groups.push_back(numbers.emplace(key, static_cast<int64_t>(numbers.size())).first->second);
  }
  return groups;
}

}  // namespace avflow::monitor
