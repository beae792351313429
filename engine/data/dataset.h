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
  std::vector<std::string> warnings;  // what was left out while loading (skipped rows, unreadable images), one a line
};

// 16 hex digits identifying the data exactly: a 64-bit FNV-1a style hash over the shapes, dtypes and bytes of
// x and y of both parts (not the class names or warnings). A run record stores it, so a run can be repeated
// on the same data. Reads about 8 bytes per multiply: several GB/s.
std::string fingerprint(const TrainTest& data);

}  // namespace cornu::data
