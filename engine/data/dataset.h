// In-memory datasets as Keras's fit() takes them: x and y arrays whose first dimension is the sample.
#pragma once
#include <string>
#include <vector>

#include "core/tensor.h"

namespace cornu::data {

// x: float32 (N, ...). y: int32 class indices (N,) or float32 targets (N, ...); undefined for unlabelled data.
struct ArrayDataset {
  Tensor x;
  Tensor y;
};

// What keras.datasets.*.load_data() returns, plus the names of the classes when they are known.
struct TrainTest {
  ArrayDataset train, test;
  std::vector<std::string> class_names;
};

}  // namespace cornu::data
