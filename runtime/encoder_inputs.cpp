#include "runtime/encoder_inputs.h"

#include <filesystem>
#include <optional>

#include "engine/text_format.h"
#include "libs/media/shard/shard_file.h"

namespace avflow::cli {
namespace fs = std::filesystem;
namespace {

const NodeSpec* node_with_op(const GraphSpec& graph, std::initializer_list<const char*> ops) {
  for (const char* op : ops)
    for (const auto& n : graph.nodes)
      if (n.op == op) return &n;
  return nullptr;
}

const ParamValue* param(const NodeSpec* node, const std::string& name) {
  if (node == nullptr) return nullptr;
  for (const auto& p : node->params)
    if (p.name == name) return &p.value;
  return nullptr;
}

// A parameter's value as JSON: its TOML spelling (engine/params.h) is valid
// JSON for what these nodes hold (finite numbers, strings, lists of them).
std::string json_value(const ParamValue& v) { return format_value(v); }

// The header of the first shard under the folder the sampler or reader read.
std::optional<media::shard::Header> shard_header(const GraphSpec& graph) {
  const ParamValue* dir = param(node_with_op(graph, {"shard_reader"}), "dir");
  if (dir == nullptr) dir = param(node_with_op(graph, {"sampler"}), "shards");
  if (dir == nullptr || !std::holds_alternative<std::string>(*dir)) return std::nullopt;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(std::get<std::string>(*dir), ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != media::shard::kExtension) continue;
    try {
      return media::ShardFile(it->path()).header();
    } catch (const std::exception&) {
      continue;  // a damaged shard: another one tells the same
    }
  }
  return std::nullopt;
}

// "key": value, for each parameter found.
void add(std::string& object, const std::string& key, const ParamValue* v) {
  if (v != nullptr) object += (object.size() > 1 ? ", " : "") + json_string(key) + ": " + json_value(*v);
}
void add_raw(std::string& object, const std::string& key, const std::string& json) {
  object += (object.size() > 1 ? ", " : "") + json_string(key) + ": " + json;
}

}  // namespace

EncoderInputs encoder_inputs(const GraphSpec& graph) {
  EncoderInputs in;
  const auto header = shard_header(graph);
  if (!header) in.missing.push_back("frames, fps and sample rate (no readable shard in the folder the graph read)");

  const NodeSpec* crop = node_with_op(graph, {"clip_augment", "random_crop", "fixed_crop"});
  const NodeSpec* norm = node_with_op(graph, {"clip_augment", "normalize"});
  std::string video = "{";
  add_raw(video, "layout",
          json_string("[B, 3, T, H, W] float32: RGB, pixels scaled to [0, 1], then (x - mean) / std per channel"));
  if (header) {
    add_raw(video, "frames", std::to_string(header->frames));
    add_raw(video, "fps", json_number(header->fps));
  }
  const ParamValue* side = param(crop, crop && crop->op == "clip_augment" ? "crop" : "size");
  add(video, "crop", side);
  add(video, "mean", param(norm, "mean"));
  add(video, "std", param(norm, "std"));
  if (side == nullptr) in.missing.push_back("the crop (no clip_augment, random_crop or fixed_crop node)");
  if (param(norm, "mean") == nullptr) in.missing.push_back("mean and std (no clip_augment or normalize node)");
  in.video = video + "}";

  const NodeSpec* mel = node_with_op(graph, {"mel"});
  std::string audio = "{";
  add_raw(audio, "layout", json_string("[B, 1, n_mels, frames] float32: the log-mel spectrogram of mono PCM"));
  if (header) {
    add_raw(audio, "sample_rate", std::to_string(header->sample_rate));
    add_raw(audio, "channels", std::to_string(header->channels));
    add_raw(audio, "seconds", json_number(header->frames / header->fps));
  }
  if (mel != nullptr) {
    std::string m = "{";
    for (const auto& p : mel->params)
      if (p.name != "device") add(m, p.name, &p.value);
    add_raw(audio, "mel", m + "}");
  } else {
    in.missing.push_back("the mel parameters (no mel node)");
  }
  in.audio = audio + "}";
  return in;
}

}  // namespace avflow::cli
