#include "constraints/constraint.h"

#include "core/module_config.h"

namespace cornu {

void register_builtin_constraints(Registry<Constraint>& registry);

Registry<Constraint>& constraint_registry() {
  static Registry<Constraint> registry = [] {
    Registry<Constraint> r("constraint");
    register_builtin_constraints(r);
    return r;
  }();
  return registry;
}

ConstraintPtr make_constraint(const Config& v) {
  if (v.is_null()) return nullptr;
  auto [name, config] = split_module_config(v, "constraint");
  return constraint_registry().create(name, config);
}

void Constraint::apply(Backend& b, Tensor& w) const {
  const Shape& s = w.shape();
  // Norms over all axes but the last; a vector (a bias) has one norm over all of it, as Keras's axis=0.
  int64_t cols = s.rank() >= 2 ? s[-1] : 1;
  b.constrain(kind, params, w.data(), w.size() / cols, cols);
}

}  // namespace cornu
