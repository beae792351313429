#include "activations/activation.h"

#include "core/error.h"
#include "core/module_config.h"

namespace cornu {

void register_builtin_activations(Registry<ActivationFn>& registry);

Registry<ActivationFn>& activation_registry() {
  static Registry<ActivationFn> registry = [] {
    Registry<ActivationFn> r("activation");
    register_builtin_activations(r);
    return r;
  }();
  return registry;
}

ActivationPtr make_activation(const Config& v) {
  if (v.is_null()) return activation_registry().create("linear");
  auto [name, config] = split_module_config(v, "activation");
  return activation_registry().create(name, config);
}

void ActivationFn::forward(Backend& b, const float* x, float* y, int64_t rows, int64_t cols) const {
  switch (kind) {
    case Kind::Elementwise: b.unary(op, x, y, rows * cols, params); break;
    case Kind::Softmax: b.softmax(x, y, rows, cols); break;
    case Kind::LogSoftmax: b.log_softmax(x, y, rows, cols); break;
  }
}

void ActivationFn::backward(Backend& b, const float* x, const float* y, const float* dy, float* dx, int64_t rows,
                            int64_t cols) const {
  switch (kind) {
    case Kind::Elementwise: b.unary_backward(op, x, y, dy, dx, rows * cols, params); break;
    case Kind::Softmax: b.softmax_backward(y, dy, dx, rows, cols); break;
    case Kind::LogSoftmax: b.log_softmax_backward(y, dy, dx, rows, cols); break;
  }
}

}  // namespace cornu
