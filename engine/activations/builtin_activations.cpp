// Registers every built-in activation (one call per family; the entries live beside their code).
#include "activations/activation.h"

namespace cornu {

void register_builtin_activations(Registry<ActivationFn>& registry) {
  (void)registry;
}

}  // namespace cornu
