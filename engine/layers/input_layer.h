#pragma once
#include "layers/layer.h"

namespace cornu {

class InputLayer final : public Layer {
 public:
  explicit InputLayer(Config config);
  Shapes compute_output_shape(const Shapes& inputs) const override;
  void forward(Context&, const std::vector<const Tensor*>&, const std::vector<Tensor*>&) override;
  void backward(Context&, const std::vector<const Tensor*>&, const std::vector<const Tensor*>&,
                const std::vector<const Tensor*>&, const std::vector<Tensor*>&) override;
  const Shape& batch_shape() const { return shape_; }

 private:
  Shape shape_;
};

// An InputLayer for samples of `sample_shape` (batch dimension None).
LayerPtr make_input_layer(const Shape& sample_shape, const std::string& name = "");

}  // namespace cornu
