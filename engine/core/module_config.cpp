#include "core/module_config.h"

#include "core/error.h"

namespace cornu {

std::pair<std::string, Config> split_module_config(const Config& v, const std::string& kind) {
  if (v.is_string()) return {v.get<std::string>(), Config::object()};
  if (v.is_object() && v.contains("class_name") && v["class_name"].is_string()) {
    Config cfg = v.contains("config") && v["config"].is_object() ? v["config"] : Config::object();
    return {v["class_name"].get<std::string>(), cfg};
  }
  throw ValueError("Expected the name of a " + kind + " (such as a string) or an object with \"class_name\" and "
                   "\"config\", got " + v.dump() + ".");
}

}  // namespace cornu
