// What wrapper layers (Bidirectional, TimeDistributed) share: a parameter holding a whole layer as its Keras
// object {"class_name": "LSTM", "config": {...}}, made into a layer here, and written back from the layer.
// engine/io reads and writes such parameters through holds_layer() (import screening and normalisation,
// the nested object form of .keras and .h5 configs, Python export).
#pragma once
#include <string>

#include "layers/layer.h"

namespace cornu {

// Whether a parameter of a layer's registry entry holds a layer (Keras's "layer", Bidirectional's "backward_layer").
inline bool holds_layer(const std::string& param_name) { return param_name == "layer" || param_name == "backward_layer"; }

// The layer a wrapper holds, from its Keras object ("module", "registered_name", "build_config" and the config's
// "dtype" accepted, as Keras writes them); `overrides` replace config keys (a name, go_backwards).
LayerPtr make_wrapped_layer(const std::string& wrapper_label, const Config& object,
                            const Config& overrides = Config::object());

// The object a wrapper's config holds for its layer: {"class_name": ..., "config": the layer's resolved config}.
Config wrapped_layer_object(const Layer& inner);

}  // namespace cornu
