#include "regularizers/regularizer.h"

namespace cornu {

void register_builtin_regularizers(Registry<Regularizer>& registry) {
  (void)registry;
}

}  // namespace cornu
