// The Optimizer: Keras 3's base optimizer around one fused Backend update per step.
// https://keras.io/api/optimizers/
// Order of one apply(), as keras/src/optimizers/base_optimizer.py: clip the gradients (clipnorm per
// variable, global_clipnorm, or clipvalue), then decoupled weight decay and the update rule (fused in
// Backend::optimizer_update), then iterations += 1. Slots are created at the first apply.
#include "optimizers/optimizer.h"

#include <cmath>

#include "core/error.h"
#include "core/module_config.h"

namespace cornu {

void register_builtin_optimizers(Registry<Optimizer>& registry);

Registry<Optimizer>& optimizer_registry() {
  static Registry<Optimizer> registry = [] {
    Registry<Optimizer> r("optimizer");
    register_builtin_optimizers(r);
    return r;
  }();
  return registry;
}

OptimizerPtr make_optimizer(const Config& v) {
  auto [name, config] = split_module_config(v, "optimizer");
  // Keras 3 drops the Keras 2 argument `decay` with a warning; dropping a non-zero decay silently would
  // change training, so only a zero one is tolerated.
  if (config.contains("decay")) {
    if (!config["decay"].is_null() && config["decay"] != 0)
      throw ValueError("The optimizer argument `decay` is no longer supported in Keras 3. Use a learning rate "
                       "schedule such as InverseTimeDecay instead of decay=" + config["decay"].dump() + ".");
    config.erase("decay");
  }
  return optimizer_registry().create(name, config);
}

namespace {

float number_or(const Config& c, const char* key, float fallback) {
  return c.contains(key) && c.at(key).is_number() ? c.at(key).get<float>() : fallback;
}
bool flag(const Config& c, const char* key) { return c.contains(key) && c.at(key).is_boolean() && c.at(key).get<bool>(); }

// How many slots a kind keeps, and which of them the configured options use.
std::vector<bool> slots_used(OptimizerKind kind, const Config& c) {
  switch (kind) {
    case OptimizerKind::SGD: return {number_or(c, "momentum", 0) != 0};
    case OptimizerKind::RMSprop: return {true, number_or(c, "momentum", 0) > 0, flag(c, "centered")};
    case OptimizerKind::Adagrad: return {true};
    case OptimizerKind::Adadelta: return {true, true};
    case OptimizerKind::Adam:
    case OptimizerKind::AdamW: return {true, true, flag(c, "amsgrad")};
    case OptimizerKind::Adamax: return {true, true};
    case OptimizerKind::Nadam: return {true, true};
  }
  return {};
}

}  // namespace

Optimizer::Optimizer(std::string name, OptimizerKind kind, Config resolved)
    : name_(std::move(name)), kind_(kind), config_(std::move(resolved)) {
  const Config& lr = config_.at("learning_rate");
  if (lr.is_object()) schedule_ = make_schedule(lr);
  else constant_lr_ = lr.get<double>();
  int clips = 0;
  for (const char* k : {"clipnorm", "clipvalue", "global_clipnorm"}) clips += config_.contains(k) && !config_.at(k).is_null();
  if (clips > 1)
    throw ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: clipnorm=" +
                     config_.value("clipnorm", Config()).dump() + ", clipvalue=" + config_.value("clipvalue", Config()).dump() +
                     ", global_clipnorm=" + config_.value("global_clipnorm", Config()).dump() + ".");
  if (config_.value("use_ema", false))
    throw ValueError("use_ema=True (an exponential moving average of the weights) is not supported by Cornu yet. "
                     "Set use_ema=False.");
  if (config_.contains("loss_scale_factor") && !config_.at("loss_scale_factor").is_null())
    throw ValueError("loss_scale_factor is only useful for mixed precision, which Cornu does not use. Set it to None.");
  if (config_.contains("gradient_accumulation_steps") && !config_.at("gradient_accumulation_steps").is_null())
    throw ValueError("gradient_accumulation_steps is not supported by Cornu yet: set it to None and use a larger "
                     "batch_size instead.");
}

Config Optimizer::config() const {
  Config c = config_;
  if (schedule_) {
    // As keras.optimizers.schedules.serialize writes it.
    c["learning_rate"] = {{"module", "keras.optimizers.schedules"},
                          {"class_name", schedule_->name},
                          {"config", schedule_->config},
                          {"registered_name", nullptr}};
  } else {
    c["learning_rate"] = constant_lr_;
  }
  return c;
}

