// The "hdf5" dataset entry: arrays from an HDF5 file (h5py), by dataset path.
#include "core/error.h"
#include "data/file_bytes.h"
#include "data/file_datasets.h"
#include "data/hdf5_arrays.h"

namespace cornu::data {
namespace {

ArrayDataset read_part(const std::string& path, const std::string& x_name, const std::string& y_name) {
  Tensor x = read_hdf5_array(path, x_name), y = read_hdf5_array(path, y_name);
  if (x.shape().rank() < 2)
    throw IoError("The dataset '" + x_name + "' in '" + path + "' has shape " + x.shape().to_string() +
                  "; features need shape (N, ...), one row a sample.");
  if (y.dtype() == DType::Float32 && y.shape().rank() == 2 && y.shape()[1] == 1) y = y.view(Shape{y.rows()});
  if (x.rows() != y.rows())
    throw IoError("'" + x_name + "' in '" + path + "' holds " + std::to_string(x.rows()) + " samples but '" + y_name +
                  "' holds " + std::to_string(y.rows()) + " labels; they must match.");
  if (y.dtype() == DType::Int32) count_classes(y, "The dataset '" + y_name + "' in '" + path + "'");
  return {x, y};
}

// The test pair's names, or false when test_fraction splits the training data instead.
bool has_test_part(const Config& c) {
  const bool x = !c.at("x_test").get<std::string>().empty(), y = !c.at("y_test").get<std::string>().empty();
  if (x != y)
    throw ValueError("The hdf5 dataset has only one of x_test and y_test: name both, or clear both to hold out "
                     "test_fraction of the training samples.");
  return x;
}

TrainTest load(const Config& c) {
  const std::string path = existing_path(c, "path", "hdf5");
  auto name = [&](const char* key) { return c.at(key).get<std::string>(); };
  TrainTest data;
  ArrayDataset train = read_part(path, name("x"), name("y"));
  if (!has_test_part(c)) {
    std::tie(data.train, data.test) = split_by_fraction(train, c);
    return data;
  }
  data.train = train;
  data.test = read_part(path, name("x_test"), name("y_test"));
  if (data.test.x.shape().without_batch() != train.x.shape().without_batch())
    throw IoError("'" + name("x_test") + "' in '" + path + "' has samples of shape " +
                  data.test.x.shape().without_batch().to_string() + " but '" + name("x") + "' has " +
                  train.x.shape().without_batch().to_string() + "; they must match.");
  return data;
}

// The features' dataspace only; the labels (one value per sample) are read for the number of classes.
DatasetInfo info(const Config& c) {
  const std::string path = existing_path(c, "path", "hdf5");
  const std::string x_name = c.at("x").get<std::string>(), y_name = c.at("y").get<std::string>();
  Hdf5ArrayInfo x = hdf5_array_info(path, x_name);
  if (x.dims.size() < 2)
    throw IoError("The dataset '" + x_name + "' in '" + path + "' has shape " + dims_to_string(x.dims) +
                  "; features need shape (N, ...).");
  has_test_part(c);
  Tensor y = read_hdf5_array(path, y_name);
  return describe_labels(Shape(std::vector<int64_t>(x.dims.begin() + 1, x.dims.end())), y);
}

ParamSpec dataset_param(std::string name, std::string default_value, std::string doc) {
  return {.name = std::move(name), .type = ParamType::String, .default_value = std::move(default_value),
          .doc = std::move(doc)};
}

}  // namespace

DatasetEntry hdf5_dataset() {
  std::vector<ParamSpec> params = {
      path_param("path", "The HDF5 file (.h5, .hdf5), as h5py writes it."),
      dataset_param("x", "x_train", "Path of the training features in the file, e.g. x_train or data/images."),
      dataset_param("y", "y_train", "Path of the training labels: integers for classes, floats for regression."),
      dataset_param("x_test", "x_test", "Path of the test features; empty: test_fraction of the training samples."),
      dataset_param("y_test", "y_test", "Path of the test labels; empty together with x_test.")};
  for (ParamSpec& p : split_params()) params.push_back(std::move(p));
  return {.name = "hdf5",
          .doc = "Numeric arrays from an HDF5 file, read by dataset path: features become float32, integer labels "
                 "classes, float labels regression targets.",
          .params = std::move(params),
          .info = info,
          .load = load};
}

}  // namespace cornu::data
