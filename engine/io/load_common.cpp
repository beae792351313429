#include "io/load_common.h"

#include <nlohmann/json.hpp>

#include "io/keras_io.h"

namespace cornu::io {

Config parse_json(const std::string& text, const std::string& what) {
  if (text.size() > kMaxConfigBytes)
    throw IoError(what + " is larger than " + std::to_string(kMaxConfigBytes >> 20) +
                  " MiB, more than any model Cornu loads; the file is damaged or not a model.");
  try {
    return Config::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw IoError(what + " is not valid JSON (" + e.what() + "); the file is damaged.");
  }
}

ModelPtr model_from_file_config(const Config& config, const std::string& where) {
  if (!config.is_object()) throw IoError(where + ": the model config is not a JSON object; the file is damaged.");
  Config model_config = config;
  model_config.erase("compile_config");  // .keras keeps it beside the model's own config
  try {
    ModelPtr model = model_from_config(model_config);
    if (!model) throw IoError(where + ": its model config gives no model; the file is damaged.");
    return model;
  } catch (const ValueError& e) {
    throw ValueError(where + ": " + e.what());
  } catch (const nlohmann::json::exception& e) {
    // A value of the wrong JSON type that the config reader did not expect: a damaged file, not a crash.
    throw IoError(where + ": the model config is malformed (" + e.what() + "); the file is damaged.");
  }
}

void apply_compile_settings(Model& model, const Config& settings, bool legacy, std::vector<std::string>& warnings) {
  if (!settings.is_object() || settings.empty()) return;
  try {
    if (legacy) apply_training_config(model, settings);
    else apply_compile_config(model, settings);
  } catch (const ValueError& e) {
    warnings.push_back(std::string("The model was saved compiled, but Cornu cannot restore its compile settings: ") +
                       e.what() + " It is loaded uncompiled: compile it before training.");
  } catch (const nlohmann::json::exception& e) {
    warnings.push_back(std::string("The model was saved compiled, but its compile settings are malformed (") +
                       e.what() + "). It is loaded uncompiled: compile it before training.");
  }
}

}  // namespace cornu::io
