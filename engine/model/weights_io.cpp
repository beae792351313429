#include "model/weights_io.h"

#include <hdf5.h>

#include <cstdio>
#include <filesystem>
#include <map>

#include "core/error.h"
#include "model/model.h"

namespace cornu {

namespace {

// Keras's per-list keys: "dense", "dense_1"... for the layers that hold variables (and functional inputs).
std::vector<std::pair<std::string, Layer*>> layer_keys(Model& model) {
  std::vector<std::pair<std::string, Layer*>> out;
  std::map<std::string, int> counts;
  for (const auto& l : model.layers()) {
    if (model.class_name() == "Sequential" && l->class_name() == "InputLayer") continue;
    std::string base = snake_case(l->class_name());
    int n = counts[base]++;
    out.push_back({n == 0 ? base : base + "_" + std::to_string(n), l.get()});
  }
  return out;
}

struct H5 {  // closes an HDF5 handle on scope exit
  hid_t id;
  herr_t (*close)(hid_t);
  ~H5() {
    if (id >= 0) close(id);
  }
};

void write_name_attribute(hid_t group, const std::string& value) {
  H5 type{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(type.id, H5T_VARIABLE);
  H5Tset_cset(type.id, H5T_CSET_UTF8);
  H5 space{H5Screate(H5S_SCALAR), H5Sclose};
  H5 attr{H5Acreate2(group, "name", type.id, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  const char* s = value.c_str();
  H5Awrite(attr.id, type.id, &s);
}

}  // namespace

void save_weights(Model& model, const std::string& path) {
  std::string tmp = path + ".tmp";
  {
    H5 file{H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose};
    if (file.id < 0) throw IoError("Cannot write weights to '" + path + "': check that the folder exists and is writable.");
    H5 layers{H5Gcreate2(file.id, "layers", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
    for (auto& [key, layer] : layer_keys(model)) {
      H5 group{H5Gcreate2(layers.id, key.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
      H5 vars{H5Gcreate2(group.id, "vars", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
      write_name_attribute(vars.id, layer->name());
      auto variables = layer->all_variables();
      for (size_t i = 0; i < variables.size(); ++i) {
        const Tensor& t = variables[i]->value;
        std::vector<hsize_t> dims(t.shape().dims().begin(), t.shape().dims().end());
        H5 space{dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose};
        H5 ds{H5Dcreate2(vars.id, std::to_string(i).c_str(), H5T_IEEE_F32LE, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose};
        auto host = t.to_vector();
        if (H5Dwrite(ds.id, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, host.data()) < 0)
          throw IoError("Writing weights to '" + path + "' failed (disk full?).");
      }
    }
    if (H5Fflush(file.id, H5F_SCOPE_GLOBAL) < 0) throw IoError("Writing weights to '" + path + "' failed (disk full?).");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw IoError("Cannot replace '" + path + "': " + ec.message() + ".");
}

std::string hdf5_version() {
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
}

void load_weights(Model& model, const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become exceptions with our own messages
  H5 file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  if (file.id < 0) throw IoError("Cannot open weights file '" + path + "': it is missing or not an HDF5 file.");
  std::vector<std::pair<Variable*, std::vector<float>>> loaded;
  for (auto& [key, layer] : layer_keys(model)) {
    auto variables = layer->all_variables();
    std::string group = "layers/" + key + "/vars";
    for (size_t i = 0; i < variables.size(); ++i) {
      std::string name = group + "/" + std::to_string(i);
      if (H5Lexists(file.id, "layers", H5P_DEFAULT) <= 0 || H5Lexists(file.id, ("layers/" + key).c_str(), H5P_DEFAULT) <= 0 ||
          H5Lexists(file.id, group.c_str(), H5P_DEFAULT) <= 0 || H5Lexists(file.id, name.c_str(), H5P_DEFAULT) <= 0)
        throw IoError("Weights file '" + path + "' has no '" + name + "' for layer '" + layer->name() +
                      "': it was saved from a different model.");
      H5 ds{H5Dopen2(file.id, name.c_str(), H5P_DEFAULT), H5Dclose};
      H5 space{H5Dget_space(ds.id), H5Sclose};
      int rank = H5Sget_simple_extent_ndims(space.id);
      std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 0)));
      if (rank > 0) H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);
      std::vector<int64_t> d(dims.begin(), dims.end());
      if (Shape(d) != variables[i]->value.shape())
        throw IoError("Weights file '" + path + "': '" + name + "' has shape " + Shape(d).to_string() + " but layer '" +
                      layer->name() + "' expects " + variables[i]->value.shape().to_string() + ".");
      std::vector<float> host(static_cast<size_t>(variables[i]->value.size()));
      if (H5Dread(ds.id, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, host.data()) < 0)
        throw IoError("Weights file '" + path + "': '" + name + "' cannot be read as float32.");
      loaded.push_back({variables[i], std::move(host)});
    }
  }
  // All checks passed: only now change the model, so a bad file leaves it untouched.
  for (auto& [v, host] : loaded) v->value.copy_from_host(host.data(), host.size() * sizeof(float));
}

}  // namespace cornu
