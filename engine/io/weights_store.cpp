#include "io/weights_store.h"

#include "io/crash_isolation.h"

#include <map>
#include <vector>

#include "core/error.h"
#include "io/crash_isolation.h"
#include "io/h5_image.h"
#include "model/model.h"

namespace cornu::io {
namespace {

// Keras's per-list keys: "dense", "dense_1"..., for every layer Keras lists.
std::vector<std::pair<std::string, Layer*>> layer_keys(const Model& model) {
  std::vector<std::pair<std::string, Layer*>> out;
  std::map<std::string, int> counts;
  for (Layer* layer : keras_layers(model)) {
    const std::string base = snake_case(layer->class_name());
    const int n = counts[base]++;
    out.push_back({n == 0 ? base : base + "_" + std::to_string(n), layer});
  }
  return out;
}

h5::Handle create_group(hid_t loc, const std::string& path) {
  h5::Handle lcpl{H5Pcreate(H5P_LINK_CREATE), H5Pclose};
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  h5::Handle group{H5Gcreate2(loc, path.c_str(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
  if (!group.valid()) throw IoError("Cannot create the HDF5 group '" + path + "'.");
  return group;
}

void write_vars(hid_t file, const std::string& path, const std::string& name, const std::vector<Variable*>& variables) {
  h5::Handle vars = create_group(file, path);
  h5::write_string(vars.id(), "name", name);
  for (size_t i = 0; i < variables.size(); ++i) h5::write_float_dataset(vars.id(), std::to_string(i), variables[i]->value);
}

// `prefix` is "" for the root model, "layers/sequential/" for a nested one.
void write_container(hid_t file, const std::string& prefix, const Model& model) {
  for (const auto& [key, layer] : layer_keys(model)) {
    const std::string group = prefix + "layers/" + key;
    if (auto* nested = dynamic_cast<Model*>(layer)) {
      write_vars(file, group + "/vars", nested->name(), {});
      write_container(file, group + "/", *nested);
    } else {
      bool own_written = false;
      for (const auto& g : layer->keras_weight_groups()) {
        if (g.path.empty()) own_written = true;
        write_vars(file, group + (g.path.empty() ? "" : "/" + g.path) + "/vars", g.name, g.variables);
      }
      if (!own_written) write_vars(file, group + "/vars", layer->name(), {});
    }
  }
}

using Loaded = std::vector<std::pair<Variable*, std::vector<float>>>;

void read_vars(hid_t file, const std::string& path, const Layer& layer, const std::vector<Variable*>& variables,
               const std::string& where, Loaded& loaded) {
  if (variables.empty()) return;
  if (!h5::exists(file, path, where))
    throw IoError(where + " has no weights for layer '" + layer.name() + "' (" + layer.class_name() + ", expected in '" +
                  path + "'): it was saved from a different model.");
  h5::Handle vars = h5::open_group(file, path, where);
  const size_t count = h5::members(vars.id()).size();
  if (count != variables.size())
    throw IoError(where + " holds " + std::to_string(count) + " weights for layer '" + layer.name() + "' in '" + path +
                  "', but the layer has " + std::to_string(variables.size()) + ": it was saved from a different model.");
  for (size_t i = 0; i < variables.size(); ++i) {
    const std::string what = where + ": weight '" + path + "/" + std::to_string(i) + "' (" + variables[i]->name +
                             " of layer '" + layer.name() + "')";
    loaded.push_back({variables[i], h5::read_float_dataset(vars.id(), std::to_string(i), variables[i]->value.shape(), what)});
  }
}

void read_container(hid_t file, const std::string& prefix, const Model& model, const std::string& where, int depth,
                    Loaded& loaded) {
  if (depth > 64) throw IoError(where + ": models nested more than 64 deep.");
  // Since Keras 3.6 each vars group carries its layer's name: the surest match.
  std::map<std::string, std::string> by_name;
  if (h5::exists(file, prefix + "layers", where)) {
    h5::Handle layers = h5::open_group(file, prefix + "layers", where);
    for (const std::string& key : h5::members(layers.id())) {
      const std::string vars = prefix + "layers/" + key + "/vars";
      if (!h5::exists(file, vars, where)) continue;
      h5::Handle group = h5::open_group(file, vars, where);
      if (!h5::has_attribute(group.id(), "name")) continue;
      by_name.emplace(h5::read_string(group.id(), "name", where + ": the name of '" + vars + "'"), key);
    }
  }
  for (const auto& [key, layer] : layer_keys(model)) {
    auto found = by_name.find(layer->name());
    const std::string group = prefix + "layers/" + (found != by_name.end() ? found->second : key);
    if (auto* nested = dynamic_cast<Model*>(layer)) {
      if (h5::exists(file, group + "/layers", where))
        read_container(file, group + "/", *nested, where, depth + 1, loaded);
      else  // older Cornu files flattened a nested model's variables into its own vars group
        read_vars(file, group + "/vars", *nested, nested->all_variables(), where, loaded);
    } else {
      for (const auto& g : layer->keras_weight_groups())
        read_vars(file, group + (g.path.empty() ? "" : "/" + g.path) + "/vars", *layer, g.variables, where, loaded);
    }
  }
}

}  // namespace

std::vector<Layer*> keras_layers(const Model& model) {
  std::vector<Layer*> out;
  for (const auto& layer : model.layers())
    if (model.class_name() != "Sequential" || layer->class_name() != "InputLayer") out.push_back(layer.get());
  return out;
}

std::string keras_weights_image(Model& model) {
  h5::Quiet quiet;
  h5::Handle file = h5::create_image();
  write_vars(file.id(), "vars", model.name(), {});
  write_container(file.id(), "", model);
  return h5::image(file.id());
}

void load_keras_weights_image(Model& model, std::string_view bytes, const std::string& where) {
  check_hdf5_in_child(bytes, where);  // HDF5 itself may crash on a damaged file: find out in a child first
  h5::Quiet quiet;
  Loaded loaded;
  {
    h5::Handle file = h5::open_image(bytes, where);
    read_container(file.id(), "", model, where, 0, loaded);
  }
  // Every weight checked: only now change the model, so a bad file leaves it untouched.
  for (auto& [variable, values] : loaded) variable->value.copy_from_host(values.data(), values.size() * sizeof(float));
}

}  // namespace cornu::io
