#include "layers/wrapped_layer.h"

#include "core/error.h"

namespace cornu {

LayerPtr make_wrapped_layer(const std::string& wrapper_label, const Config& object, const Config& overrides) {
  if (!object.is_object() || !object.contains("class_name") || !object["class_name"].is_string())
    throw ValueError(wrapper_label + " wraps a layer given as {\"class_name\": ..., \"config\": {...}}, but it got " +
                     object.dump().substr(0, 200) + ".");
  const std::string cls = object["class_name"].get<std::string>();
  if (!layer_registry().contains(cls))
    throw ValueError(wrapper_label + " wraps a '" + cls + "', a layer Cornu does not know.");
  Config config = object.contains("config") && object["config"].is_object() ? object["config"] : Config::object();
  config.erase("dtype");  // a float32 policy (io checks it), or nothing
  for (const auto& [key, value] : overrides.items()) config[key] = value;
  return make_layer(cls, config);
}

Config wrapped_layer_object(const Layer& inner) { return {{"class_name", inner.class_name()}, {"config", inner.config()}}; }

}  // namespace cornu
