// The "idx" dataset entry: images (or any array) and labels in IDX files, the format of MNIST.
#include "core/error.h"
#include "data/file_bytes.h"
#include "data/file_datasets.h"
#include "data/idx.h"
#include "data/normalization.h"

namespace cornu::data {
namespace {

// An array file and its label file as one dataset: x float32 as stored (0..255 for pixels), y int32 classes
// or float32 targets. Checks that they hold the same number of samples.
ArrayDataset read_pair(const std::string& x_path, const std::string& y_path) {
  Tensor x = as_float(read_idx(x_path));
  Tensor y = read_idx(y_path);
  if (x.shape().rank() < 2)
    throw IoError("'" + x_path + "' holds one value per sample (shape " + x.shape().to_string() + "); the images "
                  "file should have shape (N, rows, cols). Check that the images and labels were not swapped.");
  if (y.shape().rank() != 1)
    throw IoError("'" + y_path + "' should hold one label per sample, shape (N,), but holds " +
                  y.shape().to_string() + ".");
  if (x.rows() != y.rows())
    throw IoError("'" + x_path + "' holds " + std::to_string(x.rows()) + " samples but '" + y_path + "' holds " +
                  std::to_string(y.rows()) + " labels; the files do not belong together.");
  if (y.dtype() == DType::Int32) count_classes(y, "'" + y_path + "'");  // refuses negative labels
  return {x, y};
}

bool has_test_pair(const Config& c) {
  const bool images = !c.at("test_images").get<std::string>().empty();
  const bool labels = !c.at("test_labels").get<std::string>().empty();
  if (images != labels)
    throw IoError("The idx dataset has only one of test_images and test_labels: give both, or neither to hold out "
                  "test_fraction of the training samples.");
  return images;
}

TrainTest load(const Config& c) {
  TrainTest data;
  ArrayDataset train = read_pair(existing_path(c, "train_images", "idx"), existing_path(c, "train_labels", "idx"));
  if (has_test_pair(c)) {
    data.train = train;
    data.test = read_pair(existing_path(c, "test_images", "idx"), existing_path(c, "test_labels", "idx"));
    if (data.test.x.shape().without_batch() != train.x.shape().without_batch())
      throw IoError("The test images have shape " + data.test.x.shape().without_batch().to_string() +
                    " but the training images " + train.x.shape().without_batch().to_string() + "; they must match.");
  } else {
    std::tie(data.train, data.test) = split_by_fraction(train, c);
  }
  return data;
}

// The headers, plus the label file (one small value per sample) for the number of classes.
DatasetInfo info(const Config& c) {
  const std::string images = existing_path(c, "train_images", "idx"), labels = existing_path(c, "train_labels", "idx");
  IdxHeader header = read_idx_header(images);
  if (header.dims.size() < 2)
    throw IoError("'" + images + "' holds one value per sample; the images file should have shape (N, rows, cols).");
  has_test_pair(c);
  Tensor y = read_idx(labels);
  if (y.shape().rank() != 1 || y.rows() != header.dims[0])
    throw IoError("'" + labels + "' holds labels of shape " + y.shape().to_string() + " for the " +
                  std::to_string(header.dims[0]) + " samples of '" + images + "'; the files do not belong together.");
  return describe_labels(Shape(std::vector<int64_t>(header.dims.begin() + 1, header.dims.end())), y);
}

}  // namespace

DatasetEntry idx_dataset() {
  std::vector<ParamSpec> params = {
      path_param("train_images", "IDX file of the training images, shape (N, rows, cols), gzipped or not "
                                 "(train-images-idx3-ubyte.gz for MNIST)."),
      path_param("train_labels", "IDX file of the training labels, shape (N,) (train-labels-idx1-ubyte.gz)."),
      path_param("test_images", "IDX file of the test images; empty: test_fraction of the training samples."),
      path_param("test_labels", "IDX file of the test labels; give it with test_images.")};
  for (ParamSpec& p : split_params()) params.push_back(std::move(p));
  params.push_back(normalization_param("scale"));  // IDX pixels are 0..255
  return {.name = "idx",
          .doc = "Images and labels in IDX files, the format of MNIST and Fashion-MNIST. Pixels are stored as 0..255, "
                 "so normalization defaults to scale (x / 255).",
          .params = std::move(params),
          .info = info,
          .load = load};
}

}  // namespace cornu::data
