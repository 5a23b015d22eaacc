// What "the same movie or TV show" means for the KL monitor's S- (DESIGN.md,
// "KL monitor"): a number per held-out snippet that snippets of one group
// share, the group being the snippet's title (an episode of a show is a
// title) or its show.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace avflow::monitor {

enum class GroupBy {
  kTitle,  // snippets of one title (movie or episode)
  kShow,   // snippets of one show, whichever episode; a movie is a group of its own
};

// Per snippet, its group's number, counted from 0 in the order the groups
// first appear. titles and shows run in parallel (shows[i] empty: a movie).
// Throws std::invalid_argument when their lengths differ.
std::vector<int64_t> group_numbers(const std::vector<std::string>& titles, const std::vector<std::string>& shows,
                                   GroupBy by);

}  // namespace avflow::monitor
