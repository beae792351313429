// The legacy full-model HDF5 file (.h5), as Keras 3.15 writes it (keras/src/legacy/saving/legacy_h5_format.py):
//   /  @model_config @training_config @keras_version @backend        scalar variable-length UTF-8 strings
//   /model_weights  @layer_names @keras_version @backend
//   /model_weights/<layer>  @weight_names ["fc/kernel", "fc/bias"]; datasets at <layer>/fc/kernel ...
//   /model_weights/top_level_model_weights  @weight_names []
// A nested model's weights are flattened into its group ("inner/inner_d/kernel"). Weights load by position
// (Keras's rule): the n-th entry of layer_names that holds weights fills the n-th layer with weights.
#include <nlohmann/json.hpp>

#include <map>

#include "data/file_bytes.h"
#include "io/crash_isolation.h"
#include "io/h5_image.h"
#include "io/keras_io.h"
#include "io/load_common.h"
#include "io/weights_store.h"

namespace cornu::io {
namespace {

// Keras 3's variable paths: "fc/kernel" for a layer of the saved model, "inner/inner_d/kernel" inside a nested one.
void collect_paths(Layer& layer, const std::string& prefix, std::map<const Variable*, std::string>& paths) {
  if (auto* nested = dynamic_cast<Model*>(&layer)) {
    for (Layer* sub : keras_layers(*nested)) collect_paths(*sub, prefix + nested->name() + "/", paths);
    return;
  }
  // A sublayer's variables (an RNN's cell) sit under the sublayer's name: "lstm/lstm_cell/kernel"; deeper ones
  // under the names of every group on their path: "bidirectional/forward_lstm/lstm_cell/kernel".
  const auto groups = layer.keras_weight_groups();
  for (const auto& g : groups) {
    std::string names;
    for (const auto& outer : groups)
      if (!outer.path.empty() && (outer.path == g.path || g.path.rfind(outer.path + "/", 0) == 0)) names += outer.name + "/";
    for (Variable* v : g.variables) paths.emplace(v, prefix + layer.name() + "/" + names + v->name);
  }
}

// The weights of one layer of the model, in all_variables() order, with their paths.
std::vector<std::pair<std::string, Variable*>> layer_weights(Layer& layer) {
  std::map<const Variable*, std::string> paths;
  collect_paths(layer, "", paths);
  std::vector<std::pair<std::string, Variable*>> out;
  for (Variable* v : layer.all_variables()) {
    auto it = paths.find(v);
    out.push_back({it != paths.end() ? it->second : layer.name() + "/" + v->name, v});
  }
  return out;
}

std::string h5_image_of(Model& model) {
  h5::Quiet quiet;
  h5::Handle file = h5::create_image();
  h5::write_string(file.id(), "model_config", model_to_config(model, ConfigFlavor::LegacyH5).dump());
  if (model.compiled()) h5::write_string(file.id(), "training_config", training_config(model).dump());
  h5::write_string(file.id(), "keras_version", kKerasVersion);
  h5::write_string(file.id(), "backend", "jax");

  h5::Handle weights{H5Gcreate2(file.id(), "model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
  if (!weights.valid()) throw IoError("Cannot create the HDF5 group 'model_weights'.");
  std::vector<std::string> layer_names;
  for (Layer* layer : keras_layers(model)) layer_names.push_back(layer->name());
  h5::write_string_list(weights.id(), "layer_names", layer_names);
  h5::write_string(weights.id(), "keras_version", kKerasVersion);
  h5::write_string(weights.id(), "backend", "jax");
  for (Layer* layer : keras_layers(model)) {
    h5::Handle group{H5Gcreate2(weights.id(), layer->name().c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
    if (!group.valid()) throw IoError("Cannot create the HDF5 group for layer '" + layer->name() + "'.");
    auto entries = layer_weights(*layer);
    std::vector<std::string> names;
    for (const auto& [path, variable] : entries) names.push_back(path);
    h5::write_string_list(group.id(), "weight_names", names);
    for (const auto& [path, variable] : entries) h5::write_float_dataset(group.id(), path, variable->value);
  }
  h5::Handle top{H5Gcreate2(weights.id(), "top_level_model_weights", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
  if (!top.valid()) throw IoError("Cannot create the HDF5 group 'top_level_model_weights'.");
  h5::write_string_list(top.id(), "weight_names", {});
  return h5::image(file.id());
}

std::string list_names(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < 8; ++i) out += (i ? ", '" : "'") + names[i] + "'";
  if (names.size() > 8) out += ", ...";
  return out.empty() ? "none" : out;
}

// Reads every weight of `model` from model_weights, by position, before changing any.
void load_weights_by_position(hid_t file, Model& model, const std::string& where) {
  std::vector<Layer*> targets;
  for (Layer* layer : keras_layers(model))
    if (!layer->all_variables().empty()) targets.push_back(layer);
  if (!h5::exists(file, "model_weights", where)) {
    if (targets.empty()) return;
    throw IoError(where + " has no model_weights group, so the weights of layer '" + targets[0]->name() +
                  "' are missing; the file is damaged.");
  }
  h5::Handle weights = h5::open_group(file, "model_weights", where);
  const auto layer_names = h5::read_string_list(weights.id(), "layer_names", where + ": the attribute layer_names");
  struct Entry {
    std::string layer;
    std::vector<std::string> weight_names;
  };
  std::vector<Entry> sources;
  for (const std::string& name : layer_names) {
    if (!h5::exists(weights.id(), name, where))
      throw IoError(where + " lists layer '" + name + "' in layer_names but has no group 'model_weights/" + name +
                    "' for its weights; the file is damaged.");
    h5::Handle group = h5::open_group(weights.id(), name, where);
    std::vector<std::string> weight_names;
    if (h5::has_attribute(group.id(), "weight_names") || h5::has_attribute(group.id(), "weight_names0"))
      weight_names = h5::read_string_list(group.id(), "weight_names", where + ": weight_names of layer '" + name + "'");
    if (!weight_names.empty()) sources.push_back({name, std::move(weight_names)});
  }
  if (sources.size() != targets.size()) {
    std::vector<std::string> file_layers, model_layers;
    for (const auto& s : sources) file_layers.push_back(s.layer);
    for (Layer* t : targets) model_layers.push_back(t->name());
    throw IoError(where + " holds weights for " + std::to_string(sources.size()) + " layers (" + list_names(file_layers) +
                  "), but its model has " + std::to_string(targets.size()) + " layers with weights (" +
                  list_names(model_layers) + "); the file is damaged.");
  }
  std::vector<std::pair<Variable*, std::vector<float>>> loaded;
  for (size_t i = 0; i < targets.size(); ++i) {
    const auto variables = targets[i]->all_variables();
    const Entry& source = sources[i];
    if (source.weight_names.size() != variables.size())
      throw IoError(where + ": layer '" + source.layer + "' holds " + std::to_string(source.weight_names.size()) +
                    " weights, but layer '" + targets[i]->name() + "' (" + targets[i]->class_name() + ") has " +
                    std::to_string(variables.size()) + "; the file does not match its own model config.");
    h5::Handle group = h5::open_group(weights.id(), source.layer, where);
    for (size_t j = 0; j < variables.size(); ++j) {
      const std::string what = where + ": weight 'model_weights/" + source.layer + "/" + source.weight_names[j] +
                               "' (" + variables[j]->name + " of layer '" + targets[i]->name() + "')";
      loaded.push_back({variables[j], h5::read_float_dataset(group.id(), source.weight_names[j],
                                                             variables[j]->value.shape(), what)});
    }
  }
  for (auto& [variable, values] : loaded) variable->value.copy_from_host(values.data(), values.size() * sizeof(float));
}

}  // namespace

void save_model_h5(Model& model, const std::string& path) { data::write_file_atomic(path, h5_image_of(model)); }

LoadedModel load_model_h5(const std::string& path) { return load_model_h5_bytes(data::read_file_bytes(path), path); }

LoadedModel load_model_h5_bytes(const std::string& bytes, const std::string& name) {
  const std::string where = "'" + name + "'";
  check_hdf5_in_child(bytes, where);  // HDF5 itself may crash on a damaged file: find out in a child first
  h5::Quiet quiet;
  LoadedModel result;
  h5::Handle file = h5::open_image(bytes, where);
  if (!h5::has_attribute(file.id(), "model_config"))
    throw IoError(where + " has no model_config: it holds weights only (model.save_weights). Build the model, then "
                  "load the weights into it with load_weights.");
  const Config config = parse_json(h5::read_string(file.id(), "model_config", where + ": the attribute model_config"),
                                   where + ": the attribute model_config");
  if (h5::has_attribute(file.id(), "keras_version"))
    result.keras_version = h5::read_string(file.id(), "keras_version", where + ": the attribute keras_version");
  Config training = nullptr;
  if (h5::has_attribute(file.id(), "training_config"))
    training = parse_json(h5::read_string(file.id(), "training_config", where + ": the attribute training_config"),
                          where + ": the attribute training_config");
  result.model = model_from_file_config(config, where);
  load_weights_by_position(file.id(), *result.model, where);
  if (training.is_object()) apply_compile_settings(*result.model, training, true, result.warnings);
  return result;
}

}  // namespace cornu::io
