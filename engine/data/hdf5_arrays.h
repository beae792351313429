// Numeric arrays from HDF5 files (h5py's File(path)["x_train"]), through the HDF5 C API. Nothing here
// crashes on a broken file: HDF5's own error printing is silenced and every failure becomes an IoError
// naming the file and the dataset path.
#pragma once
#include <string>
#include <vector>

#include "core/tensor.h"

namespace cornu::data {

// The largest array read at once, in float32 bytes: as for decompressed files.
constexpr uint64_t kMaxHdf5ArrayBytes = uint64_t(4) << 30;

struct Hdf5ArrayInfo {
  std::vector<int64_t> dims;
  bool integer = false;  // integer values (class labels when rank 1); floats otherwise
};

// The shape and kind of the dataset at `dataset` (a path such as "x_train" or "data/images"), from its
// dataspace only. IoError listing the datasets present when there is none at that path, and for text,
// compound or other non-numeric data, scalars and arrays over kMaxHdf5ArrayBytes.
Hdf5ArrayInfo hdf5_array_info(const std::string& path, const std::string& dataset);

// The values: rank-1 integer data (labels) as int32, everything else as float32 (converted by HDF5).
Tensor read_hdf5_array(const std::string& path, const std::string& dataset);

// Every dataset in the file, by full path ("x_train", "group/y"), sorted.
std::vector<std::string> hdf5_dataset_names(const std::string& path);

}  // namespace cornu::data
