// Weight constraints with Keras 3's defaults: max_norm, min_max_norm, non_neg, unit_norm.
// https://keras.io/api/layers/constraints/
// Norms are taken over all axes but the last (Constraint::apply): Keras's axis=0 for a Dense kernel
// (in, out), and its recommended axis=[0, 1, 2] for a Conv2D kernel (h, w, in, out).
#include "constraints/constraint.h"
#include "core/error.h"

namespace cornu {

namespace {

// Accepts axis 0 or a list 0, 1, ..., k (leading axes), which is what the engine computes for a kernel
// whose last axis is the output axis; other axes are refused rather than silently normed differently.
void check_axis(const std::string& cls, const Config& axis) {
  bool ok = axis.is_number_integer() && axis.get<int64_t>() == 0;
  if (axis.is_array() && !axis.empty()) {
    ok = true;
    for (size_t i = 0; i < axis.size(); ++i) ok = ok && axis[i].is_number_integer() && axis[i].get<int64_t>() == int64_t(i);
  }
  if (!ok)
    throw ValueError(cls + " got axis=" + axis.dump() + ", but Cornu takes norms over all axes but the last " +
                     "(axis=0 for a Dense kernel, [0, 1, 2] for a Conv2D kernel). Use axis=0 or a list of the " +
                     "leading axes.");
}

ParamSpec axis_param() {
  return {.name = "axis", .type = ParamType::IntOrTuple, .default_value = 0,
          .doc = "Axes the norm runs over: 0 for a Dense kernel, [0, 1, 2] for a Conv2D kernel."};
}

ConstraintPtr make(const std::string& name, const std::string& cls, ConstraintKind kind, const Config& c) {
  if (c.contains("axis")) check_axis(cls, c.at("axis"));
  auto k = std::make_shared<Constraint>();
  k->name = name;
  k->kind = kind;
  k->config = c;
  if (c.contains("max_value")) k->params.max_value = c.at("max_value").get<float>();
  if (c.contains("min_value")) k->params.min_value = c.at("min_value").get<float>();
  if (c.contains("rate")) k->params.rate = c.at("rate").get<float>();
  if (kind == ConstraintKind::MinMaxNorm && k->params.min_value > k->params.max_value)
    throw ValueError("MinMaxNorm needs min_value <= max_value, got min_value=" + c.at("min_value").dump() +
                     " and max_value=" + c.at("max_value").dump() + ".");
  return k;
}

}  // namespace

void register_builtin_constraints(Registry<Constraint>& registry) {
  registry.add({.name = "max_norm",
                .keras_class = "MaxNorm",
                .doc = "Rescales each unit's incoming weights so their norm is at most max_value.",
                .params = {{.name = "max_value", .type = ParamType::Float, .default_value = 2, .doc = "Largest norm allowed.",
                            .minimum = 0.0},
                           axis_param()},
                .create = [](const Config& c) { return make("max_norm", "MaxNorm", ConstraintKind::MaxNorm, c); }});
  registry.add({.name = "min_max_norm",
                .keras_class = "MinMaxNorm",
                .doc = "Moves each unit's weight norm into [min_value, max_value], by `rate` of the way each step.",
                .params = {{.name = "min_value", .type = ParamType::Float, .default_value = 0.0, .doc = "Smallest norm allowed.",
                            .minimum = 0.0},
                           {.name = "max_value", .type = ParamType::Float, .default_value = 1.0, .doc = "Largest norm allowed.",
                            .minimum = 0.0},
                           {.name = "rate", .type = ParamType::Float, .default_value = 1.0,
                            .doc = "1: enforce strictly; below 1: move the norm that fraction of the way.", .minimum = 0.0},
                           axis_param()},
                .create = [](const Config& c) {
                  return make("min_max_norm", "MinMaxNorm", ConstraintKind::MinMaxNorm, c);
                }});
  registry.add({.name = "non_neg",
                .keras_class = "NonNeg",
                .doc = "Sets negative weights to zero.",
                .create = [](const Config& c) { return make("non_neg", "NonNeg", ConstraintKind::NonNeg, c); }});
  registry.add({.name = "unit_norm",
                .keras_class = "UnitNorm",
                .doc = "Rescales each unit's incoming weights to norm 1.",
                .params = {axis_param()},
                .create = [](const Config& c) { return make("unit_norm", "UnitNorm", ConstraintKind::UnitNorm, c); }});
}

}  // namespace cornu
