// Every built-in metric, under its Keras name. The entries live next to their classes.
#include "metrics/metric.h"

namespace cornu {

void register_accuracy_metrics(Registry<Metric>& registry);   // accuracy_metrics.cpp
void register_confusion_metrics(Registry<Metric>& registry);  // confusion_metrics.cpp
void register_auc(Registry<Metric>& registry);                // auc.cpp
void register_loss_metrics(Registry<Metric>& registry);       // loss_metrics.cpp

void register_builtin_metrics(Registry<Metric>& registry) {
  register_accuracy_metrics(registry);
  register_confusion_metrics(registry);
  register_auc(registry);
  register_loss_metrics(registry);
}

}  // namespace cornu
