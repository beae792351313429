#include "losses/loss.h"

namespace cornu {

void register_builtin_losses(Registry<Loss>& registry) {
  (void)registry;
}

}  // namespace cornu
