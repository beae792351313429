// The built-in optimizers with Keras 3's names, defaults and config keys.
// https://keras.io/api/optimizers/ ; update rules in backend/cpu/cpu_optimizer.cpp.
#include <algorithm>
#include <optional>

#include "optimizers/optimizer.h"

namespace cornu {

namespace {

ParamSpec number(const char* name, double default_value, const std::string& doc, std::optional<double> lo = 0.0,
                 std::optional<double> hi = std::nullopt) {
  return {.name = name, .type = ParamType::Float, .default_value = default_value, .doc = doc, .minimum = lo, .maximum = hi};
}
ParamSpec optional_number(const char* name, const std::string& doc) {
  return {.name = name, .type = ParamType::Float, .default_value = nullptr, .doc = doc, .minimum = 0.0, .nullable = true};
}

// Keys every Keras 3 optimizer config has (BaseOptimizer.get_config). The EMA, loss-scaling and
// gradient-accumulation keys are read so Keras configs load, and refused unless left at their defaults
// (Optimizer's constructor says so).
std::vector<ParamSpec> common_params(const std::string& name, double learning_rate) {
  return {
      {.name = "name", .type = ParamType::String, .default_value = name, .doc = "Name of the optimizer."},
      {.name = "learning_rate", .type = ParamType::Schedule, .default_value = learning_rate,
       .doc = "Step size: a number, or a learning-rate schedule object.", .minimum = 0.0},
      optional_number("weight_decay", "Decoupled weight decay: w -= learning_rate * weight_decay * w each step."),
      optional_number("clipnorm", "Clip each variable's gradient to this L2 norm."),
      optional_number("global_clipnorm", "Clip all gradients together to this global L2 norm."),
      optional_number("clipvalue", "Clip each gradient value to [-clipvalue, clipvalue]."),
      {.name = "use_ema", .type = ParamType::Bool, .default_value = false,
       .doc = "Keep a moving average of the weights (unsupported: must be false)."},
      number("ema_momentum", 0.99, "Momentum of the weights' moving average (unused without use_ema).", 0.0, 1.0),
      {.name = "ema_overwrite_frequency", .type = ParamType::Int, .default_value = nullptr,
       .doc = "Steps between overwrites by the moving average (unused without use_ema).", .nullable = true},
      optional_number("loss_scale_factor", "Loss scaling for mixed precision (unsupported: must be None)."),
      {.name = "gradient_accumulation_steps", .type = ParamType::Int, .default_value = nullptr,
       .doc = "Steps to accumulate gradients over (unsupported: must be None).", .nullable = true},
  };
}

void add(Registry<Optimizer>& r, const std::string& name, const std::string& keras_class, OptimizerKind kind,
         double learning_rate, const std::string& doc, std::vector<ParamSpec> own) {
  std::vector<ParamSpec> params = common_params(name, learning_rate);
  for (auto& p : own) {  // an optimizer's own default replaces the common one (AdamW's weight_decay)
    auto same = std::find_if(params.begin(), params.end(), [&](const ParamSpec& q) { return q.name == p.name; });
    if (same != params.end()) *same = std::move(p);
    else params.push_back(std::move(p));
  }
  r.add({.name = name, .keras_class = keras_class, .doc = doc, .params = std::move(params),
         .create = [name, kind](const Config& c) { return std::make_shared<Optimizer>(name, kind, c); }});
}

ParamSpec epsilon() { return number("epsilon", 1e-7, "Small constant for numerical stability."); }
ParamSpec beta(const char* name, double value, const std::string& doc) { return number(name, value, doc, 0.0, 1.0); }

}  // namespace

void register_builtin_optimizers(Registry<Optimizer>& r) {
  add(r, "sgd", "SGD", OptimizerKind::SGD, 0.01, "Gradient descent, with optional (Nesterov) momentum.",
      {number("momentum", 0.0, "Velocity kept from step to step (0: plain gradient descent).", 0.0, 1.0),
       {.name = "nesterov", .type = ParamType::Bool, .default_value = false, .doc = "Use Nesterov momentum."}});
  add(r, "rmsprop", "RMSprop", OptimizerKind::RMSprop, 0.001, "Divides the gradient by a moving average of its square.",
      {beta("rho", 0.9, "Discount of the moving average of squared gradients."),
       number("momentum", 0.0, "Momentum of the updates (0: none)."), epsilon(),
       {.name = "centered", .type = ParamType::Bool, .default_value = false,
        .doc = "Normalise by the estimated variance of the gradient instead of its second moment."}});
  add(r, "adagrad", "Adagrad", OptimizerKind::Adagrad, 0.001, "Per-parameter rates scaled by all past squared gradients.",
      {number("initial_accumulator_value", 0.1, "Starting value of the accumulated squared gradients."), epsilon()});
  add(r, "adadelta", "Adadelta", OptimizerKind::Adadelta, 0.001, "Adapts step sizes from moving windows of updates.",
      {beta("rho", 0.95, "Decay rate of the moving averages."), epsilon()});
  const std::vector<ParamSpec> adam = {
      beta("beta_1", 0.9, "Decay rate of the first-moment estimates."),
      beta("beta_2", 0.999, "Decay rate of the second-moment estimates."), epsilon(),
      {.name = "amsgrad", .type = ParamType::Bool, .default_value = false,
       .doc = "Use the maximum of past second moments (AMSGrad)."}};
  add(r, "adam", "Adam", OptimizerKind::Adam, 0.001, "Adaptive moment estimation (Kingma & Ba 2014).", adam);
  std::vector<ParamSpec> adamw = adam;
  adamw.insert(adamw.begin(), number("weight_decay", 0.004, "Decoupled weight decay (Loshchilov & Hutter 2019)."));
  add(r, "adamw", "AdamW", OptimizerKind::AdamW, 0.001, "Adam with decoupled weight decay.", adamw);
  add(r, "adamax", "Adamax", OptimizerKind::Adamax, 0.001, "Adam with the infinity norm of past gradients.",
      {beta("beta_1", 0.9, "Decay rate of the first-moment estimates."),
       beta("beta_2", 0.999, "Decay rate of the exponentially weighted infinity norm."), epsilon()});
  add(r, "nadam", "Nadam", OptimizerKind::Nadam, 0.001, "Adam with Nesterov momentum.",
      {beta("beta_1", 0.9, "Decay rate of the first-moment estimates."),
       beta("beta_2", 0.999, "Decay rate of the second-moment estimates."), epsilon()});
}

}  // namespace cornu
