// Keras's MeanMetricWrapper: one value per sample, averaged over every batch since reset() with the sample
// weights (total += sum(w * value), count += sum(w); the result is total / count, 0 while count is 0).
// https://keras.io/api/metrics/
#pragma once
#include <vector>

#include "metrics/metric.h"

namespace cornu {

class MeanMetric : public Metric {
 public:
  void reset() override { total_ = 0, count_ = 0; }
  void update(const float* y_true, const int32_t* labels, const float* y_pred, const float* weights, int64_t rows,
              int64_t cols) override;
  double result() const override { return count_ != 0 ? total_ / count_ : 0.0; }

 protected:
  // out[r] = the metric's value for sample r. y_true is dense unless takes_labels().
  virtual void sample_values(const float* y_true, const int32_t* labels, const float* y_pred, int64_t rows,
                             int64_t cols, double* out) = 0;
  // Sparse metrics compare integer class indices with rows of scores.
  virtual bool takes_labels() const { return false; }
  double total_ = 0, count_ = 0;

 private:
  std::vector<double> values_;
  std::vector<float> label_targets_;
};

// Dense targets for a metric that compares y_true with y_pred elementwise: y_true itself, or integer labels
// read as values when predictions have one column (binary labels given as integers). `storage` keeps the
// converted labels alive. Throws a ValueError naming the metric otherwise.
const float* dense_targets(const Metric& metric, const float* y_true, const int32_t* labels, int64_t rows, int64_t cols,
                           std::vector<float>& storage);

}  // namespace cornu
