// example_alignment: a loss term for train_step, the mean squared distance
// between each clip's l2-normalised video and audio embeddings (the
// "alignment" of Wang and Isola, 2020). Added to Eq. 1 with a weight:
//
//   loss_terms = ["contrastive", "example_alignment"]
//   loss_weights = [1.0, 0.5]
#include <ATen/ATen.h>

#include "engine/plugin_api.h"
#include "libs/model/loss_term.h"

namespace example_model {

using avflow::model::LossInputs;

class Alignment final : public avflow::model::LossTerm {
 public:
  at::Tensor compute(const LossInputs& in) const override {
    // This process's rows: in a distributed step video and audio hold every
    // rank's, and the step scales each process's mean by its share.
    const int64_t rows = in.own.count < 0 ? in.video.size(0) - in.own.first : in.own.count;
    const at::Tensor v = unit_rows(in.video.narrow(0, in.own.first, rows));
    const at::Tensor a = unit_rows(in.audio.narrow(0, in.own.first, rows));
    return (v - a).pow(2).sum(1).mean();
  }

 private:
  static at::Tensor unit_rows(const at::Tensor& z) { return z / z.norm(2, {1}, /*keepdim=*/true).clamp_min(1e-12); }
};

}  // namespace example_model

AVFLOW_REGISTER_EXTENSION(example_model::Alignment, "example_alignment",
                          "mean squared distance of each clip's normalised video and audio embeddings");
