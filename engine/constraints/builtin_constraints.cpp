#include "constraints/constraint.h"

namespace cornu {

void register_builtin_constraints(Registry<Constraint>& registry) {
  (void)registry;
}

}  // namespace cornu
