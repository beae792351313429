#include "metrics/metric.h"

namespace cornu {

void register_builtin_metrics(Registry<Metric>& registry) {
  (void)registry;
}

}  // namespace cornu
