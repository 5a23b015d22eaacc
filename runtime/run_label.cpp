#include "runtime/run_label.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "runtime/run_directory.h"

namespace avflow::cli {

std::string run_label(const std::string& run_dir) {
  namespace fs = std::filesystem;
  fs::path dir(run_dir);
  if (dir.filename().empty()) dir = dir.parent_path();  // "runs/k01/"
  std::string label = dir.filename().string();
  std::ifstream graph(dir / kResolvedGraphFile);
  std::string line;
  while (std::getline(graph, line))
    if (line.rfind(kOverridesPrefix, 0) == 0) {
      // Paths (values with a '/': where the run wrote, not what it was) are left out.
      std::istringstream words(line.substr(std::string(kOverridesPrefix).size()));
      std::string shown;
      for (std::string set; words >> set;)
        if (set.find('/', set.find('=')) == std::string::npos) shown += (shown.empty() ? "" : " ") + set;
      if (!shown.empty()) label += " (" + shown + ")";
      break;
    }
  return label;
}

}  // namespace avflow::cli
