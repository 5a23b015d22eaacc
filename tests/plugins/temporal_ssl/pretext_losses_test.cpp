// The unitary pretext terms and heads of plugin temporal_ssl, against small
// hand-computed values: each term's cross-entropy and accuracy on its column
// of the clips' labels, its refusals, and heads that see the order of time.
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "libs/model/loss_term.h"
#include "libs/model/model_head.h"
#include "libs/temporal/clip_labels.h"
#include "tests/plugins/temporal_ssl/temporal_ssl_registry.h"

using namespace avflow;
using namespace avflow::model;
using avflow::test::temporal_ssl;
using avflow::test::term;
using Catch::Matchers::Contains;

namespace {

// Two clips' labels: speed classes 1 and 2, video forwards then reversed,
// audio reversed then forwards.
at::Tensor two_clips() { return at::tensor({1, 0, 1, 0, 2, 2, 1, 0, 4, 8}, at::kLong).view({2, 5}); }

LossInputs inputs(const std::string& head, const at::Tensor& logits) {
  LossInputs in;
  in.heads[head] = logits;
  in.labels[kBatchLabels] = two_clips();
  return in;
}

}  // namespace

TEST_CASE("speed terms are the cross-entropy of their head against the speed classes", "[temporal][pretext]") {
  // Clip 0: logits (0, ln 3, 0, 0), class 1: p = 3 / 6, loss ln 2.
  // Clip 1: logits (ln 3, 0, 0, 0), class 2: p = 1 / 6, loss ln 6.
  const at::Tensor logits = at::tensor({0.0, std::log(3.0), 0.0, 0.0, std::log(3.0), 0.0, 0.0, 0.0}).view({2, 4});
  for (const char* name : {"speed_video", "speed_audio"}) {
    INFO(name);
    const LossInputs in = inputs(name, logits.to(at::kFloat));
    CHECK(term(name).compute(in).item<double>() == Approx((std::log(2.0) + std::log(6.0)) / 2).epsilon(1e-6));
    StepValues seen;
    term(name).observe(in, seen);
    CHECK(seen.at(std::string(name) + "_accuracy").item<double>() == 0.5);  // argmax 1 and 0 against 1 and 2
    CHECK(term(name).heads() == std::vector<std::string>{name});
    CHECK(term(name).reads_labels());
  }
}

TEST_CASE("direction terms read their own modality's column of the labels", "[temporal][pretext]") {
  // Both clips' logits favour "reversed" 3 : 1.
  const at::Tensor logits = at::tensor({0.0, std::log(3.0), 0.0, std::log(3.0)}, at::kFloat).view({2, 2});
  // Video: forwards, reversed -> ln(4/1) and ln(4/3). Audio: reversed, forwards -> the same two.
  const double expected = (std::log(4.0) + std::log(4.0 / 3.0)) / 2;
  StepValues seen;
  for (const char* name : {"direction_video", "direction_audio"}) {
    const LossInputs in = inputs(name, logits);
    CHECK(term(name).compute(in).item<double>() == Approx(expected).epsilon(1e-6));
    term(name).observe(in, seen);
  }
  CHECK(seen.at("direction_video_accuracy").item<double>() == 0.5);  // clip 1
  CHECK(seen.at("direction_audio_accuracy").item<double>() == 0.5);  // clip 0
}

TEST_CASE("pretext terms refuse missing labels and classes their head cannot tell", "[temporal][pretext][errors]") {
  LossInputs none;
  none.heads["speed_video"] = at::zeros({2, 4});
  CHECK_THROWS_WITH(term("speed_video").compute(none), Contains("needs the clips' labels (train_step's labels input)"));
  LossInputs beyond = inputs("speed_video", at::zeros({2, 4}));
  beyond.labels[kBatchLabels][1][temporal::kSpeedClass] = 5;
  CHECK_THROWS_WITH(term("speed_video").compute(beyond),
                    Contains("a label of 5 but head 'speed_video' tells 4 classes apart (speeds of at most 4 entries)"));
  LossInputs wrong = inputs("direction_video", at::zeros({3, 2}));
  CHECK_THROWS_WITH(term("direction_video").compute(wrong), Contains("labels [2, 5] do not match 3 clips"));
}

