// RecurrentLayer: the config, shapes, masks and weights SimpleRNN, LSTM and GRU share (see recurrent.h).
#include "layers/recurrent.h"

#include "core/error.h"

namespace cornu {

namespace {

// The elementwise activations the CPU cell ops implement (backend/cpu/cpu_recurrent.cpp).
bool cell_activation(UnaryOp op) {
  switch (op) {
    case UnaryOp::Tanh: case UnaryOp::Sigmoid: case UnaryOp::Identity: case UnaryOp::HardSigmoid:
    case UnaryOp::Relu: case UnaryOp::Softplus: case UnaryOp::Softsign: case UnaryOp::Elu: case UnaryOp::Selu:
    case UnaryOp::Exponential:
      return true;
    default:
      return false;
  }
}

ActivationPtr cell_activation_of(const std::string& layer, const std::string& key, const Config& value) {
  ActivationPtr a = make_activation(value);
  if (a->kind != ActivationFn::Kind::Elementwise || !cell_activation(a->op))
    throw ValueError(layer + ": " + key + " '" + a->name + "' cannot be used inside a recurrent cell yet. Use one of " +
                     "tanh, sigmoid, hard_sigmoid, relu, linear, softplus, softsign, elu, selu or exponential.");
  return a;
}

}  // namespace

std::vector<ParamSpec> recurrent_param_specs(bool gated) {
  std::vector<ParamSpec> p{
      {.name = "units", .type = ParamType::Int, .doc = "Dimensionality of the output space (and of the state).",
       .minimum = 1, .required = true},
      {.name = "activation", .type = ParamType::Activation, .default_value = "tanh",
       .doc = "Activation of the candidate state (None: linear)."}};
  if (gated)
    p.push_back({.name = "recurrent_activation", .type = ParamType::Activation, .default_value = "sigmoid",
                 .doc = "Activation of the gates."});
  auto add = [&](ParamSpec s) { p.push_back(std::move(s)); };
  add({.name = "use_bias", .type = ParamType::Bool, .default_value = true, .doc = "Whether the layer uses a bias."});
  add({.name = "kernel_initializer", .type = ParamType::Initializer, .default_value = "glorot_uniform",
       .doc = "Initializer of the kernel, which projects the inputs."});
  add({.name = "recurrent_initializer", .type = ParamType::Initializer, .default_value = "orthogonal",
       .doc = "Initializer of the recurrent kernel, which projects the previous state."});
  add({.name = "bias_initializer", .type = ParamType::Initializer, .default_value = "zeros",
       .doc = "Initializer of the bias."});
  for (const char* w : {"kernel", "recurrent", "bias"})
    add({.name = std::string(w) + "_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
         .doc = std::string("Regularizer of the ") + (std::string(w) == "recurrent" ? "recurrent kernel." : std::string(w) + ".")});
  add({.name = "activity_regularizer", .type = ParamType::Regularizer, .default_value = nullptr,
       .doc = "Regularizer of the output, divided by the batch size."});
  for (const char* w : {"kernel", "recurrent", "bias"})
    add({.name = std::string(w) + "_constraint", .type = ParamType::Constraint, .default_value = nullptr,
         .doc = std::string("Constraint on the ") + (std::string(w) == "recurrent" ? "recurrent kernel." : std::string(w) + ".")});
  add({.name = "dropout", .type = ParamType::Float, .default_value = 0.0,
       .doc = "Fraction of the inputs dropped in training (one mask per sequence).", .minimum = 0.0, .maximum = 1.0});
  add({.name = "recurrent_dropout", .type = ParamType::Float, .default_value = 0.0,
       .doc = "Fraction of the previous state dropped in training (one mask per sequence).", .minimum = 0.0,
       .maximum = 1.0});
  add({.name = "seed", .type = ParamType::Int, .default_value = nullptr,
       .doc = "Random seed for the dropout masks (None: derived from the model's seed).", .minimum = 0,
       .nullable = true});
  add({.name = "return_sequences", .type = ParamType::Bool, .default_value = false,
       .doc = "Return the output of every time step (batch, time, units), not only the last (batch, units)."});
  add({.name = "return_state", .type = ParamType::Bool, .default_value = false,
       .doc = "Also return the final state(s) as extra outputs."});
  add({.name = "go_backwards", .type = ParamType::Bool, .default_value = false,
       .doc = "Process the sequence backwards (outputs come in processing order)."});
  add({.name = "stateful", .type = ParamType::Bool, .default_value = false,
       .doc = "Carry states between batches (not supported yet: must be False)."});
  add({.name = "unroll", .type = ParamType::Bool, .default_value = false,
       .doc = "Unroll the loop (accepted for Keras compatibility; Cornu's loop is the same either way)."});
  add({.name = "zero_output_for_mask", .type = ParamType::Bool, .default_value = false,
       .doc = "Output zeros at masked steps instead of repeating the previous output."});
  return p;
}

RecurrentLayer::RecurrentLayer(const std::string& class_name, Config config, std::string cell_name, int gates,
                               int states)
    : Layer(class_name, std::move(config)), gates_(gates), cell_name_(std::move(cell_name)), states_(states) {
  units_ = param("units").get<int64_t>();
  use_bias_ = param("use_bias").get<bool>();
  const std::string label = class_name + " '" + name() + "'";
  acts_.activation = cell_activation_of(label, "activation", param("activation"))->op;
  acts_.activation_params = make_activation(param("activation"))->params;
  if (params_.contains("recurrent_activation")) {
    ActivationPtr r = cell_activation_of(label, "recurrent_activation", param("recurrent_activation"));
    acts_.recurrent = r->op, acts_.recurrent_params = r->params;
  }
  return_sequences_ = param("return_sequences").get<bool>();
  return_state_ = param("return_state").get<bool>();
  go_backwards_ = param("go_backwards").get<bool>();
  zero_output_for_mask_ = param("zero_output_for_mask").get<bool>();
  dropout_ = param("dropout").get<float>();
  recurrent_dropout_ = param("recurrent_dropout").get<float>();
  if (dropout_ >= 1.0f || recurrent_dropout_ >= 1.0f)
    throw ValueError(label + ": dropout rates must be below 1, or every value would be dropped.");
  stream_ = param("seed").is_null() ? 0 : param("seed").get<uint64_t>() + 1;
  if (param("stateful").get<bool>())
    throw ValueError(label + ": stateful=True (states carried from one batch to the next) is not supported yet. " +
                     "Set stateful to False, or pass the states explicitly as initial_state inputs.");
  if (!param("activity_regularizer").is_null())
    throw ValueError(label + ": activity_regularizer is not supported on recurrent layers yet. Set it to None, or add "
                     "an ActivityRegularization layer after this one.");
}

Shapes RecurrentLayer::compute_output_shape(const Shapes& inputs) const {
  expect_inputs(name(), inputs, 1, 1 + states_);
  const Shape& x = inputs[0];
  if (x.rank() != 3)
    throw ShapeError(class_name() + " '" + name() + "' expects sequences of shape (batch, time, features), but it " +
                     "received " + x.to_string() + "." +
                     (x.rank() == 2 ? " Add a Reshape((time, features)) before it, or an Embedding for token ids." : ""));
  if (x[2] == Shape::kNone)
    throw ShapeError(class_name() + " '" + name() + "' needs the size of its input's last axis (features) to create " +
                     "its kernel, but it received " + x.to_string() + ".");
  for (size_t i = 1; i < inputs.size(); ++i)
    if (inputs[i].rank() != 2 || (inputs[i][1] != Shape::kNone && inputs[i][1] != units_))
      throw ShapeError(class_name() + " '" + name() + "' takes initial states of shape (batch, " +
                       std::to_string(units_) + "), but initial state " + std::to_string(i - 1) + " is " +
                       inputs[i].to_string() + ".");
  if (inputs.size() > 1 && static_cast<int>(inputs.size()) != 1 + states_)
    throw ShapeError(class_name() + " '" + name() + "' has " + std::to_string(states_) + " states, so initial_state " +
                     "must list " + std::to_string(states_) + " tensors, but it got " +
                     std::to_string(inputs.size() - 1) + ".");
  Shapes out{return_sequences_ ? Shape{x[0], x[1], units_} : Shape{x[0], units_}};
  if (return_state_)
    for (int k = 0; k < states_; ++k) out.push_back(Shape{x[0], units_});
  return out;
}

std::vector<int> RecurrentLayer::output_mask_sources(const std::vector<bool>& inputs_masked, size_t output_count) const {
  std::vector<int> out(output_count, kNoMask);
  if (return_sequences_ && !inputs_masked.empty() && inputs_masked[0] && output_count > 0) out[0] = 0;
  return out;
}

std::vector<Layer::WeightGroup> RecurrentLayer::keras_weight_groups() { return {{"cell", cell_name_, all_variables()}}; }

int64_t RecurrentLayer::count_macs(const Shapes& inputs, const Shapes&) const {
  const int64_t time = inputs[0][1] == Shape::kNone ? 1 : inputs[0][1];
  return mul_saturated(time, mul_saturated(gates_ * units_, inputs[0][2] + units_));
}

void RecurrentLayer::build_weights(const Shapes& inputs, uint64_t seed_key) {
  const int64_t width = gates_ * units_;
  add_weight("kernel", Shape{inputs[0][2], width}, param("kernel_initializer"), seed_key, param("kernel_regularizer"),
             param("kernel_constraint"));
  add_weight("recurrent_kernel", Shape{units_, width}, param("recurrent_initializer"), seed_key,
             param("recurrent_regularizer"), param("recurrent_constraint"));
  if (use_bias_)
    add_weight("bias", bias_shape(), param("bias_initializer"), seed_key, param("bias_regularizer"),
               param("bias_constraint"));
}

}  // namespace cornu
