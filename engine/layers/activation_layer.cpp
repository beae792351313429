// Activation: applies a named activation function to its input.
// https://keras.io/api/layers/core_layers/activation/
#include "layers/activation_layer.h"

#include "core/error.h"

namespace cornu {

namespace {
// The input seen as rows x cols, cols being the last axis (the one softmax normalises).
struct RowsCols {
  int64_t rows, cols;
};
RowsCols rows_cols(const Tensor& x) {
  int64_t cols = x.shape().rank() ? x.shape()[-1] : 1;
  return {cols ? x.size() / cols : 0, cols};
}
}  // namespace

ActivationFnLayer::ActivationFnLayer(std::string class_name, Config config, ActivationPtr fn)
    : Layer(std::move(class_name), std::move(config)), fn_(std::move(fn)) { supports_masking_ = true; }

Shapes ActivationFnLayer::compute_output_shape(const Shapes& inputs) const {
  expect_inputs(name(), inputs, 1, 1);
  return inputs;
}

void ActivationFnLayer::forward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<Tensor*>& y) {
  auto [rows, cols] = rows_cols(*x[0]);
  fn_->forward(ctx.backend(), x[0]->data(), y[0]->data(), rows, cols);
}

void ActivationFnLayer::backward(Context& ctx, const std::vector<const Tensor*>& x, const std::vector<const Tensor*>& y,
                                 const std::vector<const Tensor*>& dy, const std::vector<Tensor*>& dx) {
  if (!dx[0]) return;
  auto [rows, cols] = rows_cols(*x[0]);
  fn_->backward(ctx.backend(), x[0]->data(), y[0]->data(), dy[0]->data(), dx[0]->data(), rows, cols);
}

void register_activation_layer(LayerRegistry& r) {
  r.add({.name = "Activation",
         .category = "Activation",
         .doc = "Applies an activation function, such as 'relu' or 'softmax', to its input.",
         .params = {{.name = "activation",
                     .type = ParamType::Activation,
                     .doc = "Name of the activation function, e.g. 'relu', 'tanh' or 'softmax'.",
                     .required = true}},
         .create = [](const Config& c) {
           ActivationPtr fn = make_activation(c.at("activation"));
           Config config = c;
           // Like Keras's activations.serialize: a name is written canonically ("swish" -> "silu").
           if (!config["activation"].is_object()) config["activation"] = fn->name;
           return std::make_shared<ActivationFnLayer>("Activation", config, fn);
         }});
}

}  // namespace cornu
