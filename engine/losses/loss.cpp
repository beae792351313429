#include "losses/loss.h"

#include "core/module_config.h"

namespace cornu {

void register_builtin_losses(Registry<Loss>& registry);

Registry<Loss>& loss_registry() {
  static Registry<Loss> registry = [] {
    Registry<Loss> r("loss");
    register_builtin_losses(r);
    return r;
  }();
  return registry;
}

LossPtr make_loss(const Config& v) {
  auto [name, config] = split_module_config(v, "loss");
  // Keras configs of loss objects carry "name" and "reduction"; only sum_over_batch_size is supported.
  config.erase("name");
  if (config.contains("reduction") && config["reduction"].is_string() &&
      config["reduction"].get<std::string>() != "sum_over_batch_size" && config["reduction"].get<std::string>() != "auto")
    throw ValueError("Loss '" + name + "': only reduction='sum_over_batch_size' is supported, got " +
                     config["reduction"].dump() + ".");
  config.erase("reduction");
  return loss_registry().create(name, config);
}

}  // namespace cornu
