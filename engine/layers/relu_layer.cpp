// ReLU: max(x, 0) with an optional ceiling (max_value), leak (negative_slope) and threshold.
// https://keras.io/api/layers/activation_layers/relu/
#include "layers/activation_layer.h"

namespace cornu {

void register_relu_layer(LayerRegistry& r) {
  r.add({.name = "ReLU",
         .category = "Activation",
         .doc = "Rectified linear unit: x above the threshold (capped at max_value), "
                "negative_slope * (x - threshold) below.",
         .params = {{.name = "max_value",
                     .type = ParamType::Float,
                     .default_value = nullptr,
                     .doc = "Largest output value; None means unbounded.",
                     .minimum = 0.0,
                     .nullable = true},
                    {.name = "negative_slope",
                     .type = ParamType::Float,
                     .default_value = 0.0,
                     .doc = "Slope below the threshold.",
                     .minimum = 0.0},
                    {.name = "threshold",
                     .type = ParamType::Float,
                     .default_value = 0.0,
                     .doc = "Inputs at or below it take the negative slope.",
                     .minimum = 0.0}},
         .create = [](const Config& c) {
           Config fn = {{"negative_slope", c.at("negative_slope")},
                        {"max_value", c.at("max_value")},
                        {"threshold", c.at("threshold")}};
           return std::make_shared<ActivationFnLayer>("ReLU", c, activation_registry().create("relu", fn));
         }});
}

}  // namespace cornu
