// Weight constraints max_norm, min_max_norm, non_neg, unit_norm, applied after each optimizer step.
#pragma once
#include <memory>

#include "backend/backend.h"
#include "core/registry.h"
#include "core/tensor.h"

namespace cornu {

struct Constraint {
  std::string name;
  ConstraintKind kind = ConstraintKind::NonNeg;
  ConstraintParams params;
  Config config;
  // Norms are taken over all axes but the last (Keras's axis=0 for a Dense kernel).
  void apply(Backend& b, Tensor& w) const;
};

using ConstraintPtr = std::shared_ptr<Constraint>;
Registry<Constraint>& constraint_registry();
// null -> nullptr; "non_neg"; {"class_name": "MaxNorm", "config": {"max_value": 2}}.
ConstraintPtr make_constraint(const Config& name_or_object);

}  // namespace cornu
