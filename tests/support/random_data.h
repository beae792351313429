// Reproducible training data for tests: uniform features and class labels from the counter-based generator.
#pragma once
#include <vector>

#include "core/random.h"
#include "core/tensor.h"

namespace cornu::test {

inline Tensor random_tensor(const Shape& s, uint64_t key) {
  std::vector<float> v(static_cast<size_t>(s.size()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = random_uniform_at(key, i);
  return Tensor::from_vector(s, v);
}

inline Tensor random_classes(int64_t n, int classes, uint64_t key) {
  std::vector<int32_t> y(static_cast<size_t>(n));
  for (size_t i = 0; i < y.size(); ++i) y[i] = static_cast<int32_t>(random_uniform_at(key, i) * classes) % classes;
  return Tensor::from_vector(Shape{n}, y);
}

}  // namespace cornu::test
