#include "core/registry.h"

#include <cctype>
#include <cmath>

namespace cornu {

namespace detail {
std::string normalize_name(const std::string& name) {
  std::string out;
  for (char ch : name)
    if (ch != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}
}  // namespace detail

const char* param_type_name(ParamType t) {
  switch (t) {
    case ParamType::Int: return "int";
    case ParamType::Float: return "float";
    case ParamType::Bool: return "bool";
    case ParamType::String: return "string";
    case ParamType::Enum: return "enum";
    case ParamType::IntTuple: return "tuple of ints";
    case ParamType::IntOrTuple: return "int or tuple of ints";
    case ParamType::FloatList: return "list of floats";
    case ParamType::Activation: return "activation";
    case ParamType::Initializer: return "initializer";
    case ParamType::Regularizer: return "regularizer";
    case ParamType::Constraint: return "constraint";
    case ParamType::Schedule: return "learning rate or schedule";
    case ParamType::Loss: return "loss";
    case ParamType::StringList: return "list of names";
    case ParamType::Any: return "any";
  }
  return "?";
}

namespace {

// Integers beyond 2^53 are refused: they cannot be a size, and converting them would overflow.
bool is_int(const Config& v) {
  if (!v.is_number()) return false;
  double x = v.get<double>();
  return std::fabs(x) <= 9007199254740992.0 && std::floor(x) == x;
}
bool is_int_list(const Config& v) {
  if (!v.is_array()) return false;
  for (const auto& x : v)
    if (!is_int(x)) return false;
  return true;
}

}  // namespace

int small_int(const Config& value, const std::string& what, int64_t limit) {
  if (!is_int(value)) throw ValueError(what + " must be an integer, got " + value.dump() + ".");
  const auto v = static_cast<int64_t>(value.get<double>());
  if (v < -limit || v > limit)
    throw ValueError(what + " must be between " + std::to_string(-limit) + " and " + std::to_string(limit) +
                     ", got " + value.dump() + ".");
  return static_cast<int>(v);
}

std::string check_param(const ParamSpec& spec, Config& v) {
  if (v.is_null()) return spec.nullable || spec.type == ParamType::Activation || spec.type == ParamType::Regularizer ||
                                 spec.type == ParamType::Constraint || spec.type == ParamType::Any
                             ? ""
                             : "it may not be None";
  switch (spec.type) {
    case ParamType::Int:
      if (!is_int(v)) return "expected an integer, got " + v.dump();
      v = static_cast<int64_t>(v.get<double>());
      break;
    case ParamType::Float:
      if (!v.is_number() || !std::isfinite(v.get<double>())) return "expected a number, got " + v.dump();
      break;
    case ParamType::Bool:
      if (!v.is_boolean()) return "expected true or false, got " + v.dump();
      break;
    case ParamType::String:
      if (!v.is_string()) return "expected a string, got " + v.dump();
      break;
    case ParamType::Enum: {
      if (!v.is_string()) return "expected a string, got " + v.dump();
      for (const auto& c : spec.choices)
        if (c == v.get<std::string>()) return "";
      std::string list;
      for (const auto& c : spec.choices) list += (list.empty() ? "'" : ", '") + c + "'";
      return "'" + v.get<std::string>() + "' is not one of " + list;
    }
    case ParamType::IntTuple:
      if (is_int(v)) v = Config::array({v});
      if (!is_int_list(v)) return "expected a tuple of integers, got " + v.dump();
      for (auto& x : v) x = static_cast<int64_t>(x.get<double>());  // 2.0 -> 2: readers take int64
      break;
    case ParamType::IntOrTuple:
      if (!is_int(v) && !is_int_list(v)) return "expected an integer or a tuple of integers, got " + v.dump();
      if (v.is_array())
        for (auto& x : v) x = static_cast<int64_t>(x.get<double>());
      else
        v = static_cast<int64_t>(v.get<double>());
      break;
    case ParamType::FloatList:
      if (!v.is_array()) return "expected a list of numbers, got " + v.dump();
      for (const auto& x : v)
        if (!x.is_number()) return "expected a list of numbers, got " + v.dump();
      break;
    case ParamType::Activation:
      if (!v.is_string() && !v.is_object()) return "expected an activation name such as 'relu', got " + v.dump();
      break;
    case ParamType::Initializer:
    case ParamType::Regularizer:
    case ParamType::Constraint:
      if (!v.is_string() && !v.is_object())
        return std::string("expected the name or config of a ") + param_type_name(spec.type) + ", got " + v.dump();
      break;
    case ParamType::Schedule:
      if (!v.is_number() && !v.is_object()) return "expected a number or a schedule, got " + v.dump();
      break;
    case ParamType::Loss:
      if (!v.is_string() && !v.is_object()) return "expected a loss name such as 'mse', got " + v.dump();
      break;
    case ParamType::StringList:
      if (v.is_string()) v = Config::array({v});
      if (!v.is_array()) return "expected a list of names, got " + v.dump();
      for (const auto& x : v)
        if (!x.is_string() && !x.is_object()) return "expected a list of names, got " + v.dump();
      break;
    case ParamType::Any: break;
  }
  if (v.is_number() && (spec.minimum || spec.maximum)) {
    double x = v.get<double>();
    if (spec.minimum && x < *spec.minimum) return "it must be at least " + Config(*spec.minimum).dump() + ", got " + v.dump();
    if (spec.maximum && x > *spec.maximum) return "it must be at most " + Config(*spec.maximum).dump() + ", got " + v.dump();
  }
  return "";
}

Config resolve_config(const std::string& what, const std::vector<ParamSpec>& specs, const Config& given,
                      const std::vector<std::string>& passthrough) {
  if (!given.is_null() && !given.is_object())
    throw ValueError(what + " expects its parameters as a JSON object, got " + given.dump() + ".");
  Config out = Config::object();
  std::vector<std::string> known;
  for (const auto& s : specs) known.push_back(s.name);
  if (given.is_object()) {
    for (auto it = given.begin(); it != given.end(); ++it) {
      if (std::find(passthrough.begin(), passthrough.end(), it.key()) != passthrough.end()) {
        out[it.key()] = it.value();
        continue;
      }
      if (std::find(known.begin(), known.end(), it.key()) == known.end()) {
        std::string hint = did_you_mean(it.key(), known);
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        throw ValueError(what + " got an unknown parameter '" + it.key() + "'. " + (hint.empty() ? "" : hint + " ") +
                         (known.empty() ? "It takes no parameters." : "It takes: " + list + "."));
      }
    }
  }
  for (const auto& spec : specs) {
    Config v;
    if (given.is_object() && given.contains(spec.name)) {
      v = given.at(spec.name);
    } else if (spec.required) {
      throw ValueError(what + " needs the parameter '" + spec.name + "' (" + spec.doc + ").");
    } else {
      v = spec.default_value;
    }
    if (std::string why = check_param(spec, v); !why.empty())
      throw ValueError(what + ": invalid value for '" + spec.name + "': " + why + ". (" + spec.name + ": " + spec.doc +
                       ")");
    out[spec.name] = v;
  }
  return out;
}

}  // namespace cornu
