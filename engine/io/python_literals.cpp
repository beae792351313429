// Python literals and keyword arguments for the Python export: every value that reaches the script passes
// through here, so quoting and the "non-default arguments only" rule live in one place.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "activations/activation.h"
#include "constraints/constraint.h"
#include "core/module_config.h"
#include "initializers/initializer.h"
#include "io/python_writer.h"
#include "losses/loss.h"
#include "metrics/metric.h"
#include "optimizers/optimizer.h"
#include "regularizers/regularizer.h"

namespace cornu::io::python {

std::string string_literal(const std::string& text) {
  // JSON's escapes (\", \\, \n, \u001f) are all valid in a Python string; ensure_ascii is off so that names
  // stay readable, and bytes that are not UTF-8 are replaced rather than written into the source file.
  return Config(text).dump(-1, ' ', false, Config::error_handler_t::replace);
}

std::string comment_text(const std::string& text) {
  const std::string quoted = string_literal(text);
  return quoted.substr(1, quoted.size() - 2);
}

std::string float_literal(double value) {
  if (std::isnan(value)) return "float(\"nan\")";
  if (std::isinf(value)) return value > 0 ? "float(\"inf\")" : "-float(\"inf\")";
  // Keras keeps learning rates and such as float32: 0.1 comes back as 0.10000000149011612. A value that is
  // exactly a float32 is written with the fewest digits that read back to that float32.
  const auto as_float = static_cast<float>(value);
  if (static_cast<double>(as_float) == value)
    for (int digits = 1; digits <= 9; ++digits) {
      char text[64];
      std::snprintf(text, sizeof text, "%.*g", digits, value);
      if (static_cast<float>(std::strtod(text, nullptr)) == as_float) return Config(std::strtod(text, nullptr)).dump();
    }
  return Config(value).dump();  // the shortest text that reads back to the same double, always with . or e
}

std::string literal(const Config& value, bool tuple) {
  switch (value.type()) {
    case Config::value_t::null: return "None";
    case Config::value_t::boolean: return value.get<bool>() ? "True" : "False";
    case Config::value_t::number_float: return float_literal(value.get<double>());
    case Config::value_t::string: return string_literal(value.get<std::string>());
    case Config::value_t::array: {
      std::vector<std::string> items;
      for (const Config& item : value) items.push_back(literal(item, tuple));
      if (!tuple) return "[" + join(items) + "]";
      return items.size() == 1 ? "(" + items[0] + ",)" : "(" + join(items) + ")";
    }
    case Config::value_t::object: {
      std::vector<std::string> items;
      for (auto it = value.begin(); it != value.end(); ++it) items.push_back(string_literal(it.key()) + ": " + literal(it.value()));
      return "{" + join(items) + "}";
    }
    default: return value.dump();  // integers
  }
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

namespace {

// keras.<module>.<Class>(non-default args) for a registered module; its plain name when nothing differs.
template <class Product>
std::string registered_module(const Registry<Product>& registry, const std::string& module, const Config& value) {
  auto [name, config] = split_module_config(value, registry.kind());
  if (!registry.contains(name)) return value.is_string() ? string_literal(name) : literal(value);
  const auto& entry = registry.get(name);
  std::vector<std::string> args = arguments(entry.params, config);
  if (args.empty()) return string_literal(value.is_string() ? name : entry.name);
  return "keras." + module + "." + (entry.keras_class.empty() ? entry.name : entry.keras_class) + "(" + join(args) + ")";
}

}  // namespace

std::string module_value(const std::string& kind, const Config& value) {
  if (value.is_null()) return "None";
  if (kind == "initializer") return registered_module(initializer_registry(), "initializers", value);
  if (kind == "regularizer") return registered_module(regularizer_registry(), "regularizers", value);
  if (kind == "constraint") return registered_module(constraint_registry(), "constraints", value);
  if (kind == "loss") return registered_module(loss_registry(), "losses", value);
  if (kind == "optimizer") return registered_module(optimizer_registry(), "optimizers", value);
  if (kind == "schedule") return registered_module(schedule_registry(), "optimizers.schedules", value);
  if (kind == "metric") return registered_module(metric_registry(), "metrics", value);
  return literal(value);
}

std::string param_value(const ParamSpec& spec, const Config& value) {
  switch (spec.type) {
    case ParamType::IntTuple: return literal(value, true);
    case ParamType::IntOrTuple: return literal(value, value.is_array());
    case ParamType::Activation:  // Keras serialises activations by name; an object carries it as class_name
      return value.is_object() ? string_literal(split_module_config(value, "activation").first) : literal(value);
    case ParamType::Initializer: return module_value("initializer", value);
    case ParamType::Regularizer: return module_value("regularizer", value);
    case ParamType::Constraint: return module_value("constraint", value);
    case ParamType::Schedule: return value.is_number() ? literal(value) : module_value("schedule", value);
    case ParamType::Loss: return module_value("loss", value);
    default: return literal(value);
  }
}

std::vector<std::string> arguments(const std::vector<ParamSpec>& specs, const Config& config) {
  std::vector<std::string> args;
  bool positional = true;  // while the leading parameters are required ones
  for (const ParamSpec& spec : specs) {
    positional = positional && spec.required;
    if (!config.contains(spec.name)) continue;
    const Config& value = config.at(spec.name);
    if (!spec.required && value == spec.default_value) continue;
    // {"class_name": "GlorotUniform", "config": {"seed": null}} is the default "glorot_uniform" written out.
    if (!spec.required && !spec.default_value.is_null() && param_value(spec, value) == param_value(spec, spec.default_value))
      continue;
    args.push_back(positional ? param_value(spec, value) : spec.name + "=" + param_value(spec, value));
  }
  return args;
}

std::string identifier(const std::string& name, std::set<std::string>& taken) {
  static const std::set<std::string> reserved = {
      "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
      "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
      "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "keras", "layers", "np", "os",
      "print", "input", "list", "dict", "type", "id", "len", "range", "object", "max", "min", "sum", "map",
      // more builtins, then the names the script itself defines
      "abs", "all", "any", "bool", "bytes", "callable", "chr", "compile", "dir", "divmod", "enumerate", "eval",
      "exec", "filter", "float", "format", "hash", "help", "hex", "int", "iter", "next", "open", "ord", "pow",
      "repr", "reversed", "round", "set", "slice", "sorted", "str", "super", "tuple", "vars", "zip", "gzip",
      "struct", "h5py", "model", "history", "inputs", "outputs", "x_train", "y_train", "x_test", "y_test",
      "test_scores", "random_data", "load_idx", "idx_file", "callbacks", "distribution"};
  std::string base;
  for (unsigned char c : name) base += std::isalnum(c) || c == '_' ? static_cast<char>(std::tolower(c)) : '_';
  if (base.empty() || std::isdigit(static_cast<unsigned char>(base[0]))) base = "layer_" + base;
  if (reserved.count(base)) base += "_";
  std::string candidate = base;
  for (int i = 1; taken.count(candidate); ++i) candidate = base + "_" + std::to_string(i);
  taken.insert(candidate);
  return candidate;
}

}  // namespace cornu::io::python
