// The names a combo box or checklist offers for a parameter, read from the engine's registries (so a new
// activation, initializer, loss or metric appears in the inspector with no edit here).
#pragma once
#include <string>
#include <vector>

#include "core/registry.h"

namespace cornu::ui {

// True for the types edited by picking a name: Enum, Activation, Initializer, Regularizer, Constraint, Loss.
bool is_choice_type(ParamType type);

// The names to pick from, in registry order; for Enum, the spec's choices.
std::vector<std::string> choice_names(const ParamSpec& spec);

// Whether None is offered: a nullable parameter, one whose default is None (regularizers, constraints).
bool offers_none(const ParamSpec& spec);

// The name a value stands for: "relu" for "relu", "glorot_uniform" for {"class_name": "GlorotUniform",
// "config": {...}}, an alias's own name when the registry knows it under another ("swish" -> "silu").
// Empty for null.
std::string choice_of(const ParamSpec& spec, const Config& value);

// The metrics a StringList parameter offers.
std::vector<std::string> metric_names();

// A metric entry of a list ("accuracy", or {"class_name": "AUC", ...}) as the name the checklist shows.
std::string metric_of(const Config& value);

}  // namespace cornu::ui
