// Keras serialises a module either as a bare name ("relu", "glorot_uniform") or as an object
// {"class_name": "GlorotUniform", "config": {...}} (optionally with "module" and "registered_name").
#pragma once
#include <string>
#include <utility>

#include "core/registry.h"

namespace cornu {

// Splits a Keras module value into its name and its config object (empty object for a bare name).
std::pair<std::string, Config> split_module_config(const Config& name_or_object, const std::string& kind);

}  // namespace cornu
