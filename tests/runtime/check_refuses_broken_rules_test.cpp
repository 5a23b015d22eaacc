// One graph per rule an operator's contract declares (rules across its
// parameters, side values it reads): `avflow check` refuses each before
// anything runs, naming FILE:LINE of the value the rule is about and the
// node.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;

namespace {

struct BrokenRule {
  const char* rule;
  std::string graph;
  int line;  // of the value the rule names; 0: the node's own line
  const char* node;
  const char* message;
};

std::string node(const char* name, const char* op, const std::string& params) {
  return std::string("[[node]]\nname = \"") + name + "\"\nop = \"" + op + "\"\n" + params;
}

// Line 4 is the node's first parameter.
const std::vector<BrokenRule>& broken_rules() {
  static const std::vector<BrokenRule> rules = {
      {"decode: exactly one of uri and catalogue", node("decode", "decode", "uri = \"a.mp4\"\ncatalogue = \"titles/\"\n"),
       5, "decode", "parameter 'catalogue' is set beside uri: set exactly one of uri and catalogue"},
      {"decode: video or audio", node("decode", "decode", "uri = \"a.mp4\"\nvideo = false\naudio = false\n"), 0,
       "decode", "video and audio are both false: nothing to do; set video or audio to true"},
      {"clip_reader: video or audio", node("reader", "clip_reader", "video = false\naudio = false\n"), 0, "reader",
       "video and audio are both false: nothing to do; set video or audio to true"},
      {"live_classify: exactly one of classifier and encoder",
       node("classify", "live_classify", "classifier = \"c/classifier.pt\"\nencoder = \"e/video_encoder.pt\"\n"), 5,
       "classify", "parameter 'encoder' is set beside classifier: set exactly one of classifier and encoder"},
      {"scale_jitter: min_short_side <= max_short_side",
       node("jitter", "scale_jitter", "min_short_side = 300\nmax_short_side = 200\n"), 4, "jitter",
       "parameter 'min_short_side' (300) must not exceed max_short_side (200)"},
      {"labelled_clips: split 1 to 3 for hmdb51",
       node("clips", "labelled_clips", "dataset = \"hmdb51\"\nroot = \"data\"\nsplit = 5\n"), 6, "clips",
       "parameter 'split' = 5, but hmdb51 has splits 1 to 3"},
      {"mel: win_length <= n_fft", node("mel", "mel", "n_fft = 1024\nwin_length = 2048\n"), 5, "mel",
       "parameter 'win_length' (2048) must not exceed n_fft (1024)"},
      {"live_snippets: a uri", node("live", "live_snippets", "uri = \"\"\n"), 4, "live",
       "parameter 'uri' is empty: name the stream (--set NODE.uri=rtsp://...)"},
      {"train_step: warmup_epochs <= epochs", node("train", "train_step", "epochs = 2\nwarmup_epochs = 3.0\n"), 5,
       "train", "parameter 'warmup_epochs' (3.0) is longer than the 2 epochs"},
      {"train_step: a loss group of 2 at least", node("train", "train_step", "loss_group = 1\n"), 4, "train",
       "parameter 'loss_group' is 1: a loss group needs 2 clips at least"},
      {"train_step: batch norm per loss group needs one",
       node("train", "train_step", "batch_norm = \"loss_group\"\n"), 4, "train",
       "parameter 'batch_norm' is \"loss_group\" but loss_group is 0"},
      {"sampler: genres need a catalogue",
       node("sampler", "sampler", "shards = \"prepared\"\ngenres = [\"drama\"]\n"), 5, "sampler",
       "parameter 'genres' chooses among a catalogue's titles, but catalogue is empty: set catalogue"},
      {"kl_monitor: sample 0 or at least 4", node("kl", "kl_monitor", "sample = 2\n"), 4, "kl",
       "parameter 'sample' is 2: the sets need 4 snippets at least"},
      {"finetune_step: encoder or init",
       node("finetune", "finetune_step", "out = \"o\"\nencoder = \"e/video_encoder.pt\"\ninit = \"r2plus1d_18.pth\"\n"),
       6, "finetune", "parameter 'init' is set beside encoder: start from one of them"},
      {"finetune_step: labelled_clips upstream",
       node("a", "tone", "") + node("b", "tone", "") + node("finetune", "finetune_step", "out = \"o\"\nclasses = 3\n") +
           "[[edge]]\nfrom = \"a\"\nto = \"finetune.input\"\n[[edge]]\nfrom = \"b\"\nto = \"finetune.label\"\n",
       0, "finetune", "reads side value 'epoch_items', but no node upstream publishes it"},
  };
  return rules;
}

}  // namespace

TEST_CASE("avflow check refuses a graph breaking any declared rule, at the value's line and node", "[cli][check][rules]") {
  TempDir dir;
  int i = 0;
  for (const auto& broken : broken_rules()) {
    INFO(broken.rule);
    const std::string g = dir.write("rule" + std::to_string(i++) + ".toml", broken.graph);
    const auto r = run_avflow({"check", g});
    INFO(r.err);
    CHECK(r.exit_code == 2);
    const std::string where = broken.line > 0 ? g + ":" + std::to_string(broken.line) + ":" : g + ":";
    CHECK(r.err.find(where) != std::string::npos);
    CHECK(r.err.find(std::string("error: node '") + broken.node + "': " + broken.message) != std::string::npos);
  }
}

TEST_CASE("avflow check refuses a fine-tuning whose epochs contradict labelled_clips'", "[cli][check][rules]") {
  TempDir dir;
  const std::string g = dir.write("eval.toml", "include = [\"" + std::string(AVFLOW_SOURCE_DIR) +
                                                   "/graphs/eval_ucf101.toml\"]\n[set]\nfinetune.epochs = 200\n");
  const auto r = run_avflow({"check", g});
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(g + ":3:") != std::string::npos);
  CHECK(r.err.find("node 'finetune': parameter 'epochs' = 200 contradicts clips.epochs = 150 (its epochs); set "
                   "epochs = 0 to take it") != std::string::npos);
}
