// Builds the sampler's index from a folder of prepared shards: each shard's
// header and index give its title, show and M_n (and scene boundaries when
// prepare detected them).
#pragma once

#include <string>
#include <vector>

#include "libs/sampling/sampling_index.h"

namespace avflow::sampling {

// Every shard under `dir`, sorted by title id; or, with `titles` given, the
// shards of exactly those titles, where a title prepare recorded as skipped
// goes to SamplingIndex::skipped instead. Throws std::runtime_error naming
// the shard file that is missing (and not recorded as skipped) or corrupt.
SamplingIndex load_prepared_index(const std::string& dir, const std::vector<std::string>* titles = nullptr);

}  // namespace avflow::sampling