double Optimizer::learning_rate() const { return schedule_ ? (*schedule_)(iterations_) : constant_lr_; }

void Optimizer::set_learning_rate(double lr) {
  schedule_.reset();
  constant_lr_ = lr;
}

void Optimizer::reset() {
  slots_.clear();
  slot_size_ = 0;
  iterations_ = 0;
  nadam_u_product_ = 1.0f;
}

void Optimizer::apply(Backend& b, float* params, float* grads, int64_t n,
                      const std::vector<std::pair<int64_t, int64_t>>& ranges) {
  if (n <= 0) return;  // Keras: no gradients, no step
  if (slot_size_ != 0 && slot_size_ != n)
    throw ValueError("Optimizer '" + name_ + "' was built for " + std::to_string(slot_size_) + " parameters but got " +
                     std::to_string(n) + ". Compile the model again after changing its trainable weights.");
  if (slot_size_ == 0) {
    const std::vector<bool> used = slots_used(kind_, config_);
    slots_.assign(used.size(), Tensor());
    for (size_t k = 0; k < used.size(); ++k)
      if (used[k]) slots_[k] = Tensor::zeros(Shape{n}, DType::Float32, &b);
    if (kind_ == OptimizerKind::Adagrad)  // Keras: initializers.Constant(initial_accumulator_value)
      b.fill(slots_[0].data(), n, config_.at("initial_accumulator_value").get<float>());
    slot_size_ = n;
  } else {
    for (auto& s : slots_)  // the model moved to another device: its state follows
      if (s.defined() && &s.backend() != &b) s = Tensor::from_vector(s.shape(), s.to_vector(), &b);
  }

  // Gradient clipping (Keras's _clip_gradients).
  const float clipnorm = number_or(config_, "clipnorm", 0), global = number_or(config_, "global_clipnorm", 0);
  const float clipvalue = number_or(config_, "clipvalue", 0);
  if (clipnorm > 0) {
    for (auto [offset, size] : ranges) {  // g * clipnorm / max(||g||, clipnorm), per variable
      const double norm = std::sqrt(b.sum_squares(grads + offset, size));
      if (norm > clipnorm) b.scale(size, static_cast<float>(clipnorm / norm), grads + offset);
    }
  } else if (global > 0) {
    const double norm = std::sqrt(b.sum_squares(grads, n));  // scale = clip * min(1 / norm, 1 / clip)
    if (!std::isfinite(norm)) b.scale(n, NAN, grads);
    else if (norm > global) b.scale(n, static_cast<float>(global / norm), grads);
  } else if (clipvalue > 0) {
    b.clip(grads, n, -clipvalue, clipvalue);
  }

  OptimizerStep s;
  s.learning_rate = static_cast<float>(learning_rate());
  s.momentum = number_or(config_, "momentum", 0);
  s.nesterov = flag(config_, "nesterov");
  s.rho = number_or(config_, "rho", 0.9f);
  s.centered = flag(config_, "centered");
  s.beta_1 = number_or(config_, "beta_1", 0.9f);
  s.beta_2 = number_or(config_, "beta_2", 0.999f);
  s.epsilon = number_or(config_, "epsilon", 1e-7f);
  s.amsgrad = flag(config_, "amsgrad");
  s.weight_decay = number_or(config_, "weight_decay", 0);
  s.iteration = iterations_;
  s.nadam_u_product = nadam_u_product_;  // before this step; the backend multiplies in u_t

  slot_pointers_.resize(slots_.size());  // no allocation after the first step
  for (size_t k = 0; k < slots_.size(); ++k) slot_pointers_[k] = slots_[k].defined() ? slots_[k].data() : nullptr;
  b.optimizer_update(kind_, s, params, grads, slot_pointers_.data(), n);

  if (kind_ == OptimizerKind::Nadam)  // Keras: u_product *= beta_1 * (1 - 0.5 * 0.96^(iterations + 1))
    nadam_u_product_ = static_cast<float>(double(nadam_u_product_) * s.beta_1 *
                                          (1.0 - 0.5 * std::pow(0.96, double(iterations_ + 1))));
  ++iterations_;
}

}  // namespace cornu
