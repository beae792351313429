// What the .h5 and .keras readers share: JSON parsing, the model from its config and the compile settings,
// each with errors that name the file.
#pragma once
#include <string>
#include <vector>

#include "core/registry.h"
#include "model/model.h"

namespace cornu::io {

// The largest config accepted (a model_config attribute or a config.json member).
constexpr size_t kMaxConfigBytes = size_t(64) << 20;

// JSON text parsed; IoError "<what> is not valid JSON (...)" otherwise.
Config parse_json(const std::string& text, const std::string& what);

// model_from_config with the file named in its errors (`where` is "'m.h5'"). A malformed config gives an
// IoError, an unsupported one a ValueError.
ModelPtr model_from_file_config(const Config& config, const std::string& where);

// Compiles `model` with a file's training_config (legacy) or compile_config. Settings Cornu does not support
// leave the model uncompiled and add a warning saying why.
void apply_compile_settings(Model& model, const Config& settings, bool legacy, std::vector<std::string>& warnings);

}  // namespace cornu::io
