#include "ui/param_choices.h"

#include <algorithm>

#include "activations/activation.h"
#include "constraints/constraint.h"
#include "initializers/initializer.h"
#include "losses/loss.h"
#include "metrics/metric.h"
#include "regularizers/regularizer.h"

namespace cornu::ui {

namespace {

template <class Product>
std::string canonical(const Registry<Product>& registry, const std::string& name) {
  return registry.contains(name) ? registry.get(name).name : name;
}

std::string canonical_name(ParamType type, const std::string& name) {
  switch (type) {
    case ParamType::Activation: return canonical(activation_registry(), name);
    case ParamType::Initializer: return canonical(initializer_registry(), name);
    case ParamType::Regularizer: return canonical(regularizer_registry(), name);
    case ParamType::Constraint: return canonical(constraint_registry(), name);
    case ParamType::Loss: return canonical(loss_registry(), name);
    default: return name;
  }
}

std::string class_name_of(const Config& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object() && value.contains("class_name") && value.at("class_name").is_string())
    return value.at("class_name").get<std::string>();
  return value.dump();
}

}  // namespace

bool is_choice_type(ParamType type) {
  switch (type) {
    case ParamType::Enum:
    case ParamType::Activation:
    case ParamType::Initializer:
    case ParamType::Regularizer:
    case ParamType::Constraint:
    case ParamType::Loss: return true;
    default: return false;
  }
}

std::vector<std::string> choice_names(const ParamSpec& spec) {
  switch (spec.type) {
    case ParamType::Activation: return activation_registry().names();
    case ParamType::Initializer: return initializer_registry().names();
    case ParamType::Regularizer: return regularizer_registry().names();
    case ParamType::Constraint: return constraint_registry().names();
    case ParamType::Loss: return spec.choices.empty() ? loss_registry().names() : spec.choices;
    default: return spec.choices;
  }
}

bool offers_none(const ParamSpec& spec) { return spec.nullable || spec.default_value.is_null(); }

std::string choice_of(const ParamSpec& spec, const Config& value) {
  if (value.is_null()) return {};
  // A Keras class name ("GlorotUniform") or an alias finds its entry; an unknown name is shown as it is.
  const std::string name = class_name_of(value);
  const std::vector<std::string> names = choice_names(spec);
  if (std::find(names.begin(), names.end(), name) != names.end()) return name;
  return canonical_name(spec.type, name);
}

std::vector<std::string> metric_names() { return metric_registry().names(); }

std::string metric_of(const Config& value) {
  const std::string name = class_name_of(value);
  return metric_registry().contains(name) ? metric_registry().get(name).name : name;
}

}  // namespace cornu::ui
