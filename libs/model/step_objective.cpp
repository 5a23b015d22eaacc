#include "libs/model/step_objective.h"

#include <algorithm>
#include <stdexcept>

#include "libs/model/contrastive_term.h"

namespace avflow::model {
namespace {

std::string known_names(const Registry& registry, const char* kind) {
  std::string known;
  for (const auto* e : registry.extensions(kind)) known += (known.empty() ? "" : ", ") + e->name;
  return known.empty() ? std::string("none") : known;
}

// Unknown or repeated names of one kind.
void check_names(const Registry& registry, const char* kind, const std::vector<std::string>& names,
                 const std::string& param, std::vector<ParamProblem>& problems) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (!registry.find_extension(kind, names[i]))
      problems.push_back({param, "names no " + std::string(kind) + " '" + names[i] + "'; known: " +
                                     known_names(registry, kind) + " (is its plugin loaded?)"});
    for (size_t j = 0; j < i; ++j)
      if (names[j] == names[i]) problems.push_back({param, "names '" + names[i] + "' twice"});
  }
}

}  // namespace

StepObjective contrastive_objective(const ContrastiveLossOptions& similarity) {
  StepObjective o;
  o.terms.push_back({kContrastiveTerm, &contrastive_term(), 1.0});
  o.similarity = similarity;
  return o;
}

std::vector<ParamProblem> objective_problems(const Registry& registry, const ObjectiveNames& names,
                                             const std::string& heads_param, const std::string& terms_param,
                                             const std::string& weights_param) {
  std::vector<ParamProblem> problems;
  check_names(registry, ModelHeadFactory::kExtensionKind, names.heads, heads_param, problems);
  check_names(registry, LossTerm::kExtensionKind, names.terms, terms_param, problems);
  if (names.terms.empty()) problems.push_back({terms_param, "is empty: a step needs at least one loss term"});
  if (names.weights.size() != names.terms.size())
    problems.push_back({weights_param, "has " + std::to_string(names.weights.size()) + " weights for " +
                                           std::to_string(names.terms.size()) + " loss terms; give one per term"});
  for (const auto& name : names.terms) {
    const auto* term = registry.extension<LossTerm>(name);
    if (!term) continue;
    for (const auto& head : term->heads())
      if (std::find(names.heads.begin(), names.heads.end(), head) == names.heads.end())
        problems.push_back({heads_param, "lacks '" + head + "', which loss term '" + name + "' reads"});
  }
  return problems;
}

StepObjective resolve_objective(const Registry& registry, const ObjectiveNames& names, const ModelOptions& model,
                                const ContrastiveLossOptions& similarity) {
  if (const auto problems = objective_problems(registry, names, "heads", "loss_terms", "loss_weights");
      !problems.empty())
    throw std::invalid_argument(problems.front().param + " " + problems.front().message);
  StepObjective o;
  o.similarity = similarity;
  for (size_t i = 0; i < names.terms.size(); ++i)
    o.terms.push_back({names.terms[i], registry.extension<LossTerm>(names.terms[i]), names.weights[i]});
  if (names.heads.empty()) return o;
  o.heads = HeadSet();
  for (const auto& name : names.heads) {
    const auto* factory = registry.extension<ModelHeadFactory>(name);
    const Encoder encoder = factory->encoder();
    const HeadShape shape{.channels = (encoder == Encoder::kVideo ? model.video : model.audio).out_channels(),
                          .embedding_dim = model.embedding_dim};
    o.heads->add(name, encoder, factory->make(shape));
  }
  return o;
}

}  // namespace avflow::model
