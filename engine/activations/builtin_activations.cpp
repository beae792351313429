// Registers every built-in activation under its Keras 3 name, with Keras's parameters and defaults
// (keras/src/activations/activations.py; https://keras.io/api/layers/activations/). Elementwise ones map
// to a Backend UnaryOp (formulas in backend/cpu/cpu_unary.cpp); softmax and log_softmax use the
// backend's row kernels over the last axis.
#include "activations/activation.h"

#include "core/error.h"

namespace cornu {

namespace {

using Entry = RegistryEntry<ActivationFn>;

std::shared_ptr<ActivationFn> make_fn(const std::string& name, ActivationFn::Kind kind, UnaryOp op, UnaryParams p,
                                      const Config& resolved) {
  auto fn = std::make_shared<ActivationFn>();
  fn->name = name;
  fn->kind = kind;
  fn->op = op;
  fn->params = p;
  fn->config = resolved;
  return fn;
}

float number(const Config& c, const char* key) { return c.at(key).get<float>(); }

// An activation without parameters: one UnaryOp.
Entry plain(std::string name, std::string doc, UnaryOp op, std::vector<std::string> aliases = {}) {
  return {.name = name,
          .aliases = std::move(aliases),
          .doc = std::move(doc),
          .create = [name, op](const Config& c) {
            return make_fn(name, ActivationFn::Kind::Elementwise, op, {}, c);
          }};
}

// softmax and log_softmax: Keras takes an axis; an ActivationFn works on the last axis only.
Entry row_wise(std::string name, std::string doc, ActivationFn::Kind kind) {
  return {.name = name,
          .doc = std::move(doc),
          .params = {{.name = "axis", .type = ParamType::Int, .default_value = -1,
                      .doc = "Axis along which to normalise (only -1, the last, is supported)."}},
          .create = [name, kind](const Config& c) {
            int axis = small_int(c.at("axis"), "The " + name + " activation's axis");
            if (axis != -1)
              throw ValueError("The " + name + " activation works on the last axis (axis=-1), but axis=" +
                               std::to_string(axis) + " was given. Use a Softmax layer with axis=" +
                               std::to_string(axis) + " instead, or move that axis last with a Permute layer.");
            return make_fn(name, kind, UnaryOp::Identity, {}, c);
          }};
}

Entry relu_entry() {
  return {.name = "relu",
          .doc = "Rectified linear unit: max(x, 0), with an optional negative slope, ceiling and threshold.",
          .params = {{.name = "negative_slope", .type = ParamType::Float, .default_value = 0.0,
                      .doc = "Slope below the threshold."},
                     {.name = "max_value", .type = ParamType::Float, .default_value = nullptr,
                      .doc = "Largest output value; None means unbounded.", .minimum = 0.0, .nullable = true},
                     {.name = "threshold", .type = ParamType::Float, .default_value = 0.0,
                      .doc = "Values at or below it are set to negative_slope * (x - threshold)."}},
          .create = [](const Config& c) {
            float max_value = c.at("max_value").is_null() ? -1.0f : number(c, "max_value");
            UnaryParams p{number(c, "negative_slope"), max_value, number(c, "threshold")};
            return make_fn("relu", ActivationFn::Kind::Elementwise, UnaryOp::Relu, p, c);
          }};
}

Entry leaky_relu_entry() {
  return {.name = "leaky_relu",
          .doc = "Leaky ReLU: x for x >= 0, negative_slope * x below.",
          .params = {{.name = "negative_slope", .type = ParamType::Float, .default_value = 0.2,
                      .doc = "Slope for negative inputs."}},
          .create = [](const Config& c) {
            UnaryParams p{number(c, "negative_slope"), -1.0f, 0.0f};
            return make_fn("leaky_relu", ActivationFn::Kind::Elementwise, UnaryOp::Relu, p, c);
          }};
}

Entry relu6_entry() {
  return {.name = "relu6",
          .doc = "ReLU capped at 6: min(max(x, 0), 6).",
          .create = [](const Config& c) {
            return make_fn("relu6", ActivationFn::Kind::Elementwise, UnaryOp::Relu, {0.0f, 6.0f, 0.0f}, c);
          }};
}

Entry elu_entry() {
  return {.name = "elu",
          .doc = "Exponential linear unit: x for x > 0, alpha * (exp(x) - 1) below.",
          .params = {{.name = "alpha", .type = ParamType::Float, .default_value = 1.0,
                      .doc = "Scale of the negative part."}},
          .create = [](const Config& c) {
            return make_fn("elu", ActivationFn::Kind::Elementwise, UnaryOp::Elu, {number(c, "alpha")}, c);
          }};
}

Entry gelu_entry() {
  return {.name = "gelu",
          .doc = "Gaussian error linear unit: x * P(X <= x) for X ~ N(0, 1).",
          .params = {{.name = "approximate", .type = ParamType::Bool, .default_value = false,
                      .doc = "Use the tanh approximation instead of the exact erf form."}},
          .create = [](const Config& c) {
            UnaryOp op = c.at("approximate").get<bool>() ? UnaryOp::GeluTanh : UnaryOp::Gelu;
            return make_fn("gelu", ActivationFn::Kind::Elementwise, op, {}, c);
          }};
}

}  // namespace

void register_builtin_activations(Registry<ActivationFn>& r) {
  r.add(plain("linear", "Identity: returns its input unchanged.", UnaryOp::Identity));
  r.add(relu_entry());
  r.add(relu6_entry());
  r.add(leaky_relu_entry());
  r.add(elu_entry());
  r.add(plain("selu", "Scaled ELU: scale * elu(x, alpha) with Keras's self-normalising constants.", UnaryOp::Selu));
  r.add(plain("sigmoid", "Logistic sigmoid: 1 / (1 + exp(-x)), between 0 and 1.", UnaryOp::Sigmoid));
  r.add(plain("hard_sigmoid", "Piecewise-linear sigmoid: relu6(x + 3) / 6.", UnaryOp::HardSigmoid));
  r.add(plain("tanh", "Hyperbolic tangent, between -1 and 1.", UnaryOp::Tanh));
  r.add(plain("softplus", "Smooth ReLU: log(exp(x) + 1).", UnaryOp::Softplus));
  r.add(plain("softsign", "x / (|x| + 1), between -1 and 1.", UnaryOp::Softsign));
  r.add(gelu_entry());
  r.add(plain("silu", "Sigmoid linear unit (swish): x * sigmoid(x).", UnaryOp::Silu, {"swish"}));
  r.add(plain("mish", "Mish: x * tanh(softplus(x)).", UnaryOp::Mish));
  r.add(plain("exponential", "Exponential: exp(x).", UnaryOp::Exponential));
  r.add(row_wise("softmax", "Softmax over the last axis: exp(x) / sum(exp(x)), a probability distribution.",
                 ActivationFn::Kind::Softmax));
  r.add(row_wise("log_softmax", "Log of the softmax over the last axis: x - logsumexp(x).",
                 ActivationFn::Kind::LogSoftmax));
}

}  // namespace cornu
