// Where a run's latest checkpoint is, readable without LibTorch (the sampler
// reads it to resume at the trainer's step). A checkpoint folder is
//
//   DIR/step-00000120/model.pt       model parameters and buffers
//   DIR/step-00000120/optimizer.pt   Adam's state
//   DIR/step-00000120/state.txt      "key = value" lines: step, epoch, seed...
//   DIR/latest                       one line: the name of the newest folder
//
// Each folder is written as DIR/.step-N.partial and renamed when whole, then
// `latest` is replaced by a rename, so a crash at any moment leaves the
// previous checkpoint intact and named by `latest`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace avflow::model {

using CheckpointState = std::map<std::string, std::string>;

inline CheckpointState read_checkpoint_state(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  CheckpointState state;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find(" = ");
    if (eq == std::string::npos)
      throw std::runtime_error(file.string() + ":" + std::to_string(number) + ": expected 'key = value'");
    state[line.substr(0, eq)] = line.substr(eq + 3);
  }
  return state;
}

// The newest whole checkpoint folder under `dir`, if any.
inline std::optional<std::filesystem::path> latest_checkpoint(const std::filesystem::path& dir) {
  std::ifstream in(dir / "latest");
  std::string name;
  if (!in || !std::getline(in, name) || name.empty()) return std::nullopt;
  const auto folder = dir / name;
  if (!std::filesystem::exists(folder / "state.txt"))
    throw std::runtime_error((dir / "latest").string() + " names " + folder.string() + ", which is not a whole checkpoint");
  return folder;
}

// The number of training steps the latest checkpoint under `dir` has done
// (0 when there is none).
inline int64_t latest_checkpoint_step(const std::filesystem::path& dir) {
  const auto folder = latest_checkpoint(dir);
  if (!folder) return 0;
  const CheckpointState s = read_checkpoint_state(*folder / "state.txt");
  const auto it = s.find("step");
  if (it == s.end()) throw std::runtime_error((*folder / "state.txt").string() + " has no step");
  return std::stoll(it->second);
}

}  // namespace avflow::model
