// Activation functions, registered under their Keras names ("relu", "softmax", "gelu"...). Elementwise
// ones map to a Backend UnaryOp; softmax and log_softmax work on the last axis.
#pragma once
#include <memory>
#include <string>

#include "backend/backend.h"
#include "core/registry.h"

namespace cornu {

struct ActivationFn {
  enum class Kind { Elementwise, Softmax, LogSoftmax };
  std::string name;  // registry name ("relu")
  Kind kind = Kind::Elementwise;
  UnaryOp op = UnaryOp::Identity;
  UnaryParams params;
  Config config;  // resolved parameters, for export

  bool is_linear() const { return kind == Kind::Elementwise && op == UnaryOp::Identity; }
  // y = f(x) for x seen as rows x cols (cols = the last axis, used by softmax).
  void forward(Backend& b, const float* x, float* y, int64_t rows, int64_t cols) const;
  // dx += dy * f'(x), given x and y = f(x).
  void backward(Backend& b, const float* x, const float* y, const float* dy, float* dx, int64_t rows,
                int64_t cols) const;
};

using ActivationPtr = std::shared_ptr<const ActivationFn>;
Registry<ActivationFn>& activation_registry();
// From a Keras value: null or "linear" -> linear, "relu", or {"class_name": "leaky_relu", "config": {...}}.
ActivationPtr make_activation(const Config& name_or_object);

}  // namespace cornu
