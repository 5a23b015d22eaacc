// avflow export: a run's encoders as torchvision state dicts (r2plus1d_18
// for video, resnet18 with a one-channel conv1 for audio; no fc), in the
// format of torch.save or safetensors, with input_spec.json saying what they
// take (encoder_inputs.h), so that PyTorch code loads them into torchvision's
// models with strict key matching.
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "engine/atomic_file.h"
#include "engine/graph_spec.h"
#include "engine/log.h"
#include "engine/params.h"
#include "engine/text_format.h"
#include "libs/model/checkpoint_encoders.h"
#include "libs/model/state_dict_file.h"
#include "libs/model/torchvision_weights.h"
#include "runtime/commands.h"
#include "runtime/encoder_inputs.h"
#include "runtime/exit_codes.h"
#include "runtime/run_directory.h"

namespace avflow::cli {
namespace fs = std::filesystem;
namespace {

struct ExportSource {
  fs::path checkpoints;  // a checkpoint folder, or one checkpoint
  std::optional<fs::path> graph;  // the run's resolved graph.toml
};

// A run directory (DIR/graph.toml, its checkpoints where the graph put them
// or in DIR/checkpoints), a checkpoint folder, or one step-N checkpoint.
ExportSource find_source(const fs::path& path) {
  if (!fs::exists(path)) throw UsageError(path.string() + ": no such run directory or checkpoint folder");
  ExportSource src;
  if (fs::exists(path / kResolvedGraphFile)) {
    src.graph = path / kResolvedGraphFile;
    const GraphSpec spec = load_graph_file(src.graph->string());
    src.checkpoints = path / "checkpoints";
    if (!spec.settings.checkpoints.empty() && fs::exists(spec.settings.checkpoints))
      src.checkpoints = spec.settings.checkpoints;
    return src;
  }
  src.checkpoints = path;
  for (const fs::path& up : {path.parent_path(), path.parent_path().parent_path()})
    if (!up.empty() && fs::exists(up / kResolvedGraphFile)) {
      src.graph = up / kResolvedGraphFile;
      break;
    }
  return src;
}

std::string fit_json(const model::TorchvisionFit& fit) {
  if (fit.loads) return "{\"loads\": true, \"constructor\": " + json_string(fit.constructor) + "}";
  return "{\"loads\": false, \"reason\": " + json_string(fit.reason) + "}";
}

}  // namespace

int export_command(const Args& args) {
  if (args.positional.size() != 1) throw UsageError("needs one CHECKPOINT_OR_RUN_DIR");
  const auto out_dir = args.option("-o");
  if (!out_dir) throw UsageError("needs -o DIR, the folder to write the encoders into");
  model::StateDictFormat format = model::StateDictFormat::kTorchSave;
  try {
    format = model::state_dict_format(args.option("--format").value_or("pt"));
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--format: ") + e.what());
  }

  const ExportSource src = find_source(args.positional[0]);
  model::CheckpointEncoders enc = model::load_checkpoint_encoders(src.checkpoints);
  EncoderInputs inputs;
  if (src.graph) {
    inputs = encoder_inputs(load_graph_file(src.graph->string()));
  } else {
    inputs.missing.push_back("every input setting (no graph.toml beside the checkpoints: export a run directory)");
  }

  fs::create_directories(*out_dir);
  const std::string ext = model::state_dict_extension(format);
  struct Part {
    model::EncoderKind kind;
    const torch::nn::Module* module;
    const model::EncoderOptions* options;
    const std::string* input;
  };
  const Part parts[] = {{model::EncoderKind::kVideo, enc.video.get(), &enc.options.video, &inputs.video},
                        {model::EncoderKind::kAudio, enc.audio.get(), &enc.options.audio, &inputs.audio}};
  std::string spec = "{\n  \"format\": \"avflow torchvision export 1\",\n  \"from\": " + json_string(enc.from.string());
  for (const Part& p : parts) {
    const std::string kind = model::encoder_kind_name(p.kind);
    const std::string file = kind + "_encoder" + ext;
    const auto fit = model::torchvision_fit(p.kind, *p.options);
    std::map<std::string, std::string> metadata{{"format", "pt"}, {"avflow_encoder", kind}};
    if (fit.loads) metadata["torchvision"] = fit.constructor;
    model::write_state_dict(fs::path(*out_dir) / file, model::to_torchvision(*p.module, p.kind, *p.options), format,
                            metadata);
    const int64_t channels = p.options->out_channels();
    spec += ",\n  \"" + kind + "\": {\n    \"file\": " + json_string(file) +
            ",\n    \"width\": " + std::to_string(p.options->width) + ", \"blocks\": " + format_value(ParamValue(p.options->blocks)) +
            ",\n    \"torchvision\": " + fit_json(fit) + ",\n    \"output\": " +
            json_string("torchvision's model with fc = Identity: [B, " + std::to_string(channels) +
                        "], the average of avflow's feature map [B, " + std::to_string(channels) + ", ...]") +
            ",\n    \"input\": " + *p.input + "\n  }";
    std::printf("%s encoder: %s\n", kind.c_str(), (fs::path(*out_dir) / file).c_str());
    if (fit.loads)
      std::printf("  loads into %s\n", fit.constructor.c_str());
    else
      AVFLOW_LOG(warn) << kind << " encoder: written under torchvision's names, but no torchvision model holds it: "
                       << fit.reason;
  }
  spec += "\n}\n";
  write_text_atomically(fs::path(*out_dir) / "input_spec.json", spec);
  std::printf("input spec: %s\n", (fs::path(*out_dir) / "input_spec.json").c_str());
  for (const auto& m : inputs.missing) AVFLOW_LOG(warn) << "input_spec.json lacks " << m;
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace avflow::cli
