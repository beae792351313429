// Dense: y = activation(x · kernel + bias), kernel (in, units), bias (units).
// https://keras.io/api/layers/core_layers/dense/
// Inputs of rank > 2 are (batch, ..., features), as in Keras: the kernel acts on the last axis, every other
// axis is kept (a (None, 28, 28) image gives (None, 28, units)), so the maths is one gemm over all rows.
#include "activations/activation.h"
#include "core/error.h"
#include "layers/layer.h"
#include "regularizers/regularizer.h"

namespace cornu {

namespace {

// Scratch slots of a call: the pre-activation z, dL/dy plus the activity gradient, and dL/dz.
enum Slot { kPreActivation, kOutputGrad, kPreActivationGrad };

class Dense final : public Layer {
 public:
  explicit Dense(Config config) : Layer("Dense", std::move(config)) {
    supports_masking_ = true;
    units_ = param("units").get<int64_t>();
    use_bias_ = param("use_bias").get<bool>();
    activation_ = make_activation(param("activation"));
    activity_regularizer_ = make_regularizer(param("activity_regularizer"));
    if (!param("lora_rank").is_null())
      throw ValueError("Dense '" + name() + "': LoRA (lora_rank=" + param("lora_rank").dump() +
                       ") is not supported yet. Remove lora_rank, or set it to None.");
    if (!param("quantization_config").is_null())
      throw ValueError("Dense '" + name() + "': quantized layers are not supported yet. " +
                       "Set quantization_config to None.");
  }

  Shapes compute_output_shape(const Shapes& inputs) const override {
    expect_inputs(name(), inputs, 1, 1);
    const Shape& in = inputs[0];
    if (in.rank() < 2)
      throw ShapeError("Dense '" + name() + "' expects inputs of shape (batch, features), but it received " +
                       in.to_string() + ", which has no batch axis. Give the shape of one sample to Input, e.g. " +
                       "Input(shape=" + in.to_string() + "): the batch axis is added for you.");
    if (in[-1] == Shape::kNone)
      throw ShapeError("Dense '" + name() + "' needs to know the size of its input's last axis to create its kernel, " +
                       "but it received " + in.to_string() + ". Give that axis a size in the Input shape.");
    std::vector<int64_t> out = in.dims();
    out.back() = units_;
    return {Shape(std::move(out))};
  }

  // One kernel product per position of the middle axes (an unknown length counts once).
  int64_t count_macs(const Shapes& inputs, const Shapes&) const override {
    int64_t macs = mul_saturated(inputs[0][-1], units_);
    for (int a = 1; a + 1 < inputs[0].rank(); ++a)
      if (inputs[0][a] != Shape::kNone) macs = mul_saturated(macs, inputs[0][a]);
    return macs;
  }

  void forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) override {
    Backend& b = ctx.backend();
    const int64_t in = x[0]->shape()[-1], rows = x[0]->size() / in;
    float* z = activation_->is_linear() ? y[0]->data() : ctx.scratch(kPreActivation, y[0]->shape()).data();
    b.gemm(false, false, rows, units_, in, 1.0f, x[0]->data(), in, kernel().value.data(), units_, 0.0f, z, units_);
    if (use_bias_) b.add_row_vector(z, bias().value.data(), rows, units_);
    if (!activation_->is_linear()) activation_->forward(b, z, y[0]->data(), rows, units_);
    // Keras divides the activity penalty by the batch size (Layer.__call__): axis 0, not the rows of all axes.
    if (activity_regularizer_)
      ctx.add_loss(activity_regularizer_->penalty(b, y[0]->data(), y[0]->size()) /
                   static_cast<double>(x[0]->shape()[0]));
  }

