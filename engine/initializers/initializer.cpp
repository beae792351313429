#include "initializers/initializer.h"

#include "core/module_config.h"

namespace cornu {

void register_builtin_initializers(Registry<Initializer>& registry);

Registry<Initializer>& initializer_registry() {
  static Registry<Initializer> registry = [] {
    Registry<Initializer> r("initializer");
    register_builtin_initializers(r);
    return r;
  }();
  return registry;
}

InitializerPtr make_initializer(const Config& v) {
  auto [name, config] = split_module_config(v, "initializer");
  return initializer_registry().create(name, config);
}

Fans compute_fans(const Shape& shape) {
  // Keras (initializers/random_initializers.py compute_fans): scalars and vectors have fan_in = fan_out =
  // the size; 2-D is (in, out); higher ranks are kernels (..., in, out) times their receptive field.
  const int r = shape.rank();
  if (r == 0) return {1, 1};
  if (r == 1) return {static_cast<double>(shape[0]), static_cast<double>(shape[0])};
  if (r == 2) return {static_cast<double>(shape[0]), static_cast<double>(shape[1])};
  double receptive = 1;
  for (int i = 0; i < r - 2; ++i) receptive *= static_cast<double>(shape[i]);
  return {static_cast<double>(shape[r - 2]) * receptive, static_cast<double>(shape[r - 1]) * receptive};
}

}  // namespace cornu