TEST_CASE("pretext heads give their classes per clip and see the order of time", "[temporal][pretext][heads]") {
  torch::manual_seed(2);
  const HeadShape shape{.channels = 8, .embedding_dim = 16};
  const at::Tensor video = torch::randn({3, 8, 4, 5, 5}), audio = torch::randn({3, 8, 6, 4});
  struct Case {
    const char* name;
    at::Tensor features;
    int64_t classes;
    int64_t time_dim;
  };
  for (const Case& c : {Case{"speed_video", video, 4, 2}, Case{"direction_video", video, 2, 2},
                        Case{"speed_audio", audio, 4, 3}, Case{"direction_audio", audio, 2, 3}}) {
    INFO(c.name);
    const auto* factory = temporal_ssl().extension<ModelHeadFactory>(c.name);
    REQUIRE(factory != nullptr);
    CHECK(factory->encoder() == (c.time_dim == 2 ? Encoder::kVideo : Encoder::kAudio));
    const auto head = factory->make(shape);
    const at::Tensor out = head->forward(c.features);
    CHECK(out.sizes() == at::IntArrayRef{3, c.classes});
    // A clip played backwards gives other logits (a mean over time alone would not).
    CHECK_FALSE(at::allclose(out, head->forward(c.features.flip({c.time_dim}))));
  }
}

TEST_CASE("order terms classify each pair from its first clip's and its second clip's part", "[temporal][order]") {
  // Pair 0: [0, 2) then [5, 6): after (class 1). Pair 1: [4, 8) then [0, 1): before (class 2).
  LossInputs in;
  in.labels[kBatchLabels] =
      at::tensor({0, 0, 0, 0, 2, 0, 0, 0, 5, 6, 2, 0, 0, 4, 8, 0, 0, 0, 0, 1}, at::kLong).view({4, 5});
  // [clip, place, class, a bias then 16 factors].
  at::Tensor video = at::zeros({4, 4, 3, 17}), audio = at::zeros({4, 4, 3, 17});
  video[0][0][1][0] = std::log(3.0) - 1;  // clip 0 as the first of a video pair: biases (0, ln 3 - 1, 0)
  video[0][0][1][1] = 0.5;                // and a factor for class 1 that clip 1's meets: + 0.5 x 2
  video[1][1][1][1] = 2.0;
  video[3][1][0][0] = std::log(4.0);      // clip 3 as the second of a video pair: (ln 4, 0, 0)
  video[0][2][2][0] = std::log(2.0);      // clip 0 as the first of a video-audio pair: (0, 0, ln 2)
  audio[1][1][0][0] = 5.0;                // clip 1's audio as the second of an audio pair: order_aa's, not order_va's
  in.heads["order_video"] = video.view({4, 204});
  in.heads["order_audio"] = audio.view({4, 204});

  // order_vv: logits (0, ln 3 - 1 + 0.5 x 2, 0) of class 1 -> ln 5/3; (ln 4, 0, 0) of class 2 -> ln 6.
  CHECK(term("order_vv").compute(in).item<double>() ==
        Approx((std::log(5.0 / 3.0) + std::log(6.0)) / 2).epsilon(1e-6));
  // order_va: (0, 0, ln 2) of class 1 -> ln 4; zeros of class 2 -> ln 3.
  CHECK(term("order_va").compute(in).item<double>() == Approx((std::log(4.0) + std::log(3.0)) / 2).epsilon(1e-6));
  StepValues seen;
  term("order_vv").observe(in, seen);
  term("order_va").observe(in, seen);
  CHECK(seen.at("order_vv_accuracy").item<double>() == 0.5);
  CHECK(seen.at("order_va_accuracy").item<double>() == 0.0);
  CHECK(term("order_va").heads() == std::vector<std::string>{"order_video", "order_audio"});
  CHECK(term("order_aa").heads() == std::vector<std::string>{"order_audio"});

  LossInputs odd = in;
  odd.heads["order_video"] = at::zeros({3, 204});
  odd.labels[kBatchLabels] = at::zeros({3, 5}, at::kLong);
  CHECK_THROWS_WITH(term("order_vv").compute(odd), Contains("pairs need an even batch"));
  const auto* head = temporal_ssl().extension<ModelHeadFactory>("order_audio");
  REQUIRE(head != nullptr);
  CHECK(head->make({.channels = 8, .embedding_dim = 16})->forward(torch::randn({2, 8, 6, 4})).sizes() ==
        at::IntArrayRef{2, 204});
}
