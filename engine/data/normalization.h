// The `normalization` setting every dataset entry has, applied by load_dataset after the entry's own load.
#pragma once
#include <string>

#include "core/registry.h"
#include "data/dataset.h"

namespace cornu::data {

// {"name": "normalization", Enum none/scale/standardize}: appended to each entry's parameters by the registry
// with the default "none"; an entry whose data is usually raw (8-bit pixels) lists it itself with "scale".
ParamSpec normalization_param(const std::string& default_mode = "none");
// Appends normalization_param() unless the entry lists its own.
void add_normalization_param(std::vector<ParamSpec>& params);

// Rescales x of both parts from statistics of the training part only (the test set must not leak into them):
// - "scale": x / 255 when every training value is an integer in 0..255 (8-bit pixels); otherwise min-max to
//   [0, 1], per column for tables (N, F) and over all values for images and other arrays of rank 3 and more
//   (a per-pixel range would stretch the nearly constant border pixels). A constant column becomes 0.
// - "standardize": per feature (x - mean) / std, as scikit-learn's StandardScaler.
// - "none": unchanged.
void apply_normalization(TrainTest& data, const std::string& mode);

}  // namespace cornu::data
