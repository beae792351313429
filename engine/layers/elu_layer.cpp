// ELU: x for x > 0, alpha * (exp(x) - 1) below. https://keras.io/api/layers/activation_layers/elu/
// Keras 3's ELU leaves alpha out of get_config (so a reloaded layer falls back to 1.0); Cornu writes it.
#include "layers/activation_layer.h"

namespace cornu {

void register_elu_layer(LayerRegistry& r) {
  r.add({.name = "ELU",
         .category = "Activation",
         .doc = "Exponential linear unit: x for x > 0, alpha * (exp(x) - 1) below.",
         .params = {{.name = "alpha",
                     .type = ParamType::Float,
                     .default_value = 1.0,
                     .doc = "Scale of the negative part."}},
         .create = [](const Config& c) {
           Config fn = {{"alpha", c.at("alpha")}};
           return std::make_shared<ActivationFnLayer>("ELU", c, activation_registry().create("elu", fn));
         }});
}

}  // namespace cornu
