#include "data/fashion_mnist.h"

#include <filesystem>

#include "core/error.h"
#include "data/idx.h"

namespace cornu::data {
namespace {

// <dir>/<stem>.gz, else <dir>/<stem> (an unpacked copy), else "".
std::string find_file(const std::string& dir, const std::string& stem) {
  for (const std::string& candidate : {stem + ".gz", stem}) {
    std::filesystem::path p = std::filesystem::path(dir) / candidate;
    std::error_code ec;
    if (std::filesystem::is_regular_file(p, ec)) return p.string();
  }
  return "";
}

}  // namespace

ArrayDataset load_idx_pair(const std::string& images_path, const std::string& labels_path, float pixel_scale) {
  Tensor images = read_idx(images_path);
  Tensor labels = read_idx(labels_path);
  if (images.shape().rank() != 3)
    throw IoError("'" + images_path + "' should hold images of shape (N, rows, cols), but holds " +
                  images.shape().to_string() + ".");
  if (labels.shape().rank() != 1 || labels.dtype() != DType::Int32)
    throw IoError("'" + labels_path + "' should hold integer labels of shape (N,), but holds " +
                  labels.shape().to_string() + " " + dtype_name(labels.dtype()) + " values.");
  if (labels.rows() != images.rows())
    throw IoError("'" + images_path + "' holds " + std::to_string(images.rows()) + " images but '" + labels_path +
                  "' holds " + std::to_string(labels.rows()) + " labels; the files do not belong together.");
  // Scaled in place: the tensor is fresh and on the CPU, and a copy of 60000 images would double the peak memory.
  float* pixels = images.data();
  for (int64_t i = 0, n = images.size(); i < n; ++i) pixels[i] *= pixel_scale;
  return {images, labels};
}

TrainTest load_fashion_mnist(const std::string& dir) {
  const char* stems[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                         "t10k-labels-idx1-ubyte"};
  std::string paths[4];
  for (int i = 0; i < 4; ++i) {
    paths[i] = find_file(dir, stems[i]);
    if (paths[i].empty())
      throw IoError("Fashion-MNIST was not found in " + dir +
                    ". Install it with `apt-get install dataset-fashion-mnist` (Debian's package puts it there), "
                    "or pass the folder that holds train-images-idx3-ubyte.gz.");
  }
  TrainTest data;
  data.train = load_idx_pair(paths[0], paths[1], 1.0f / 255.0f);
  data.test = load_idx_pair(paths[2], paths[3], 1.0f / 255.0f);
  data.class_names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  for (const ArrayDataset* part : {&data.train, &data.test})
    for (int32_t label : part->y.to_int_vector())
      if (label < 0 || label > 9)
        throw IoError("The Fashion-MNIST labels in " + dir + " hold the value " + std::to_string(label) +
                      ", outside the 10 classes 0..9; the files are damaged. Reinstall them.");
  return data;
}

}  // namespace cornu::data
