// What the convolution variants (transposed, depthwise, separable) share: Keras's window arguments, the
// geometry of the convolution they are built on, and the output stage every convolution ends with
// (bias, activation, activity regularizer) with its gradient.
#pragma once
#include <string>
#include <vector>

#include "activations/activation.h"
#include "layers/layer.h"
#include "layers/spatial_layers.h"
#include "regularizers/regularizer.h"

namespace cornu::conv {

// kernel_size, strides, dilation_rate and padding, as tuples of `rank` ints.
struct Window {
  int rank = 2;
  std::vector<int64_t> kernel, strides, dilation;
  std::string padding;
  int64_t span(int d) const { return dilation[d] * (kernel[d] - 1) + 1; }
};

// Reads the window from resolved params (and writes the tuples back, as Keras's get_config does).
Window read_window(Config& params, int rank, const std::string& what);

// Output size of a forward convolution along one axis; throws a ShapeError that says what to change.
int64_t output_size(const Window& w, int d, int64_t size, const std::string& what, const Shape& input);

// The ConvGeometry of a forward convolution from `in` to `out` (channels_last shapes), with `groups`.
ConvGeometry geometry(const Window& w, const Shape& in, const Shape& out, int64_t groups);

// The registry parameters every variant takes after its own: strides, padding, data_format, dilation_rate,
// activation, use_bias, bias initializer/regularizer/constraint, activity_regularizer.
std::vector<ParamSpec> common_params(int rank, bool causal);

// z = x * kernel (the layer's own part); then y = activation(z + bias), plus the activity penalty.
class OutputStage {
 public:
  OutputStage(const Config& params);  // reads use_bias, activation, activity_regularizer
  bool use_bias() const { return use_bias_; }
  // Where the layer writes z: y itself when the activation is linear, else a scratch slot.
  float* z(Context& ctx, Tensor& y, int slot) const;
  void forward(Context& ctx, const Variable* bias, float* z, Tensor& y, int64_t batch) const;
  // dL/dz from dy (in scratch slots when needed), and the bias gradient.
  const float* backward(Context& ctx, Variable* bias, const Tensor& y, const Tensor& dy, int64_t batch, int z_slot,
                        int grad_slot, int z_grad_slot) const;

 private:
  bool use_bias_ = true;
  ActivationPtr activation_;
  RegularizerPtr activity_regularizer_;
};

}  // namespace cornu::conv
