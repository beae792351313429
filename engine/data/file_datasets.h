// Datasets read from the user's own files: the registry entries "csv", "idx", "numpy" and "hdf5", and the
// pieces they share (file parameters, the test split, label description). Each entry's info reads only what
// it needs to describe the data (headers and the label array) so the editor can check a model while typing.
#pragma once
#include <string>
#include <vector>

#include "data/builtin_datasets.h"

namespace cornu::data {

DatasetEntry csv_dataset();
DatasetEntry idx_dataset();
DatasetEntry numpy_dataset();
DatasetEntry hdf5_dataset();

// A String parameter naming a file (PathKind::File) or a folder; "" is its default.
ParamSpec path_param(std::string name, std::string doc, PathKind kind = PathKind::File);
// test_fraction and seed: how a file without its own test set is split.
std::vector<ParamSpec> split_params();

// The path in c[key], or an IoError telling the user to choose a file (when empty) or that it is missing.
std::string existing_path(const Config& c, const std::string& key, const std::string& dataset);
// `all` split by c["test_fraction"] and c["seed"]: a shuffled test part, the same for the same seed.
std::pair<ArrayDataset, ArrayDataset> split_by_fraction(const ArrayDataset& all, const Config& c);

// Int32 features converted to float32 (the readers keep integer arrays as int32).
Tensor as_float(const Tensor& t);
// Labels described for the editor's checks: int32 -> classes (the names, else largest + 1), float -> numbers.
DatasetInfo describe_labels(Shape sample_shape, const Tensor& labels, std::vector<std::string> class_names = {});
// The number of classes of int32 labels: largest + 1; negative labels are an IoError naming `where`.
int count_classes(const Tensor& labels, const std::string& where);

}  // namespace cornu::data
