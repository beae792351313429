// Metrics, registered under their Keras names. They are stateful (averaged over an epoch, weighted by
// samples) and computed on the host from copies of the predictions: they never drive gradients, and a
// batch of predictions is small next to the model.
#pragma once
#include <memory>
#include <string>

#include "core/registry.h"
#include "losses/loss.h"

namespace cornu {

class Metric {
 public:
  virtual ~Metric() = default;
  const std::string& name() const { return name_; }
  void set_name(std::string n) { name_ = std::move(n); }
  virtual void reset() = 0;
  // y_pred is rows x cols; y_true rows x cols floats, or `labels` (rows int32) for sparse targets.
  // weights (rows) may be null.
  virtual void update(const float* y_true, const int32_t* labels, const float* y_pred, const float* weights,
                      int64_t rows, int64_t cols) = 0;
  virtual double result() const = 0;
  Config config;

 protected:
  std::string name_;
};

using MetricPtr = std::shared_ptr<Metric>;
Registry<Metric>& metric_registry();
// "accuracy"/"acc" resolve from the loss as Keras does (categorical, sparse categorical or binary);
// "mse", {"class_name": "TopKCategoricalAccuracy", "config": {"k": 3}}.
MetricPtr make_metric(const Config& name_or_object, const Loss* loss = nullptr);

}  // namespace cornu
