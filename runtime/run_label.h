// The name a run goes by in comparison plots: its directory's name, and the
// overrides it ran with when its resolved graph (RUN_DIR/graph.toml, written
// by avflow run) records them, paths left out ("k16 (train.tau=0.1)").
#pragma once

#include <string>

namespace avflow::cli {

std::string run_label(const std::string& run_dir);

}  // namespace avflow::cli
