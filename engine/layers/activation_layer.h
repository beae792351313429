// A layer that applies one activation function over its input, the last axis being the one softmax
// normalises: Keras's Activation, and the ReLU, LeakyReLU and ELU layers built on the same functions.
#pragma once
#include "activations/activation.h"
#include "layers/layer.h"

namespace cornu {

class ActivationFnLayer final : public Layer {
 public:
  ActivationFnLayer(std::string class_name, Config config, ActivationPtr fn);
  const ActivationFn& function() const { return *fn_; }

  // Output shape = input shape.
  Shapes compute_output_shape(const Shapes& inputs) const override;
  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override;
  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override;

 private:
  ActivationPtr fn_;
};

}  // namespace cornu
