// What the file-backed dataset entries share: file parameters, the test split and the label description.
#include "data/file_datasets.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "data/transforms.h"

namespace cornu::data {

ParamSpec path_param(std::string name, std::string doc, PathKind kind) {
  return {.name = std::move(name), .type = ParamType::String, .default_value = "", .doc = std::move(doc),
          .path = kind};
}

std::vector<ParamSpec> split_params() {
  return {{.name = "test_fraction", .type = ParamType::Float, .default_value = 0.2,
           .doc = "Share of the samples held out as the test set when the files have no test part of their own.",
           .minimum = 0.01, .maximum = 0.9},
          {.name = "seed", .type = ParamType::Int, .default_value = 1,
           .doc = "Seed of the shuffle that picks the test samples: the same seed, the same split.", .minimum = 0}};
}

std::string existing_path(const Config& c, const std::string& key, const std::string& dataset) {
  const std::string path = c.at(key).get<std::string>();
  if (path.empty())
    throw IoError("The " + dataset + " dataset has no file in `" + key + "`: choose the file to read.");
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw IoError("Cannot read '" + path + "' (" + key + "): the file does not exist. Check the path.");
  return path;
}

std::pair<ArrayDataset, ArrayDataset> split_by_fraction(const ArrayDataset& all, const Config& c) {
  return train_validation_split(all, c.at("test_fraction").get<double>(), true, c.at("seed").get<uint64_t>());
}

Tensor as_float(const Tensor& t) {
  if (!t.defined() || t.dtype() == DType::Float32) return t;
  return scale(t, 1.0f);
}

int count_classes(const Tensor& labels, const std::string& where) {
  std::vector<int32_t> v = labels.to_int_vector();
  if (v.empty()) return 0;
  auto [low, high] = std::minmax_element(v.begin(), v.end());
  if (*low < 0)
    throw IoError(where + " holds the class label " + std::to_string(*low) +
                  "; class labels must be 0, 1, 2... Renumber them, or store float targets for regression.");
  return *high + 1;
}

DatasetInfo describe_labels(Shape sample_shape, const Tensor& labels, std::vector<std::string> class_names) {
  DatasetInfo info{std::move(sample_shape), LabelKind::Regression, 0, {}};
  if (!labels.defined() || labels.dtype() != DType::Int32) return info;
  info.labels = LabelKind::Classes;
  info.classes = class_names.empty() ? count_classes(labels, "The label array") : static_cast<int>(class_names.size());
  info.class_names = std::move(class_names);
  return info;
}

}  // namespace cornu::data
