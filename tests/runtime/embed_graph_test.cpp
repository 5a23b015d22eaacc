// graphs/embed.toml on a demo movie with a tiny exported encoder: every
// snippet's embedding in a NumPy array that numpy reads back, float32
// [N, d], its CSV index row for row; the same through a torchvision state
// dict (init); a stopped or failed run leaves no array.
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "libs/model/av_model.h"
#include "libs/model/checkpoint_store.h"
#include "libs/model/state_dict_file.h"
#include "libs/model/torchvision_weights.h"
#include "tests/runtime/cli_fixture.h"
#include "tests/support/python_torch.h"

using namespace avflow;
using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> embed_command(const std::string& data, const std::vector<std::string>& sets) {
  std::vector<std::string> args = {avflow_program(), "run", std::string(AVFLOW_SOURCE_DIR) + "/graphs/embed.toml",
                                   "--progress", "never", "--set", "decode.catalogue=" + data,
                                   "--set", "decode.short_side=72", "--set", "augment.crop=64"};
  for (const auto& s : sets) args.insert(args.end(), {"--set", s});
  return args;
}

// numpy's view of the array and the index, one line: "N d finite distinct rows-match".
const char* kReadBack = R"(
import csv, sys, numpy
x = numpy.load(sys.argv[1])
rows = list(csv.DictReader(open(sys.argv[2])))
ok = len(rows) == x.shape[0] and [int(r["row"]) for r in rows] == list(range(len(rows)))
ms = [int(r["m"]) for r in rows]
print(x.dtype, x.shape[0], x.shape[1], bool(numpy.isfinite(x).all()), len(set(map(bytes, x))), ok,
      ms == list(range(len(ms))), rows[1]["title"], rows[1]["start"], rows[1]["end"])
)";

}  // namespace

TEST_CASE("graphs/embed.toml writes every snippet's embedding as a NumPy array with its CSV index",
          "[cli][embed][python]") {
  const std::string python = require_python_with_torch();
  TempDir dir;
  const std::string data = dir.path() + "/data";
  write_one_movie(data, "0.2");  // 12 s: 3 snippets of 16 frames at 5 fps
  model::ModelOptions o;
  o.video = o.audio = {8, {1, 1, 1, 1}};
  o.embedding_dim = 16;
  torch::manual_seed(4);
  model::AvModel model(o);
  model::CheckpointStore(dir.path() + "/ckpt").export_encoders(model);

  const std::string npy = dir.path() + "/out/video.npy";
  const auto r = run_process(embed_command(data, {"embed.encoder=" + dir.path() + "/ckpt/video_encoder.pt", "out.path=" + npy}));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto read = run_process({python, "-c", kReadBack, npy, dir.path() + "/out/video.csv"});
  INFO(read.err);
  const std::string title = fs::directory_iterator(data + "/movies")->path().stem().string();
  CHECK(read.out == "float32 3 64 True 3 True True " + title + " 3.200000 6.400000\n");

  // The same encoder as a torchvision state dict gives the same array.
  const std::string tv = dir.path() + "/f.safetensors";
  model::write_state_dict(tv, model::to_torchvision(*model->video_encoder(), model::EncoderKind::kVideo, o.video),
                          model::StateDictFormat::kSafetensors);
  const std::string npy2 = dir.path() + "/out/init.npy";
  const auto r2 = run_process(embed_command(
      data, {"embed.encoder=", "embed.init=" + tv, "embed.width=8", "embed.blocks=1", "out.path=" + npy2}));
  INFO(r2.err);
  REQUIRE(r2.exit_code == 0);
  CHECK(slurp(npy2) == slurp(npy));

  // A failed run (an encoder of other sizes) leaves neither file.
  const std::string npy3 = dir.path() + "/out/failed.npy";
  const auto r3 = run_process(embed_command(
      data, {"embed.encoder=", "embed.init=" + tv, "embed.width=16", "embed.blocks=1", "out.path=" + npy3}));
  CHECK(r3.exit_code == 1);
  CHECK(r3.err.find("node 'embed'") != std::string::npos);
  CHECK_FALSE(fs::exists(npy3));
  CHECK_FALSE(fs::exists(dir.path() + "/out/failed.csv"));
}
