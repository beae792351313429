// InputLayer: the entry point of a model; Keras 3 stores its shape as "batch_shape" ([null, 28, 28]).
// https://keras.io/api/layers/core_layers/input/
#include "layers/input_layer.h"

#include "core/error.h"

namespace cornu {

namespace {

Shape shape_from_config(const Config& batch_shape) {
  if (!batch_shape.is_array() || batch_shape.empty())
    throw ValueError("InputLayer needs batch_shape, a list such as [null, 28, 28] (None for the batch).");
  std::vector<int64_t> dims;
  for (const auto& d : batch_shape) {
    if (d.is_null()) dims.push_back(Shape::kNone);
    else if (d.is_number_integer() && d.get<int64_t>() > 0) dims.push_back(d.get<int64_t>());
    else throw ValueError("InputLayer batch_shape " + batch_shape.dump() + " must hold positive integers or null.");
  }
  return Shape(std::move(dims));
}

}  // namespace

InputLayer::InputLayer(Config config) : Layer("InputLayer", std::move(config)) {
  shape_ = shape_from_config(param("batch_shape"));
}

Shapes InputLayer::compute_output_shape(const Shapes& inputs) const {
  if (!inputs.empty()) throw ShapeError("InputLayer '" + name() + "' takes no inputs: it is where data enters.");
  return {shape_};
}

void InputLayer::forward(Context&, const std::vector<const Tensor*>&, const std::vector<Tensor*>&) {}
void InputLayer::backward(Context&, const std::vector<const Tensor*>&, const std::vector<const Tensor*>&,
                          const std::vector<const Tensor*>&, const std::vector<Tensor*>&) {}

void register_input_layer(LayerRegistry& r) {
  r.add({.name = "InputLayer",
         .aliases = {"Input"},
         .category = "Input/Output",
         .doc = "Where data enters the model: the shape of one batch, None standing for the batch size.",
         .params = {{.name = "batch_shape",
                     .type = ParamType::Any,
                     .default_value = nullptr,
                     .doc = "Shape including the batch dimension, e.g. [null, 784].",
                     .required = true},
                    {.name = "sparse", .type = ParamType::Bool, .default_value = false, .doc = "Sparse input (unsupported: must be false)."}},
         .min_inputs = 0,
         .max_inputs = 0,
         .create = [](const Config& c) { return std::make_shared<InputLayer>(c); }});
}

LayerPtr make_input_layer(const Shape& sample_shape, const std::string& name) {
  Config batch_shape = Config::array({nullptr});
  for (int64_t d : sample_shape.dims()) batch_shape.push_back(d == Shape::kNone ? Config() : Config(d));  // None axes
  Config c = {{"batch_shape", batch_shape}};
  if (!name.empty()) c["name"] = name;
  return make_layer("InputLayer", c);
}

}  // namespace cornu
