// One registry per kind of module (layers, activations, initializers, regularizers, constraints, losses,
// optimizers, metrics, learning-rate schedules), keyed by the Keras name. An entry describes the module
// once: its parameters with types, defaults, allowed values and one-line docs, and a factory. The palette,
// the inspector, shape checks, Keras import/export and Python export all read these same entries.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cornu {

// A module's configuration, exactly as in a Keras config: {"units": 64, "activation": "relu", ...}.
using Config = nlohmann::json;

enum class ParamType {
  Int,
  Float,
  Bool,
  String,
  Enum,         // one of `choices`
  IntTuple,     // list of ints, e.g. target_shape, dims, kernel_size
  IntOrTuple,   // an int or a list of ints (axis for Concatenate, axes for Dot)
  FloatList,    // list of floats (piecewise-constant values, boundaries)
  Activation,   // name of an activation registry entry, or null
  Initializer,  // name or {"class_name":..., "config":{...}} of an initializer entry
  Regularizer,  // null, name or object of a regularizer entry
  Constraint,   // null, name or object of a constraint entry
  Schedule,     // a float, or an object naming a learning-rate schedule
  Loss,         // name or {"class_name":..., "config":{...}} of a loss entry
  StringList,   // list of names (metrics)
  Any,
};
const char* param_type_name(ParamType);

// What a String parameter names on disk, if anything (see ParamSpec::path).
enum class PathKind { None, File, Folder };

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::Any;
  Config default_value;  // null = no default means the parameter is required when `required` is set
  std::string doc;
  std::vector<std::string> choices;  // for Enum
  std::optional<double> minimum, maximum;
  bool nullable = false;  // null is a valid value (e.g. max_value: None)
  bool required = false;  // no default: the user must give it (Dense's units)
  // A String parameter that names a file or a folder: the editors add a Browse button. Last in the struct so
  // that existing designated initializers keep compiling.
  using PathKind = cornu::PathKind;  // ParamSpec::PathKind::File and cornu::PathKind::File both work
  PathKind path = PathKind::None;
};

template <class Product>
struct RegistryEntry {
  std::string name;                  // the Keras name: "Dense", "relu", "adam", "categorical_crossentropy"
  std::string keras_class;           // the class in Keras configs when it differs ("Adam", "GlorotUniform")
  std::vector<std::string> aliases;  // other names Keras accepts ("swish" for "silu", "mse")
  std::string category;              // palette group for layers ("Core", "Merge"...); free text elsewhere
  std::string doc;                   // one line
  std::vector<ParamSpec> params;
  int min_inputs = 1, max_inputs = 1;  // layers: how many tensors a call takes (-1: any number)
  std::function<std::shared_ptr<Product>(const Config& resolved)> create;
  // Layers whose number of outputs depends on their parameters (an LSTM with return_state gives 3): that
  // number for a resolved config. Null: one output. Inputs past min_inputs (up to max_inputs) are optional:
  // an RNN's initial states, Attention's key.
  std::function<int(const Config& resolved)> output_count;
};

// Checks one value against its spec, normalising it in place (3 -> [3] for a tuple); returns "" when the
// value is fine, else the reason ("expected an integer, got \"abc\"").
std::string check_param(const ParamSpec& spec, Config& value);

// An axis or other small integer from a checked config value, refusing what does not fit in [-limit, limit]
// (a huge value would otherwise wrap around into a plausible axis). `what` names it in the message.
int small_int(const Config& value, const std::string& what, int64_t limit = 1024);

// Fills defaults, checks types, choices and ranges, and rejects unknown keys with a suggestion.
// `what` names the module in messages ("Dense", "optimizer 'adam'"). Keys listed in `passthrough` are
// accepted without a spec (Keras's "name", "trainable", "dtype" for layers).
Config resolve_config(const std::string& what, const std::vector<ParamSpec>& specs, const Config& given,
                      const std::vector<std::string>& passthrough = {});

template <class Product>
class Registry {
 public:
  using Entry = RegistryEntry<Product>;
  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  // Registration is explicit (no static initialisers); a duplicate name is a programming error.
  void add(Entry entry);
  bool contains(const std::string& name) const { return lookup(name) != nullptr; }
  // Finds by name, alias or Keras class name; throws ValueError listing the known names.
  const Entry& get(const std::string& name) const;
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<std::string> names() const;
  const std::string& kind() const { return kind_; }

  // get(name).create(resolve_config(...)).
  std::shared_ptr<Product> create(const std::string& name, const Config& config = Config::object(),
                                  const std::vector<std::string>& passthrough = {}) const;

 private:
  const Entry* lookup(const std::string& name) const;
  std::string kind_;
  std::vector<Entry> entries_;
};

}  // namespace cornu

#include "core/registry_impl.h"
