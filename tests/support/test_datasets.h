// Where the tests find the shared real datasets, and class counts of int32 labels: shared by the data tests.
#pragma once
#include <QByteArray>
#include <QtGlobal>
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace cornu::test {

// ../shared/datasets as CTest passes it (CORNU_SHARED_DATASETS); tests skip where it is absent.
inline std::string shared_datasets() {
  const QByteArray env = qgetenv("CORNU_SHARED_DATASETS");
  return env.isEmpty() ? std::string("/work/shared/datasets") : env.toStdString();
}

// How many labels of each class in [0, classes); empty when a label falls outside.
inline std::vector<int64_t> class_counts(const Tensor& labels, int classes) {
  std::vector<int64_t> counts(static_cast<size_t>(classes), 0);
  for (int32_t y : labels.to_int_vector()) {
    if (y < 0 || y >= classes) return {};
    ++counts[static_cast<size_t>(y)];
  }
  return counts;
}

}  // namespace cornu::test
