// Weight regularizers l1, l2 and l1_l2: penalty l1 * sum|w| + l2 * sum w^2 added to the loss.
#pragma once
#include <memory>

#include "backend/backend.h"
#include "core/registry.h"

namespace cornu {

struct Regularizer {
  std::string name;  // "l1", "l2", "l1_l2"
  float l1 = 0.0f, l2 = 0.0f;
  Config config;
  double penalty(Backend& b, const float* w, int64_t n) const;
  // g += d penalty / d w
  void add_gradient(Backend& b, const float* w, float* g, int64_t n) const;
};

using RegularizerPtr = std::shared_ptr<Regularizer>;
Registry<Regularizer>& regularizer_registry();
// null -> nullptr; "l2"; {"class_name": "L1L2", "config": {"l1": 0.01, "l2": 0.01}}.
RegularizerPtr make_regularizer(const Config& name_or_object);

}  // namespace cornu
