#include "libs/model/step_objective.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
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

struct ParsedSetting {
  std::string term, name;
  double value = 0;
};

// "term.setting=value"; nullopt when it is not of that form.
std::optional<ParsedSetting> parse_setting(const std::string& text) {
  const size_t eq = text.find('='), dot = text.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot == 0 || dot + 1 >= eq || eq + 1 >= text.size())
    return std::nullopt;
  ParsedSetting p{text.substr(0, dot), text.substr(dot + 1, eq - dot - 1), 0};
  const std::string number = text.substr(eq + 1);
  char* end = nullptr;
  p.value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(p.value)) return std::nullopt;
  return p;
}

// Settings that are malformed, set a term the names do not list or a setting
// it does not declare, lie out of range, or are given twice.
void check_settings(const Registry& registry, const ObjectiveNames& names, const std::string& param,
                    std::vector<ParamProblem>& problems) {
  std::vector<std::string> seen;
  for (const auto& text : names.settings) {
    const auto parsed = parse_setting(text);
    if (!parsed) {
      problems.push_back({param, "has '" + text + "', not of the form term.setting=value (e.g. contrastive_vv.tau=0.1)"});
      continue;
    }
    if (std::find(names.terms.begin(), names.terms.end(), parsed->term) == names.terms.end()) {
      problems.push_back({param, "sets '" + parsed->term + "', which loss_terms does not name" +
                                     did_you_mean(parsed->term, names.terms)});
      continue;
    }
    const auto* term = registry.extension<LossTerm>(parsed->term);
    if (!term) continue;  // unknown: check_names says so
    const auto declared = term->settings();
    const auto it = std::find_if(declared.begin(), declared.end(),
                                 [&](const TermSetting& d) { return d.name == parsed->name; });
    if (it == declared.end()) {
      std::vector<std::string> known;
      for (const auto& d : declared) known.push_back(d.name);
      problems.push_back({param, "sets '" + parsed->name + "' of loss term '" + parsed->term + "'" +
                                     did_you_mean(parsed->name, known) + "; its settings: " + joined(known)});
      continue;
    }
    if (parsed->value < it->min || parsed->value > it->max)
      problems.push_back({param, "sets " + parsed->term + "." + parsed->name + " = " + setting_text(parsed->value) +
                                     ", outside [" + setting_text(it->min) + ", " + setting_text(it->max) + "] (" + it->doc + ")"});
    const std::string key = parsed->term + "." + parsed->name;
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) problems.push_back({param, "sets " + key + " twice"});
    seen.push_back(key);
  }
}

// Every setting the term declares: its default, or the value the names give.
TermSettings settings_of(const LossTerm& term, const std::string& name, const std::vector<std::string>& given) {
  TermSettings out;
  for (const auto& d : term.settings()) out[d.name] = d.value;
  for (const auto& text : given)
    if (const auto p = parse_setting(text); p && p->term == name) out[p->name] = p->value;
  return out;
}

}  // namespace

StepObjective contrastive_objective(const ContrastiveLossOptions& similarity) {
  StepObjective o;
  WeightedTerm& eq1 = o.terms.emplace_back();
  eq1.name = kContrastiveTerm;
  eq1.term = &contrastive_term();
  o.similarity = similarity;
  return o;
}

std::vector<ParamProblem> objective_problems(const Registry& registry, const ObjectiveNames& names,
                                             const ObjectiveParams& params) {
  const std::string &heads_param = params.heads, &terms_param = params.terms, &weights_param = params.weights;
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
  check_settings(registry, names, params.settings, problems);
  return problems;
}

StepObjective resolve_objective(const Registry& registry, const ObjectiveNames& names, const ModelOptions& model,
                                const ContrastiveLossOptions& similarity, int64_t batch) {
  if (const auto problems = objective_problems(registry, names); !problems.empty())
    throw std::invalid_argument(problems.front().param + " " + problems.front().message);
  StepObjective o;
  o.similarity = similarity;
  std::vector<std::string> read;  // the heads the kept terms read
  for (size_t i = 0; i < names.terms.size(); ++i) {
    if (names.weights[i] == 0.0) continue;  // removed, with its compute
    const auto* term = registry.extension<LossTerm>(names.terms[i]);
    WeightedTerm& kept = o.terms.emplace_back();
    kept.name = names.terms[i];
    kept.term = term;
    kept.weight = names.weights[i];
    kept.settings = settings_of(*term, kept.name, names.settings);
    kept.state = term->make_state({.embedding_dim = model.embedding_dim, .batch = batch}, kept.settings);
    for (const auto& head : term->heads()) read.push_back(head);
  }
  std::vector<std::string> built;
  for (const auto& name : names.heads)
    if (std::find(read.begin(), read.end(), name) != read.end()) built.push_back(name);
  const bool states = std::any_of(o.terms.begin(), o.terms.end(), [](const WeightedTerm& t) { return t.state; });
  if (built.empty() && !states) return o;
  o.heads = HeadSet();
  for (const auto& t : o.terms)
    if (t.state) o.heads->add_term_state(t.name, t.state);
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
