#include "io/keras_objects.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "activations/activation.h"
#include "constraints/constraint.h"
#include "core/error.h"
#include "initializers/initializer.h"
#include "losses/loss.h"
#include "metrics/metric.h"
#include "optimizers/optimizer.h"
#include "regularizers/regularizer.h"

namespace cornu::io {

namespace {

constexpr int kMaxObjectDepth = 64;

bool lambda_inside(const Config& v, int depth) {
  if (depth > kMaxObjectDepth) return false;  // the JSON parser's own depth limit applies earlier
  if (v.is_object()) {
    if (v.contains("class_name") && v["class_name"] == "__lambda__") return true;
    for (const auto& item : v.items())
      if (lambda_inside(item.value(), depth + 1)) return true;
  } else if (v.is_array()) {
    for (const auto& item : v)
      if (lambda_inside(item, depth + 1)) return true;
  }
  return false;
}

// Keras stores hyperparameters as float32: a learning rate of 0.1 comes back as 0.10000000149011612. Such a
// value becomes the shortest decimal with the same float32, so that the inspector shows what the user typed.
Config short_float(const Config& v) {
  if (!v.is_number_float()) return v;
  const double x = v.get<double>();
  const auto f = static_cast<float>(x);
  if (!std::isfinite(x) || static_cast<double>(f) != x) return v;
  for (int digits = 1; digits <= 9; ++digits) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*g", digits, x);
    const double shorter = std::strtod(text, nullptr);
    if (static_cast<float>(shorter) == f) return shorter;
  }
  return v;
}

// Every key of an object normalised through its spec; returns the specs' parameter by name or null.
const ParamSpec* find_spec(const std::vector<ParamSpec>& specs, const std::string& key) {
  for (const auto& s : specs)
    if (s.name == key) return &s;
  return nullptr;
}

template <class Product>
Config normalize_in(const Config& value, const Registry<Product>& registry, const std::string& label) {
  if (!value.is_object()) return value;  // a name ("relu", "glorot_uniform") or a number (a learning rate)
  if (contains_lambda(value))
    throw ValueError(label + " holds Python code (a lambda), which Cornu never runs. Use a built-in " +
                     registry.kind() + " instead.");
  if (std::string why = custom_object_reason(value); !why.empty())
    throw ValueError(label + " uses a custom " + registry.kind() + " " + why + ". Use a built-in one instead.");
  if (!value.contains("class_name") || !value["class_name"].is_string())
    throw ValueError(label + ": expected a " + registry.kind() + " name or an object with \"class_name\", got " +
                     value.dump().substr(0, 200) + ".");
  const std::string cls = value["class_name"].get<std::string>();
  if (!registry.contains(cls))
    throw ValueError(label + " uses the " + registry.kind() + " '" + cls + "', which Cornu does not support. Known: " +
                     [&] {
                       std::string s;
                       for (const auto& n : registry.names()) s += (s.empty() ? "" : ", ") + n;
                       return s;
                     }() + ".");
  Config config = value.contains("config") && value["config"].is_object() ? value["config"] : Config::object();
  check_dtype(config, label);  // metrics and losses carry a dtype
  config.erase("dtype");
  return {{"class_name", cls},
          {"config", normalize_params(config, registry.get(cls).params, {"name", "reduction"}, label + " " + cls)}};
}

}  // namespace

bool contains_lambda(const Config& object) { return lambda_inside(object, 0); }

std::string custom_object_reason(const Config& object) {
  if (!object.is_object()) return "";
  if (object.contains("registered_name") && object["registered_name"].is_string()) {
    const std::string r = object["registered_name"].get<std::string>();
    const std::string cls = object.value("class_name", std::string());
    if (r != cls && r != "Functional") return "(registered as '" + r + "')";
  }
  if (object.contains("module") && object["module"].is_string()) {
    const std::string m = object["module"].get<std::string>();
    if (m != "keras" && m.rfind("keras.", 0) != 0) return "(from the Python module '" + m + "')";
  }
  return "";
}

void check_dtype(const Config& config, const std::string& label) {
  if (!config.is_object() || !config.contains("dtype")) return;
  const Config& d = config["dtype"];
  std::string name;
  if (d.is_null()) return;
  if (d.is_string()) name = d.get<std::string>();
  else if (d.is_object() && d.contains("config") && d["config"].is_object() && d["config"].contains("name") &&
           d["config"]["name"].is_string())
    name = d["config"]["name"].get<std::string>();
  else
    throw ValueError(label + " has a dtype Cornu cannot read: " + d.dump().substr(0, 200) + ".");
  if (name != "float32")
    throw ValueError(label + " computes in '" + name + "', but Cornu computes in float32 only. Save the model with " +
                     "the float32 dtype policy (keras.config.set_dtype_policy(\"float32\")) and import it again.");
}

Config normalize_params(Config config, const std::vector<ParamSpec>& specs, const std::vector<std::string>& passthrough,
                        const std::string& label) {
  if (!config.is_object()) throw ValueError(label + ": the config is not an object: " + config.dump().substr(0, 200) + ".");
  Config out = Config::object();
  for (auto& [key, value] : config.items()) {
    if (std::find(passthrough.begin(), passthrough.end(), key) != passthrough.end()) {
      out[key] = value;
      continue;
    }
    const ParamSpec* spec = find_spec(specs, key);
    if (!spec) {
      if (value.is_null() || value == false) continue;  // a Keras option Cornu does not model, switched off
      throw ValueError(label + " sets '" + key + "' = " + value.dump().substr(0, 100) +
                       ", an option Cornu does not support. Remove it in Keras and save the model again.");
    }
    Config v = value;
    const std::string where = label + " " + key;
    switch (spec->type) {
      case ParamType::Int:
        if (v.is_array() && v.size() == 1) v = v[0];  // Keras 2: axis [3]
        break;
      case ParamType::Float: v = short_float(v); break;
      case ParamType::Initializer: v = normalize_module(v, ModuleKind::Initializer, where); break;
      case ParamType::Regularizer: v = normalize_module(v, ModuleKind::Regularizer, where); break;
      case ParamType::Constraint: v = normalize_module(v, ModuleKind::Constraint, where); break;
      case ParamType::Activation: v = normalize_module(v, ModuleKind::Activation, where); break;
      case ParamType::Loss: v = normalize_module(v, ModuleKind::Loss, where); break;
      case ParamType::Schedule: v = v.is_number() ? short_float(v) : normalize_module(v, ModuleKind::Schedule, where); break;
      default: break;
    }
    out[key] = std::move(v);
  }
  return out;
}

Config normalize_module(const Config& value, ModuleKind kind, const std::string& label) {
  if (value.is_null()) return value;
  switch (kind) {
    case ModuleKind::Initializer: return normalize_in(value, initializer_registry(), label);
    case ModuleKind::Regularizer: return normalize_in(value, regularizer_registry(), label);
    case ModuleKind::Constraint: return normalize_in(value, constraint_registry(), label);
    case ModuleKind::Activation: return normalize_in(value, activation_registry(), label);
    case ModuleKind::Loss: return normalize_in(value, loss_registry(), label);
    case ModuleKind::Metric: return normalize_in(value, metric_registry(), label);
    case ModuleKind::Optimizer: return normalize_in(value, optimizer_registry(), label);
    case ModuleKind::Schedule: return normalize_in(value, schedule_registry(), label);
  }
  return value;
}

}  // namespace cornu::io
