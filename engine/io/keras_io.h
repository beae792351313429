// Keras interoperability: models to and from Keras's own files and code. ../shared/docs/keras-formats.md
// describes the formats; real Keras 3 judges them (tests/interop).
//   keras_config.cpp   a Model <-> its Keras config JSON (Sequential, Functional, nested models, shared layers)
//   compile_config.cpp compile() settings <-> `compile_config` (.keras) and `training_config` (.h5)
//   legacy_h5.cpp      the legacy full-model HDF5 file (.h5)
//   keras_archive.cpp  the Keras 3 archive (.keras: config.json, metadata.json, model.weights.h5)
//   python_code.cpp    a runnable Keras Python script
// Import never runs code: Lambda layers and custom objects are refused, naming them.
#pragma once
#include <string>
#include <vector>

#include "core/error.h"
#include "core/registry.h"
#include "model/model.h"

namespace cornu::io {

// The Keras version whose formats Cornu writes (in `keras_version` attributes and metadata.json).
inline constexpr const char* kKerasVersion = "3.15.1";

// --- configs ---
enum class ConfigFlavor {
  Archive,    // config.json of a .keras file: every object with module and registered_name, build_config
  LegacyH5,   // the model_config attribute of a .h5 file: the same tree, objects without module
};

// {"class_name": "Sequential"|"Functional", "config": {...}, ...} for the model, nested models included.
// Sequential when the model is one (class Sequential), Functional otherwise, as Keras saves them.
Config model_to_config(const Model& model, ConfigFlavor flavor);

// Rebuilds a model from a Keras config (Keras 3, or Keras 2 / tf.keras: batch_input_shape, list axes, the
// old inbound_nodes form). Weights are freshly initialised. Refuses, listing every offender at once:
// classes Cornu does not support, Lambda layers and custom objects. Throws ValueError.
ModelPtr model_from_config(const Config& config);

// compile() settings as Keras's model.get_compile_config() (.keras: "compile_config"), and back onto a model.
// An uncompiled model gives {}; applying {} leaves the model uncompiled.
Config compile_config(const Model& model);
void apply_compile_config(Model& model, const Config& compile_config);
// The same as the .h5 "training_config" attribute ({"loss", "metrics", "loss_weights", "optimizer_config"...}).
Config training_config(const Model& model);
void apply_training_config(Model& model, const Config& training_config);

// --- files ---
// Writes the model (its config, compile settings when compiled, and weights) atomically. The format follows
// the extension: .h5/.hdf5 legacy HDF5, .keras the Keras 3 archive; anything else is a ValueError.
void save_model(Model& model, const std::string& path);
void save_model_h5(Model& model, const std::string& path);
void save_model_keras(Model& model, const std::string& path);

// Reads a model written by Keras 3, Keras 2 / tf.keras (.h5) or Cornu, with its weights, compiled as saved
// when the file carries compile settings Cornu supports (otherwise left uncompiled and `warnings` says why).
// Hostile or damaged files are refused with an IoError (or ValueError for unsupported content), never a crash.
struct LoadedModel {
  ModelPtr model;
  std::string keras_version;  // as recorded in the file, "" when absent
  std::vector<std::string> warnings;
};
LoadedModel load_model(const std::string& path);
LoadedModel load_model_h5(const std::string& path);
LoadedModel load_model_keras(const std::string& path);
// The same from bytes in memory (the fuzz targets and the archive's h5 member use these).
LoadedModel load_model_h5_bytes(const std::string& bytes, const std::string& name);
LoadedModel load_model_keras_bytes(const std::string& bytes, const std::string& name);

// --- Python ---
// What the generated script does besides building the model: how it gets data and how it trains. The
// dataset is a data registry config ({"name": "fashion-mnist", ...}, see data/builtin_datasets.h) or null.
struct PythonScriptOptions {
  Config dataset = nullptr;
  int64_t epochs = 10;
  int64_t batch_size = 32;
  uint64_t seed = 1337;
  std::string validation = "split";  // "split" (validation_split), "test" (validation_data) or "none"
  double validation_split = 0.1;
  bool shuffle = true;
  Config callbacks = Config::array();  // [{"class_name": "EarlyStopping", "config": {...}}, ...]
  std::string weights_path;            // when set, the script loads these weights (.weights.h5) before fit
  bool distributed = false;            // keras.distribution.DataParallel over every device Keras sees
};
// An idiomatic Keras 3 script: imports, data loading, the model (Sequential([...]) for a chain, the functional
// API otherwise; layer names kept, non-default arguments only), compile, fit and evaluate.
std::string python_script(const Model& model, const PythonScriptOptions& options);

}  // namespace cornu::io
