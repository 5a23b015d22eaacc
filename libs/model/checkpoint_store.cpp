#include "libs/model/checkpoint_store.h"

#include "engine/atomic_file.h"
#include "libs/model/archive_file.h"
#include "libs/model/cpu_archive.h"
#include "libs/model/encoder_export.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/serialize.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <vector>

namespace avflow::model {
namespace fs = std::filesystem;

namespace {

std::string folder_name(int64_t step) {
  char name[32];
  std::snprintf(name, sizeof name, "step-%08lld", static_cast<long long>(step));
  return name;
}

}  // namespace

CheckpointStore::CheckpointStore(fs::path dir, int keep) : dir_(std::move(dir)), keep_(std::max(1, keep)) {
  fs::create_directories(dir_);
}

fs::path CheckpointStore::save(AvModel& model, torch::optim::Adam& optimizer, int64_t step,
                               const CheckpointState& extra, torch::nn::Module* heads) {
  const std::string name = folder_name(step);
  const fs::path partial = dir_ / ("." + name + ".partial"), folder = dir_ / name;
  fs::remove_all(partial);
  // Everything goes to the hidden partial folder first: a write that fails
  // (a full disk) leaves the previous checkpoint as it was, and the error
  // names the checkpoint and the reason.
  try {
    fs::create_directories(partial);
    {
      torch::serialize::OutputArchive archive;
      save_cpu_copy(*model, archive);
      if (heads) {
        torch::serialize::OutputArchive heads_archive;
        save_cpu_copy(*heads, heads_archive);
        archive.write("heads", heads_archive);
      }
      // The CPU generator's state: random draws after a resume continue as
      // they would have (the data path seeds itself per item and needs none).
      archive.write("cpu_rng_state", at::detail::getDefaultCPUGenerator().get_state(), /*is_buffer=*/true);
      save_archive(archive, partial / "model.pt");
    }
    {
      torch::serialize::OutputArchive archive;
      optimizer.save(archive);
      save_archive(archive, partial / "optimizer.pt");
    }
    std::string state = "step = " + std::to_string(step) + "\n";
    for (const auto& [k, v] : extra) state += k + " = " + v + "\n";
    write_text_atomically(partial / "state.txt", state);
    // The encoders' sizes, so that one checkpoint is enough to export them.
    write_encoder_options(partial, {model->options().video, model->options().audio});
  } catch (const std::exception& e) {
    std::error_code ec;
    fs::remove_all(partial, ec);
    const fs::space_info space = fs::space(dir_, ec);
    throw std::runtime_error("checkpoint " + folder.string() + " could not be written (" +
                             (ec ? std::string("free space unknown") : std::to_string(space.available / 1000000) +
                                                                           " MB free on its disk") +
                             "; the previous checkpoint is kept): " + e.what());
  }
  fs::remove_all(folder);
  fs::rename(partial, folder);
  write_text_atomically(dir_ / "latest", name + "\n");
  prune();
  return folder;
}

std::optional<CheckpointState> CheckpointStore::restore_latest(AvModel& model, torch::optim::Adam& optimizer,
                                                                torch::nn::Module* heads) {
  const auto folder = latest_checkpoint(dir_);
  if (!folder) return std::nullopt;
  // Onto the model's device (this rank's GPU, or the CPU), wherever the
  // checkpoint was written.
  const at::Device device = module_device(*model);
  try {
    torch::serialize::InputArchive archive;
    archive.load_from((*folder / "model.pt").string(), device);
    model->load(archive);
    if (heads) {
      torch::serialize::InputArchive heads_archive;
      archive.read("heads", heads_archive);
      heads->load(heads_archive);
    }
    at::Tensor rng;
    if (archive.try_read("cpu_rng_state", rng, /*is_buffer=*/true)) {
      at::Generator generator = at::detail::getDefaultCPUGenerator();
      std::lock_guard<std::mutex> lock(generator.mutex());
      generator.set_state(rng.cpu());  // loaded onto the model's device with the rest
    }
    torch::load(optimizer, (*folder / "optimizer.pt").string(), device);
  } catch (const c10::Error& e) {
    throw std::runtime_error("checkpoint " + folder->string() + " does not fit this model: " + e.what_without_backtrace());
  }
  return read_checkpoint_state(*folder / "state.txt");
}

void CheckpointStore::export_encoders(AvModel& model) {
  auto save = [&](const torch::nn::Module& m, const std::string& file) {
    torch::serialize::OutputArchive archive;
    save_cpu_copy(m, archive);
    write_file_atomically(dir_ / file, [&](const fs::path& tmp) { save_archive(archive, tmp); });
  };
  save(*model->video_encoder(), "video_encoder.pt");
  save(*model->audio_encoder(), "audio_encoder.pt");
  write_encoder_options(dir_, {model->options().video, model->options().audio});
}

void CheckpointStore::prune() {
  std::vector<fs::path> folders;
  for (const auto& e : fs::directory_iterator(dir_))
    if (e.is_directory() && e.path().filename().string().rfind("step-", 0) == 0) folders.push_back(e.path());
  std::sort(folders.begin(), folders.end());
  const size_t keep = static_cast<size_t>(keep_);
  for (size_t i = 0; i + keep < folders.size(); ++i) fs::remove_all(folders[i]);
}

}  // namespace avflow::model
