// Fashion-MNIST (Xiao et al. 2017), as keras.datasets.fashion_mnist.load_data() returns it, read from a local
// folder: https://keras.io/api/datasets/fashion_mnist/
#pragma once
#include <string>

#include "data/dataset.h"

namespace cornu::data {

// Where Debian's dataset-fashion-mnist package installs the four IDX files.
constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// x: float32 (N, 28, 28) scaled to [0, 1]; y: int32 (N,) in 0..9; 60000 train and 10000 test samples.
// Reads <dir>/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz (or the same names without .gz).
TrainTest load_fashion_mnist(const std::string& dir = kFashionMnistDir);

// An image IDX file and its label IDX file as one dataset: x float32 scaled by `pixel_scale`, y int32.
// Checks that the counts agree and that the images are rank 3 (N, rows, cols).
ArrayDataset load_idx_pair(const std::string& images_path, const std::string& labels_path, float pixel_scale);

}  // namespace cornu::data
