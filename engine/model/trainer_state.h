// Training state of a Model (private to model/): plans per batch size, packed parameters, loss slots.
#pragma once
#include <map>
#include <memory>
#include <vector>

#include "model/model.h"
#include "model/plan.h"

namespace cornu {

struct Model::Trainer {
  Backend* backend = &cpu_backend();
  uint64_t seed = 0;
  uint64_t step = 0;
  std::map<int64_t, std::unique_ptr<ExecutionPlan>> plans;

  // Trainable parameters and their gradients packed into one array each (optimizer: one fused loop).
  Tensor params, grads;
  std::vector<std::pair<int64_t, int64_t>> ranges;  // (offset, size) of each packed variable
  std::vector<Variable*> packed;
  std::vector<Variable*> regularized, constrained;
  int64_t packed_count = -1;

  struct OutputSlot {
    Tensor y_true, labels, weights, row_loss;
    int64_t rows = 0, cols = 0;
    std::vector<float> host_pred, host_true, host_weights, host_mask;
    std::vector<int32_t> host_labels;
  };
  std::map<int64_t, std::vector<OutputSlot>> slots;
  std::vector<std::vector<MetricPtr>> metrics;  // per output
  std::vector<float> host_input;

  ExecutionPlan& plan(Model& m, int64_t batch) {
    auto& p = plans[batch];
    if (!p) p = std::make_unique<ExecutionPlan>(m, batch, *backend, seed);
    return *p;
  }
};

}  // namespace cornu
