// The built-in loss term "contrastive" (Eq. 1), registered as such; also
// here for code that builds an objective without a registry.
#pragma once

#include "libs/model/loss_term.h"

namespace avflow::model {

inline constexpr const char* kContrastiveTerm = "contrastive";

const LossTerm& contrastive_term();

}  // namespace avflow::model
