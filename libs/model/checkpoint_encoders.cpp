#include "libs/model/checkpoint_encoders.h"

#include <torch/serialize/input-archive.h>

#include <stdexcept>

#include "libs/model/checkpoint_position.h"

namespace avflow::model {
namespace fs = std::filesystem;
namespace {

void load_into(torch::nn::Module& module, torch::serialize::InputArchive& archive, const std::string& what) {
  try {
    module.load(archive);
  } catch (const c10::Error& e) {
    throw std::runtime_error(what + " does not fit the sizes in encoder_options.txt: " + e.what_without_backtrace());
  }
}

}  // namespace

CheckpointEncoders load_checkpoint_encoders(const fs::path& folder) {
  if (!fs::is_directory(folder)) throw std::runtime_error(folder.string() + ": not a folder");
  fs::path source = folder;
  const bool exports = fs::exists(folder / "video_encoder.pt") && fs::exists(folder / "audio_encoder.pt");
  if (!exports && !fs::exists(folder / "model.pt")) {
    const auto latest = latest_checkpoint(folder);
    if (!latest)
      throw std::runtime_error(folder.string() +
                               ": holds no encoders (video_encoder.pt and audio_encoder.pt, written when a run "
                               "finishes) and no checkpoint (step-N/model.pt, named by 'latest')");
    source = *latest;
  }
  auto options = read_encoder_options(source);
  if (!options)
    throw std::runtime_error(source.string() + ": has no " + kEncoderOptionsFile +
                             " (the encoders' sizes); checkpoints written before avflow recorded them there cannot "
                             "be exported, the finished run's folder can");
  CheckpointEncoders out;
  out.options = *options;
  out.video = VideoEncoder(options->video);
  out.audio = AudioEncoder(options->audio);
  try {
    if (exports) {
      torch::serialize::InputArchive video, audio;
      video.load_from((source / "video_encoder.pt").string());
      audio.load_from((source / "audio_encoder.pt").string());
      load_into(*out.video, video, (source / "video_encoder.pt").string());
      load_into(*out.audio, audio, (source / "audio_encoder.pt").string());
      out.from = source;
    } else {
      torch::serialize::InputArchive model, f, g;
      model.load_from((source / "model.pt").string());
      if (!model.try_read("f", f) || !model.try_read("g", g))
        throw std::runtime_error((source / "model.pt").string() + " holds no encoders f and g");
      load_into(*out.video, f, (source / "model.pt").string() + " (f)");
      load_into(*out.audio, g, (source / "model.pt").string() + " (g)");
      out.from = source / "model.pt";
    }
  } catch (const c10::Error& e) {
    throw std::runtime_error(source.string() + ": " + e.what_without_backtrace());
  }
  return out;
}

}  // namespace avflow::model
