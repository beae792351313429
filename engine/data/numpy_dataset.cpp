// The "numpy" dataset entry: arrays saved by NumPy, as keras.datasets.*.load_data() returns them.
#include "core/error.h"
#include "data/file_bytes.h"
#include "data/file_datasets.h"
#include "data/npy.h"

namespace cornu::data {
namespace {

bool is_npz(const std::string& path) { return read_prefix_maybe_gzipped(path, 2) == "PK"; }  // a zip archive

// Which arrays of an .npz to read: keras.datasets' four, or x and y to split.
std::vector<std::string> npz_layout(const std::string& path) {
  std::map<std::string, NpyHeader> headers = read_npz_headers(path);
  auto has = [&](std::initializer_list<const char*> keys) {
    for (const char* k : keys)
      if (!headers.count(k)) return false;
    return true;
  };
  if (has({"x_train", "y_train", "x_test", "y_test"})) return {"x_train", "y_train", "x_test", "y_test"};
  if (has({"x", "y"})) return {"x", "y"};
  std::string present;
  for (const auto& [key, header] : headers) present += (present.empty() ? "" : ", ") + key;
  throw IoError("'" + path + "' holds the arrays " + present + ", but Cornu looks for x_train, y_train, x_test and "
                "y_test (as keras.datasets saves them) or x and y. Save it with numpy.savez(path, x=..., y=...).");
}

// Labels as the engine wants them: int32 (N,) classes (an (N, 1) column is flattened) or float32 targets.
Tensor labels_of(Tensor y, const std::string& where) {
  if (y.dtype() == DType::Int32 && y.shape().rank() == 2 && y.shape()[1] == 1) y = y.view(Shape{y.rows()});
  if (y.dtype() == DType::Int32 && y.shape().rank() != 1)
    throw IoError(where + " holds integer labels of shape " + y.shape().to_string() + "; class labels have shape "
                  "(N,). For one-hot labels store their argmax, for regression targets store floats.");
  if (y.dtype() == DType::Int32) count_classes(y, where);
  return y;
}

ArrayDataset pair(const Tensor& x, const Tensor& y, const std::string& x_where, const std::string& y_where) {
  if (x.shape().rank() < 2)
    throw IoError(x_where + " has shape " + x.shape().to_string() + "; features need shape (N, ...), one row a sample.");
  if (x.rows() != y.rows())
    throw IoError(x_where + " holds " + std::to_string(x.rows()) + " samples but " + y_where + " holds " +
                  std::to_string(y.rows()) + " labels; they must match.");
  return {as_float(x), labels_of(y, y_where)};
}

std::string member(const std::string& path, const std::string& key) { return "'" + key + "' in '" + path + "'"; }

// The labels file that must come with an .npy of features.
std::string labels_path(const Config& c, const std::string& features) {
  if (c.at("labels_path").get<std::string>().empty())
    throw IoError("'" + features + "' is an .npy of features alone: set labels_path to the .npy of its labels, or "
                  "save both in one archive with numpy.savez(path, x=..., y=...).");
  return existing_path(c, "labels_path", "numpy");
}

TrainTest load(const Config& c) {
  const std::string path = existing_path(c, "path", "numpy");
  TrainTest data;
  if (!is_npz(path)) {
    const std::string labels = labels_path(c, path);
    ArrayDataset all = pair(read_npy(path), read_npy(labels), "'" + path + "'", "'" + labels + "'");
    std::tie(data.train, data.test) = split_by_fraction(all, c);
    return data;
  }
  const std::vector<std::string> keys = npz_layout(path);
  std::map<std::string, Tensor> a = read_npz(path, keys);
  auto part = [&](const std::string& x, const std::string& y) {
    return pair(a.at(x), a.at(y), member(path, x), member(path, y));
  };
  if (keys.size() == 2) {
    std::tie(data.train, data.test) = split_by_fraction(part("x", "y"), c);
    return data;
  }
  data.train = part("x_train", "y_train");
  data.test = part("x_test", "y_test");
  if (data.train.x.shape().without_batch() != data.test.x.shape().without_batch() ||
      data.train.y.dtype() != data.test.y.dtype())
    throw IoError("x_test/y_test in '" + path + "' do not match x_train/y_train (sample shape " +
                  data.test.x.shape().without_batch().to_string() + " vs " +
                  data.train.x.shape().without_batch().to_string() + ", or labels of another type).");
  return data;
}

// Feature headers only; the labels (one value per sample) are read in full for the number of classes.
DatasetInfo info(const Config& c) {
  const std::string path = existing_path(c, "path", "numpy");
  if (!is_npz(path)) {
    const std::string labels = labels_path(c, path);
    NpyHeader x = read_npy_header(path);
    if (x.shape.size() < 2)
      throw IoError("'" + path + "' has shape " + dims_to_string(x.shape) + "; features need shape (N, ...).");
    return describe_labels(Shape(std::vector<int64_t>(x.shape.begin() + 1, x.shape.end())),
                           labels_of(read_npy(labels), "'" + labels + "'"));
  }
  const std::vector<std::string> keys = npz_layout(path);
  const std::string x_key = keys[0], y_key = keys[1];
  NpyHeader x = read_npz_headers(path).at(x_key);
  if (x.shape.size() < 2)
    throw IoError(member(path, x_key) + " has shape " + dims_to_string(x.shape) + "; features need shape (N, ...).");
  Tensor y = read_npz(path, {y_key}).at(y_key);
  return describe_labels(Shape(std::vector<int64_t>(x.shape.begin() + 1, x.shape.end())),
                         labels_of(y, member(path, y_key)));
}

}  // namespace

DatasetEntry numpy_dataset() {
  std::vector<ParamSpec> params = {
      path_param("path", "An .npz holding x_train, y_train, x_test, y_test (keras.datasets' layout) or x and y, or "
                         "an .npy of features (then set labels_path). Any numeric dtype is read."),
      path_param("labels_path", "With an .npy of features: the .npy of its labels, integers for classes or floats "
                                "for regression targets.")};
  for (ParamSpec& p : split_params()) params.push_back(std::move(p));
  return {.name = "numpy",
          .doc = "Arrays saved with numpy.save or numpy.savez: features become float32, integer labels classes, "
                 "float labels regression targets.",
          .params = std::move(params),
          .info = info,
          .load = load};
}

}  // namespace cornu::data
