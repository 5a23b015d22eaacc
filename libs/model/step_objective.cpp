#include "libs/model/step_objective.h"

#include <algorithm>
#include <stdexcept>

#include "engine/diagnostics.h"
#include "libs/model/contrastive_term.h"

namespace avflow::model {
namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? std::string("none") : out;
}

// Unknown or repeated names of one kind.
void check_names(const Registry& registry, const char* kind, const std::vector<std::string>& names,
                 const std::string& param, std::vector<ParamProblem>& problems) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (!registry.find_extension(kind, names[i])) {
      std::vector<std::string> known;
      for (const auto* e : registry.extensions(kind)) known.push_back(e->name);
      problems.push_back({param, "names no " + std::string(kind) + " '" + names[i] + "'" +
                                     did_you_mean(names[i], known) + "; known: " + joined(known) +
                                     " (is its plugin loaded?)"});
    }
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
  if (!names.weights.empty() &&
      std::all_of(names.weights.begin(), names.weights.end(), [](double w) { return w == 0.0; }))
    problems.push_back({weights_param, "are all 0: a step needs a loss term of weight > 0 (a weight of 0 removes "
                                       "its term)"});
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
  std::vector<std::string> read;  // the heads the kept terms read
  for (size_t i = 0; i < names.terms.size(); ++i) {
    if (names.weights[i] == 0.0) continue;  // removed, with its compute
    const auto* term = registry.extension<LossTerm>(names.terms[i]);
    o.terms.push_back({names.terms[i], term, names.weights[i]});
    for (const auto& head : term->heads()) read.push_back(head);
  }
  std::vector<std::string> built;
  for (const auto& name : names.heads)
    if (std::find(read.begin(), read.end(), name) != read.end()) built.push_back(name);
  if (built.empty()) return o;
  o.heads = HeadSet();
  for (const auto& name : built) {
    const auto* factory = registry.extension<ModelHeadFactory>(name);
    const Encoder encoder = factory->encoder();
    const HeadShape shape{.channels = (encoder == Encoder::kVideo ? model.video : model.audio).out_channels(),
                          .embedding_dim = model.embedding_dim};
    o.heads->add(name, encoder, factory->make(shape));
  }
  return o;
}

}  // namespace avflow::model
