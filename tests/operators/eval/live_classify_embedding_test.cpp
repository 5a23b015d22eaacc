// live_classify without a classifier: with `encoder` (exported encoder
// weights, their sizes read from encoder_options.txt beside them) each live
// snippet's result carries the encoder's pooled features of that snippet as
// its embedding, and no classes or scores; result_stream writes it as
// "embedding" without "top".
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "engine/operator.h"
#include "engine/registry.h"
#include "operators/eval/live_result.h"
#include "libs/media/live_snippet.h"
#include "libs/model/av_model.h"
#include "libs/model/checkpoint_store.h"
#include "libs/model/classifier.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::test;

namespace {

// What test_prepared_snippets emits: one live snippet per tensor, the
// tensor (already prepared for the encoder) as its video or its audio.
std::vector<at::Tensor> prepared;
bool as_audio = false;

class PreparedSnippets final : public Operator {
 public:
  static inline const Out<media::LiveSnippet> kSnippet{"snippet", "the test's snippets"};
  AVFLOW_CONTRACT(kSnippet);
  void process(Context& ctx) override {
    if (next_ == prepared.size()) return ctx.end_of_stream();
    media::LiveSnippet s;
    s.uri = "test://prepared";
    s.index = static_cast<int64_t>(next_);
    s.start_s = 1.6 * static_cast<double>(next_);
    s.end_s = s.start_s + 3.2;
    s.reconnects = static_cast<int64_t>(next_ % 2);
    s.arrival_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
    (as_audio ? s.audio : s.video) = Tensor(prepared[next_++]);
    ctx.emit(kSnippet, std::move(s));
  }

 private:
  size_t next_ = 0;
};
AVFLOW_REGISTER(PreparedSnippets, "test_prepared_snippets", "emits the live classify test's snippets");

const model::EncoderOptions kTiny{.width = 4, .blocks = {1, 1, 1, 1}};

}  // namespace

TEST_CASE("live_classify with an encoder and no classifier emits the snippet's embedding and no classes",
          "[live_classify][embedding]") {
  const std::string modality = GENERATE(as<std::string>{}, "video", "audio");
  Captured::instance().clear();
  TempDir dir;
  torch::manual_seed(5);
  model::ModelOptions mo;
  mo.video = kTiny;
  mo.audio = kTiny;
  mo.embedding_dim = 8;
  model::AvModel pretrained(mo);
  model::CheckpointStore(dir.path()).export_encoders(pretrained);
  const std::string weights = dir.path() + "/" + modality + "_encoder.pt";

  as_audio = modality == "audio";
  prepared.clear();
  for (int i = 0; i < 3; ++i)
    prepared.push_back(as_audio ? torch::randn({1, 40, 64}) : torch::randn({3, 4, 32, 32}));
  const std::string jsonl = dir.path() + "/results.jsonl";
  auto r = run_graph_text(
      "[graph]\nmax_in_flight = 2\n" + node_toml("feed", "test_prepared_snippets") +
      node_toml("frames", "live_frames") +
      node_toml("classify", "live_classify",
                "classifier = \"\"\nencoder = \"" + weights + "\"\nmodality = \"" + modality + "\"\ntop_k = 3\n") +
      node_toml("cap", "test_capture") +
      node_toml("results", "result_stream", "path = \"" + jsonl + "\"\nport = -1\n") +
      edge_toml("feed.snippet", "frames.snippet") + edge_toml("frames." + modality, "classify.input") +
      edge_toml("feed.snippet", "classify.snippet") + edge_toml("classify.result", "cap") +
      edge_toml("classify.result", "results.in"));
  INFO(modality << (r.failures.empty() ? "" : ": " + r.failures[0].str()));
  REQUIRE(r.status == RunStatus::kFinished);

  // What the exported encoder makes of each snippet, in evaluation mode.
  model::ClassifierOptions co;
  co.modality = modality;
  co.encoder = kTiny;
  co.classes = 1;
  model::Classifier reference(co);
  reference->load_encoder(weights);
  reference->eval();
  torch::NoGradGuard no_grad;

  const auto packets = Captured::instance().take_in_item_order("cap");
  REQUIRE(packets.size() == prepared.size());
  std::vector<at::Tensor> embeddings;
  for (size_t i = 0; i < packets.size(); ++i) {
    const auto& res = packets[i].get<ops::LiveResult>();
    CHECK(res.index == static_cast<int64_t>(i));
    CHECK(res.start_s == Approx(1.6 * static_cast<double>(i)));
    CHECK(res.end_s == Approx(1.6 * static_cast<double>(i) + 3.2));
    CHECK(res.reconnects == static_cast<int64_t>(i % 2));
    CHECK(res.latency_ms >= 0.0);
    CHECK(res.classes.empty());
    CHECK(res.scores.empty());
    REQUIRE(static_cast<int64_t>(res.embedding.size()) == kTiny.out_channels());
    const at::Tensor got = torch::tensor(res.embedding);
    const at::Tensor want = reference->features(prepared[i].unsqueeze(0))[0].to(at::kFloat);
    INFO("snippet " << i << ": got " << got << "\nwant " << want);
    CHECK(torch::isfinite(got).all().item<bool>());
    CHECK(torch::allclose(got, want, 1e-4, 1e-5));
    embeddings.push_back(got);
  }
  CHECK_FALSE(torch::allclose(embeddings[0], embeddings[1]));  // each its own snippet's

  // As JSON lines: the embedding, and no top classes.
  std::istringstream lines(slurp(jsonl));
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    INFO(line);
    CHECK(line.find("\"embedding\":[") != std::string::npos);
    CHECK(line.find("\"top\"") == std::string::npos);
  }
  CHECK(n == 3);
}
