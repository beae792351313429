// save_model / load_model: the format follows the extension, and the content must agree with it.
#include <algorithm>
#include <cctype>
#include <cstring>

#include "data/file_bytes.h"
#include "io/h5_image.h"
#include "io/keras_io.h"

namespace cornu::io {
namespace {

enum class Format { H5, Keras };

Format format_of(const std::string& path) {
  const size_t dot = path.find_last_of('.');
  const size_t slash = path.find_last_of("/\\");
  std::string ext = dot == std::string::npos || (slash != std::string::npos && dot < slash) ? "" : path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == "h5" || ext == "hdf5") return Format::H5;
  if (ext == "keras") return Format::Keras;
  throw ValueError("Cannot tell the model format of '" + path + "' from its extension" +
                   (ext.empty() ? std::string() : " '." + ext + "'") +
                   ". Cornu reads and writes .keras (the Keras 3 archive) and .h5 / .hdf5 (the legacy HDF5 file); "
                   "name the file with one of these.");
}

bool is_zip(const std::string& bytes) { return bytes.size() >= 2 && bytes[0] == 'P' && bytes[1] == 'K'; }

}  // namespace

void save_model(Model& model, const std::string& path) {
  if (format_of(path) == Format::H5) save_model_h5(model, path);
  else save_model_keras(model, path);
}

LoadedModel load_model(const std::string& path) {
  const Format format = format_of(path);
  const std::string bytes = data::read_file_bytes(path);
  if (format == Format::H5 && is_zip(bytes))
    throw IoError("'" + path + "' is a zip archive (a .keras file) despite its name. Rename it to .keras and load it "
                  "again.");
  if (format == Format::Keras && h5::has_hdf5_signature(bytes))
    throw IoError("'" + path + "' is an HDF5 file (a legacy .h5 model) despite its name. Rename it to .h5 and load "
                  "it again.");
  return format == Format::H5 ? load_model_h5_bytes(bytes, path) : load_model_keras_bytes(bytes, path);
}

}  // namespace cornu::io
