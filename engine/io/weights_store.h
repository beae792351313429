// Keras 3's weights layout (model.save_weights, and model.weights.h5 inside a .keras archive):
//   /vars                                  @name = model name, no datasets
//   /layers/<dense|dense_1|...>/vars/0..N  @name = layer name; one float32 dataset per variable
//   /layers/sequential/layers/dense/vars   a nested model's layers, in the same layout
// Keys are snake_case(class name) plus a per-list counter, every layer gets a group (weights or not); a
// Functional model lists its InputLayers, a Sequential does not. Shared by engine/model/weights_io.cpp and
// keras_archive.cpp.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace cornu {
class Layer;
class Model;
}  // namespace cornu

namespace cornu::io {

// Keras's model.layers: every layer once, in call order; InputLayers only for a Functional model.
std::vector<Layer*> keras_layers(const Model& model);

// The whole HDF5 file, in memory.
std::string keras_weights_image(Model& model);

// Fills the model's variables from such a file, all or nothing: every weight is read and checked (present,
// numeric, the right shape) before any variable changes. A `vars` group is matched to a layer by its @name
// first, by its key second. Also reads older Cornu files, whose nested models kept all their variables in
// `layers/<key>/vars/0..N`. `where` names the file in errors ("Weights file 'm.weights.h5'").
void load_keras_weights_image(Model& model, std::string_view bytes, const std::string& where);

}  // namespace cornu::io
