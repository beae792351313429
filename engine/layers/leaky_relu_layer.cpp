// LeakyReLU: x for x >= 0, negative_slope * x below. Keras 3's layer defaults to 0.3 (the leaky_relu
// function to 0.2). https://keras.io/api/layers/activation_layers/leaky_relu/
#include "layers/activation_layer.h"

namespace cornu {

void register_leaky_relu_layer(LayerRegistry& r) {
  r.add({.name = "LeakyReLU",
         .category = "Activation",
         .doc = "Leaky rectified linear unit: x for x >= 0, negative_slope * x below.",
         .params = {{.name = "negative_slope",
                     .type = ParamType::Float,
                     .default_value = 0.3,
                     .doc = "Slope for negative inputs.",
                     .minimum = 0.0}},
         .create = [](const Config& c) {
           Config fn = {{"negative_slope", c.at("negative_slope")}};
           return std::make_shared<ActivationFnLayer>("LeakyReLU", c, activation_registry().create("leaky_relu", fn));
         }});
}

}  // namespace cornu
