// The built-in loss term "contrastive": Eq. 1 (contrastive_loss.h) over the
// process's anchors against the whole batch, train_step's default objective.
#include "engine/registration.h"
#include "libs/model/contrastive_term.h"

namespace avflow::model {
namespace {

class ContrastiveTerm final : public LossTerm {
 public:
  at::Tensor compute(const LossInputs& in) const override {
    return contrastive_loss(in.video, in.audio, in.similarity, in.own);
  }
};

}  // namespace

const LossTerm& contrastive_term() {
  static const ContrastiveTerm term;
  return term;
}

AVFLOW_REGISTER_EXTENSION(ContrastiveTerm, kContrastiveTerm,
                          "Eq. 1: audio-visual contrastive loss, each clip's own audio against the batch's");

}  // namespace avflow::model
