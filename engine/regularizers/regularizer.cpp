#include "regularizers/regularizer.h"

#include "core/module_config.h"

namespace cornu {

void register_builtin_regularizers(Registry<Regularizer>& registry);

Registry<Regularizer>& regularizer_registry() {
  static Registry<Regularizer> registry = [] {
    Registry<Regularizer> r("regularizer");
    register_builtin_regularizers(r);
    return r;
  }();
  return registry;
}

RegularizerPtr make_regularizer(const Config& v) {
  if (v.is_null()) return nullptr;
  auto [name, config] = split_module_config(v, "regularizer");
  return regularizer_registry().create(name, config);
}

double Regularizer::penalty(Backend& b, const float* w, int64_t n) const {
  double p = 0;
  if (l1 != 0) p += l1 * b.sum_abs(w, n);
  if (l2 != 0) p += l2 * b.sum_squares(w, n);
  return p;
}

void Regularizer::add_gradient(Backend& b, const float* w, float* g, int64_t n) const {
  if (l1 != 0 || l2 != 0) b.add_l1_l2_gradient(w, g, n, l1, l2);
}

}  // namespace cornu
