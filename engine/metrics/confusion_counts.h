// Weighted confusion counts at thresholds, accumulated as Keras's update_confusion_matrix_variables does
// (keras/src/metrics/metrics_utils.py): every element of a batch is one prediction, positive when strictly
// above a threshold; a target is positive when non-zero. The base of Precision, Recall and AUC.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "metrics/metric.h"

namespace cornu {

constexpr float kMetricEpsilon = 1e-7f;  // keras.backend.epsilon()

// ops.divide_no_nan: 0 where the denominator is 0.
inline double divide_no_nan(double a, double b) { return b == 0 ? 0.0 : a / b; }

// Keras's is_evenly_distributed_thresholds: at least 3 values, np.allclose to i / (n - 1).
bool evenly_distributed(const std::vector<double>& thresholds);

class ConfusionCounts {
 public:
  // `evenly`: take Keras's bucket path for evenly spaced thresholds (predictions clipped to [0, 1]; with
  // epsilon end points, every prediction is above the first threshold and none above the last).
  ConfusionCounts(std::vector<float> thresholds, bool evenly);
  size_t size() const { return thresholds_.size(); }
  void reset();
  // Targets t and predictions p are rows x cols; element (r, c) weighs weights[r] (1 when null).
  // class_id >= 0 keeps that column only.
  void add(const float* t, const float* p, const float* weights, int64_t rows, int64_t cols, int64_t class_id);

  std::vector<double> tp, fp, tn, fn;

 private:
  std::vector<float> thresholds_;
  bool evenly_, with_epsilon_;
  // Per-batch weights of the predictions falling in each bucket (the evenly spaced path), sized once so
  // that add() allocates nothing.
  std::vector<double> pos_bucket_, neg_bucket_;
};

// For the registry entries of Precision, Recall and AUC: rejects a Keras option Cornu does not support
// unless it has its default (null or false), and names a new metric with its resolved config.
void require_default(const std::string& metric, const Config& c, const std::string& key, const std::string& why);
std::shared_ptr<Metric> with_name(std::shared_ptr<Metric> m, const std::string& name, const Config& c);

}  // namespace cornu
