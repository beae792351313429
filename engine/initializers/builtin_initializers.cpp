#include "initializers/initializer.h"

namespace cornu {

void register_builtin_initializers(Registry<Initializer>& registry) {
  (void)registry;
}

}  // namespace cornu