  void backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) override {
    Backend& b = ctx.backend();
    const int64_t in = x[0]->shape()[-1], rows = x[0]->size() / in, n = y[0]->size();
    const float* grad_y = dy[0]->data();
    if (activity_regularizer_) {  // dL/dy + d(penalty / batch)/dy
      Tensor& g = ctx.scratch(kOutputGrad, y[0]->shape());
      b.fill(g.data(), n, 0.0f);
      activity_regularizer_->add_gradient(b, y[0]->data(), g.data(), n);
      b.scale(n, 1.0f / static_cast<float>(x[0]->shape()[0]), g.data());
      b.axpy(n, 1.0f, grad_y, g.data());
      grad_y = g.data();
    }
    const float* grad_z = grad_y;
    if (!activation_->is_linear()) {
      Tensor& g = ctx.scratch(kPreActivationGrad, y[0]->shape());
      b.fill(g.data(), n, 0.0f);
      const float* z = ctx.scratch(kPreActivation, y[0]->shape()).data();
      activation_->backward(b, z, y[0]->data(), grad_y, g.data(), rows, units_);
      grad_z = g.data();
    }
    Variable& w = kernel();
    if (w.trainable)  // dW (in, units) += x^T · dz
      b.gemm(true, false, in, units_, rows, 1.0f, x[0]->data(), in, grad_z, units_, 1.0f, w.grad.data(), units_);
    if (use_bias_ && bias().trainable) b.sum_rows(grad_z, bias().grad.data(), rows, units_, 1.0f);
    if (dx[0])  // dx (rows, in) += dz · W^T
      b.gemm(false, true, rows, in, units_, 1.0f, grad_z, units_, w.value.data(), units_, 1.0f, dx[0]->data(), in);
  }

 protected:
  void build_weights(const Shapes& inputs, uint64_t seed_key) override {
    add_weight("kernel", Shape{inputs[0][-1], units_}, param("kernel_initializer"), seed_key,
               param("kernel_regularizer"), param("kernel_constraint"));
    if (use_bias_)
      add_weight("bias", Shape{units_}, param("bias_initializer"), seed_key, param("bias_regularizer"),
                 param("bias_constraint"));
  }

 private:
  Variable& kernel() { return variables()[0]; }
  Variable& bias() { return variables()[1]; }

  int64_t units_ = 0;
  bool use_bias_ = true;
  ActivationPtr activation_;
  RegularizerPtr activity_regularizer_;
};

}  // namespace

void register_dense(LayerRegistry& r) {
  r.add({.name = "Dense",
         .category = "Core",
         .doc = "Densely-connected layer: activation(inputs · kernel + bias).",
         .params = {{.name = "units", .type = ParamType::Int, .doc = "Dimensionality of the output space.",
                     .minimum = 1, .required = true},
                    {.name = "activation", .type = ParamType::Activation, .default_value = "linear",
                     .doc = "Activation applied to the output (None or 'linear': none)."},
                    {.name = "use_bias", .type = ParamType::Bool, .default_value = true,
                     .doc = "Whether the layer adds a bias vector."},
                    {.name = "kernel_initializer", .type = ParamType::Initializer, .default_value = "glorot_uniform",
                     .doc = "Initializer for the kernel matrix."},
                    {.name = "bias_initializer", .type = ParamType::Initializer, .default_value = "zeros",
                     .doc = "Initializer for the bias vector."},
                    {.name = "kernel_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
                     .doc = "Regularizer applied to the kernel matrix."},
                    {.name = "bias_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
                     .doc = "Regularizer applied to the bias vector."},
                    {.name = "activity_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
                     .doc = "Regularizer applied to the output, divided by the batch size."},
                    {.name = "kernel_constraint", .type = ParamType::Constraint, .default_value = nullptr,
                     .doc = "Constraint applied to the kernel after each update."},
                    {.name = "bias_constraint", .type = ParamType::Constraint, .default_value = nullptr,
                     .doc = "Constraint applied to the bias after each update."},
                    {.name = "lora_rank", .type = ParamType::Int, .default_value = nullptr,
                     .doc = "Rank of a LoRA update (not supported yet: must be None).", .nullable = true},
                    {.name = "lora_alpha", .type = ParamType::Int, .default_value = nullptr,
                     .doc = "Scale of a LoRA update (used with lora_rank).", .nullable = true},
                    {.name = "quantization_config", .type = ParamType::Any, .default_value = nullptr,
                     .doc = "Quantization settings (not supported yet: must be None)."}},
         .create = [](const Config& c) { return std::make_shared<Dense>(c); }});
}

}  // namespace cornu
