// Losses with Keras's formulas and defaults, registered under their Keras names
// ("categorical_crossentropy", class "CategoricalCrossentropy", alias "mse"...). The arithmetic is the
// Backend's `loss` op, row by row over the last axis; reduction is Keras's sum_over_batch_size.
#pragma once
#include <memory>
#include <string>

#include "backend/backend.h"
#include "core/registry.h"

namespace cornu {

struct Loss {
  std::string name;
  LossKind kind = LossKind::MeanSquaredError;
  LossParams params;
  Config config;
  // Sparse losses take integer class indices as targets, shape (batch,) or (batch, 1).
  bool sparse_labels() const { return kind == LossKind::SparseCategoricalCrossentropy; }
};

using LossPtr = std::shared_ptr<Loss>;
Registry<Loss>& loss_registry();
// "categorical_crossentropy", "mse", {"class_name": "Huber", "config": {"delta": 2.0}}.
LossPtr make_loss(const Config& name_or_object);

}  // namespace cornu
