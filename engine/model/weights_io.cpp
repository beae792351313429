#include "model/weights_io.h"

#include <hdf5.h>

#include "core/error.h"
#include "data/file_bytes.h"
#include "io/weights_store.h"
#include "model/model.h"

namespace cornu {

// The layout is Keras's (io/weights_store.h), shared with the model.weights.h5 member of .keras archives.
void save_weights(Model& model, const std::string& path) {
  data::write_file_atomic(path, io::keras_weights_image(model));
}

void load_weights(Model& model, const std::string& path) {
  io::load_keras_weights_image(model, data::read_file_bytes(path), "Weights file '" + path + "'");
}

std::string hdf5_version() {
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
}

}  // namespace cornu
