// What a training step minimises: the weighted sum of loss terms
// (loss_term.h) over the model's embeddings and the outputs of extra heads
// (model_head.h), both picked by name from the registry. The default, the
// "contrastive" term of weight 1 and no heads, is the paper's Eq. 1.
#pragma once

#include <string>
#include <vector>

#include "engine/contract.h"
#include "engine/registry.h"
#include "libs/model/av_model.h"
#include "libs/model/head_set.h"
#include "libs/model/loss_term.h"

namespace avflow::model {

struct WeightedTerm {
  std::string name;
  const LossTerm* term = nullptr;  // owned by the registry (or static)
  double weight = 1.0;
  TermSettings settings;                      // every setting the term declares
  std::shared_ptr<torch::nn::Module> state;   // null: the term keeps none (also registered in the heads' module)
};

struct StepObjective {
  std::vector<WeightedTerm> terms;
  HeadSet heads{nullptr};  // null: no heads and no term state
  ContrastiveLossOptions similarity;
  bool has_heads() const { return heads && !heads->empty(); }
};

// Eq. 1 alone, without a registry.
StepObjective contrastive_objective(const ContrastiveLossOptions& similarity);

// The names a trainer's graph gives, as it gives them.
struct ObjectiveNames {
  std::vector<std::string> heads;
  std::vector<std::string> terms;
  std::vector<double> weights;        // one per term
  std::vector<std::string> settings;  // "term.setting=value" (LossTerm::settings)
};

// Where each part of the names comes from, for the problems' messages.
struct ObjectiveParams {
  std::string heads = "heads", terms = "loss_terms", weights = "loss_weights", settings = "loss_settings";
};

// Everything wrong with the names, for `avflow check`: unknown heads and
// terms (listing the known ones), a name given twice, weights that do not
// pair with the terms, a term reading a head that is not built, settings
// that are malformed, name no listed term or none of its settings, or lie
// out of range. Each problem names its parameter.
std::vector<ParamProblem> objective_problems(const Registry& registry, const ObjectiveNames& names,
                                             const ObjectiveParams& params = {});

// The objective the names describe, with fresh heads shaped for `model`
// and each kept term's settings and state (on the CPU). A term of weight 0
// is left out, with its state, and so is a head that no term left reads:
// neither is computed. `batch`: clips per step over all ranks, 0 when not
// known yet. Throws std::invalid_argument for names objective_problems
// refuses, when every weight is 0, or when a term refuses its shape.
StepObjective resolve_objective(const Registry& registry, const ObjectiveNames& names, const ModelOptions& model,
                                const ContrastiveLossOptions& similarity, int64_t batch = 0);

}  // namespace avflow::model
