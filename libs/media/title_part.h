// One part of a catalogue's titles, so that a cluster's job array prepares
// disjoint title sets into one shard folder: part i of N takes titles
// i - 1, i - 1 + N, i - 1 + 2N, ... of the selection (round robin, so long
// and short titles spread over the parts), and the N parts together are the
// whole selection, each title once.
//
//   part = "2/8"      # the second of eight parts
//   part = ""         # SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT when
//                     # set (a job array), else every title
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "libs/media/title.h"

namespace avflow::media {

struct TitlePart {
  int index = 1;  // 1..count
  int count = 1;
  std::string from;  // "part = 2/8", "SLURM_ARRAY_TASK_ID=3 of SLURM_ARRAY_TASK_COUNT=8"
};

// "i/N" with 1 <= i <= N; std::invalid_argument saying what is wrong.
TitlePart parse_title_part(const std::string& text);

// `text` when not empty; else the job array's task (SLURM_ARRAY_TASK_ID
// counted from SLURM_ARRAY_TASK_MIN, default 0, by SLURM_ARRAY_TASK_STEP,
// default 1, out of SLURM_ARRAY_TASK_COUNT) when those are set; else none.
std::optional<TitlePart> title_part(const std::string& text);

std::vector<Title> take_part(std::vector<Title> titles, const TitlePart& part);

}  // namespace avflow::media
