// Keras-style constructors: `layers::Dense(64, {{"activation", "relu"}})` is make_layer("Dense", ...),
// so everything a layer accepts is described once, in its registry entry.
#pragma once
#include "model/symbolic.h"

namespace cornu::layers {

inline LayerHandle make(const std::string& class_name, const Config& config = Config::object()) {
  return LayerHandle(make_layer(class_name, config));
}
inline LayerHandle Dense(int64_t units, Config config = Config::object()) {
  config["units"] = units;
  return make("Dense", config);
}
inline LayerHandle Dense(int64_t units, const char* activation) {
  return make("Dense", {{"units", units}, {"activation", activation}});
}
inline LayerHandle Activation(const std::string& activation) { return make("Activation", {{"activation", activation}}); }
inline LayerHandle Dropout(double rate, Config config = Config::object()) {
  config["rate"] = rate;
  return make("Dropout", config);
}
inline LayerHandle Flatten(Config config = Config::object()) { return make("Flatten", config); }

}  // namespace cornu::layers
