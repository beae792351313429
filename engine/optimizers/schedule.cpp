#include "core/module_config.h"
#include "optimizers/optimizer.h"

namespace cornu {

void register_builtin_schedules(Registry<LearningRateSchedule>& registry);

Registry<LearningRateSchedule>& schedule_registry() {
  static Registry<LearningRateSchedule> registry = [] {
    Registry<LearningRateSchedule> r("learning rate schedule");
    register_builtin_schedules(r);
    return r;
  }();
  return registry;
}

SchedulePtr make_schedule(const Config& v) {
  auto [name, config] = split_module_config(v, "learning rate schedule");
  config.erase("name");
  return schedule_registry().create(name, config);
}

}  // namespace cornu
