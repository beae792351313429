// The execution plan of a model for one batch size: the layer calls flattened (nested models inlined) in
// topological order, and every activation and gradient as a view into one arena each, allocated once.
// The steady-state training step then allocates nothing.
#pragma once
#include <memory>
#include <vector>

#include "layers/layer.h"

namespace cornu {

class Model;

struct PlannedCall {
  Layer* layer = nullptr;
  std::vector<int> inputs;   // tensor ids
  std::vector<int> outputs;  // tensor ids
  std::vector<int> input_masks;    // tensor ids of the inputs' masks, -1 where none
  std::vector<int> output_masks;   // likewise for the outputs (shared with an input's when passed on)
  bool computes_masks = false;     // some output mask is the layer's own (Layer::kOwnMask)
  std::unique_ptr<Context> context;
};

class ExecutionPlan {
 public:
  ExecutionPlan(Model& model, int64_t batch, Backend& backend, uint64_t seed);

  int64_t batch() const { return batch_; }
  Tensor& value(int id) { return values_[static_cast<size_t>(id)]; }
  Tensor& grad(int id) { return grads_[static_cast<size_t>(id)]; }
  const std::vector<int>& input_ids() const { return input_ids_; }
  const std::vector<int>& output_ids() const { return output_ids_; }
  // The mask of model output o, (batch, time) of 0/1, or null where it has none (Keras's output._keras_mask).
  const Tensor* output_mask(size_t o) const {
    const int id = output_mask_ids_[o];
    return id >= 0 ? &values_[static_cast<size_t>(id)] : nullptr;
  }

  // Runs every call; returns the losses layers added (activity regularisation).
  double forward(bool training, uint64_t step);
  void zero_grads();
  // Back-propagates from the gradients already placed in grad(output ids).
  void backward();

 private:
  int64_t batch_;
  Backend& backend_;
  std::vector<PlannedCall> calls_;
  std::vector<Shape> shapes_;
  std::vector<int> input_ids_, output_ids_, output_mask_ids_;
  std::vector<bool> is_input_;  // model inputs and masks: no gradient
  Tensor value_arena_, grad_arena_;
  std::vector<Tensor> values_, grads_;
  // Argument lists reused by every call, so a step allocates nothing.
  std::vector<const Tensor*> x_, y_const_, dy_;
  std::vector<Tensor*> y_, dx_, masks_;
};

}  // namespace cornu
