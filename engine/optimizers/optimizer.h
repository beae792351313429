// Optimizers with Keras 3's update rules and defaults, and learning-rate schedules. Parameters and their
// gradients live in one flat array each (the model packs them), so a step is one fused Backend call per
// optimizer, or one per variable when gradients are clipped per variable (clipnorm).
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "backend/backend.h"
#include "core/registry.h"
#include "core/tensor.h"

namespace cornu {

class LearningRateSchedule {
 public:
  virtual ~LearningRateSchedule() = default;
  virtual double operator()(int64_t step) const = 0;  // step = optimizer iterations so far
  std::string name;
  Config config;
};
using SchedulePtr = std::shared_ptr<LearningRateSchedule>;
Registry<LearningRateSchedule>& schedule_registry();
// {"class_name": "ExponentialDecay", "config": {...}}
SchedulePtr make_schedule(const Config& object);

class Optimizer {
 public:
  Optimizer(std::string name, OptimizerKind kind, Config resolved);
  const std::string& name() const { return name_; }
  OptimizerKind kind() const { return kind_; }
  Config config() const;  // Keras-compatible, with the current learning rate

  // One update of the n parameters in `params` from `grads`; `ranges` are the [offset, offset + size)
  // of each variable inside them (for clipnorm). Clips as configured, then updates; increments iterations.
  void apply(Backend& b, float* params, float* grads, int64_t n, const std::vector<std::pair<int64_t, int64_t>>& ranges);

  int64_t iterations() const { return iterations_; }
  double learning_rate() const;  // at the current iteration (schedules included)
  // Replaces the learning rate by a constant (ReduceLROnPlateau, LearningRateScheduler).
  void set_learning_rate(double lr);
  // Forgets all state (slots and iterations), e.g. when the model's weights are replaced.
  void reset();

 private:
  std::string name_;
  OptimizerKind kind_;
  Config config_;
  SchedulePtr schedule_;
  double constant_lr_ = 0.001;
  int64_t iterations_ = 0;
  float nadam_u_product_ = 1.0f;
  std::vector<Tensor> slots_;
  std::vector<float*> slot_pointers_;
  int64_t slot_size_ = 0;
};

using OptimizerPtr = std::shared_ptr<Optimizer>;
Registry<Optimizer>& optimizer_registry();
// "adam", {"class_name": "SGD", "config": {"learning_rate": 0.01, "momentum": 0.9, "nesterov": true}}.
OptimizerPtr make_optimizer(const Config& name_or_object);

}  // namespace cornu
