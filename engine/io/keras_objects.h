// Screening and normalising the objects inside a Keras config before Cornu's registries see them: Keras writes
// keys Cornu does not model (at their "off" value), Keras 2 spells some values differently, and a file may
// name classes that would run code. Shared by the model and the compile-config readers.
#pragma once
#include <string>
#include <vector>

#include "core/registry.h"

namespace cornu::io {

// True when the object holds a serialized Python function anywhere ({"class_name": "__lambda__", ...}).
bool contains_lambda(const Config& object);
// Why an object is a custom (user-registered) class, e.g. "registered as 'my_pkg>Scale'"; "" for a built-in.
std::string custom_object_reason(const Config& object);
// Refuses a dtype other than float32 (a string or a DTypePolicy object), naming `label`.
void check_dtype(const Config& config, const std::string& label);

// The config with keys the specs do not know dropped when Keras wrote them at an "off" value (null, false),
// one-element lists unwrapped for integer parameters (Keras 2's `axis: [3]`), and nested initializer,
// regularizer, constraint, loss and schedule objects normalised the same way. Any other unknown key is refused
// with a ValueError naming `label` and the key.
Config normalize_params(Config config, const std::vector<ParamSpec>& specs, const std::vector<std::string>& passthrough,
                        const std::string& label);

enum class ModuleKind { Initializer, Regularizer, Constraint, Activation, Loss, Metric, Optimizer, Schedule };

// A module value ("adam", {"module": ..., "class_name": "Adam", "config": {...}}) as Cornu's registries take it:
// {"class_name", "config"} normalised against the registry entry it names; names are kept as they are.
Config normalize_module(const Config& value, ModuleKind kind, const std::string& label);

}  // namespace cornu::io
