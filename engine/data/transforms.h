// Array preparation before fit(): one-hot labels, scaling, standardization, splits and row gathers.
// All of them return new tensors on the input's backend and leave their inputs alone.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "core/tensor.h"
#include "data/dataset.h"

namespace cornu::data {

// keras.utils.to_categorical: class ids of shape (N,) or (N, 1) (int32, or float32 holding integers) to
// float32 one-hot rows (N, C). num_classes = -1 uses max + 1. A label outside [0, C) is a ValueError.
// https://keras.io/api/utils/python_utils/#tocategorical-function
Tensor to_categorical(const Tensor& labels, int num_classes = -1);

// x * factor as a new float32 tensor (for example 1/255 for pixels); int32 input is converted.
Tensor scale(const Tensor& x, float factor);

// Per-feature mean and population standard deviation, x seen as rows x cols (cols = all axes but the first).
struct Standardization {
  std::vector<float> mean, stddev;
};
Standardization fit_standardization(const Tensor& x);
// (x - mean) / stddev per feature. A feature with (near) zero stddev is only centered, as scikit-learn's
// StandardScaler does, so that a constant training column does not blow up new data.
Tensor standardize(const Tensor& x, const Standardization& s);

// Splits off the validation part as Keras's fit(validation_split=...) does: without shuffling, the LAST
// floor-complement of the rows (train = first floor(N * (1 - fraction)) rows). With shuffle, rows are
// permuted first by a Fisher-Yates shuffle driven by cornu::Random(seed): the same seed, the same split.
std::pair<ArrayDataset, ArrayDataset> train_validation_split(const ArrayDataset& d, double validation_fraction,
                                                             bool shuffle, uint64_t seed);

// Rows of `t` (first axis) in the given order, any rank, float32 or int32.
Tensor take_rows(const Tensor& t, const std::vector<int64_t>& rows);

// A random permutation of 0..n-1 (Fisher-Yates with cornu::Random(seed)).
std::vector<int64_t> shuffled_indices(int64_t n, uint64_t seed);

}  // namespace cornu::data
