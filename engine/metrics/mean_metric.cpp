#include "metrics/mean_metric.h"

#include "core/error.h"

namespace cornu {

const float* dense_targets(const Metric& metric, const float* y_true, const int32_t* labels, int64_t rows, int64_t cols,
                           std::vector<float>& storage) {
  if (y_true) return y_true;
  if (labels && cols == 1) {
    storage.assign(labels, labels + rows);
    return storage.data();
  }
  throw ValueError("Metric '" + metric.name() + "' compares targets with predictions of " + std::to_string(cols) +
                   " values per sample, but the targets are integer class indices. Use one-hot targets, or a sparse "
                   "metric such as 'sparse_categorical_accuracy'.");
}

void MeanMetric::update(const float* y_true, const int32_t* labels, const float* y_pred, const float* weights,
                        int64_t rows, int64_t cols) {
  if (takes_labels() && !labels)
    throw ValueError("Metric '" + name() +
                     "' expects integer class indices as targets, shape (batch,) or (batch, 1). "
                     "With one-hot targets, use its non-sparse version (e.g. 'categorical_accuracy').");
  if (!takes_labels()) y_true = dense_targets(*this, y_true, labels, rows, cols, label_targets_);
  values_.resize(static_cast<size_t>(rows));
  sample_values(y_true, labels, y_pred, rows, cols, values_.data());
  for (int64_t r = 0; r < rows; ++r) {
    const double w = weights ? weights[r] : 1.0;
    total_ += w * values_[static_cast<size_t>(r)];
    count_ += w;
  }
}

}  // namespace cornu
