// Model weights in Keras 3's `.weights.h5` layout (model.save_weights / load_weights), io/weights_store.h:
//   /layers/<dense|dense_1|...>/vars/0, 1, ...   one dataset per variable, in variable order
//   /layers/sequential/layers/dense/vars/...     a nested model's layers (older Cornu files, which kept a
//                                                nested model's variables in /layers/sequential/vars, still load)
// Group names are the snake_case class name plus a counter in model.layers order, as Keras names them.
// Saves are atomic: a temporary file renamed over the target.
#pragma once
#include <string>

namespace cornu {

class Model;
void save_weights(Model& model, const std::string& path);
void load_weights(Model& model, const std::string& path);
// The HDF5 library in use, "1.10.8".
std::string hdf5_version();

}  // namespace cornu
