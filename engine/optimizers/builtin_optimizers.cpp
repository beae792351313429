#include "optimizers/optimizer.h"

namespace cornu {

void register_builtin_optimizers(Registry<Optimizer>& registry) {
  (void)registry;
}

void register_builtin_schedules(Registry<LearningRateSchedule>& registry) {
  (void)registry;
}

}  // namespace cornu
