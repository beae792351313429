// AUC (keras/src/metrics/confusion_metrics.py): the area under the ROC or precision-recall curve, from
// weighted confusion counts at num_thresholds thresholds, summed as Keras's AUC.result does: a Riemann sum
// over consecutive thresholds, or for PR with interpolation, Davis & Goadrich's interpolation
// (AUC.interpolate_pr_auc). https://keras.io/api/metrics/classification_metrics/#auc-class
#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "metrics/confusion_counts.h"
#include "metrics/mean_metric.h"

namespace cornu {

namespace {

enum class Curve { ROC, PR, PRGAIN };
enum class Summation { Interpolation, Minoring, Majoring };

// Thresholds run from low to high, so the curve is traced from (1, ...) towards (0, ...): areas add up
// as (x[i] - x[i + 1]) * height.
class AUC final : public Metric {
 public:
  AUC(std::vector<float> thresholds, bool evenly, Curve curve, Summation summation, bool from_logits)
      : curve_(curve),
        summation_(summation),
        from_logits_(from_logits),
        counts_(std::move(thresholds), evenly),
        x_(counts_.size()),
        y_(counts_.size()) {}
  void reset() override { counts_.reset(); }
  void update(const float* y_true, const int32_t* labels, const float* y_pred, const float* weights, int64_t rows,
              int64_t cols) override {
    const float* t = dense_targets(*this, y_true, labels, rows, cols, storage_);
    if (from_logits_) {
      probabilities_.resize(static_cast<size_t>(rows * cols));
      for (int64_t i = 0; i < rows * cols; ++i)
        probabilities_[static_cast<size_t>(i)] = 1.0f / (1.0f + std::exp(-y_pred[i]));
      y_pred = probabilities_.data();
    }
    counts_.add(t, y_pred, weights, rows, cols, -1);
  }

  double result() const override {
    const auto &tp = counts_.tp, &fp = counts_.fp, &tn = counts_.tn, &fn = counts_.fn;
    const size_t n = counts_.size();
    double area = 0;
    if (curve_ == Curve::PR && summation_ == Summation::Interpolation) {
      for (size_t i = 0; i + 1 < n; ++i) {
        double p_a = tp[i] + fp[i], p_b = tp[i + 1] + fp[i + 1];
        double dtp = tp[i] - tp[i + 1];
        double slope = divide_no_nan(dtp, std::max(p_a - p_b, 0.0));
        double intercept = tp[i + 1] - slope * p_b;
        double ratio = p_a > 0 && p_b > 0 ? divide_no_nan(p_a, std::max(p_b, 0.0)) : 1.0;
        area += divide_no_nan(slope * (dtp + intercept * std::log(ratio)), std::max(tp[i + 1] + fn[i + 1], 0.0));
      }
      return area;
    }
    std::vector<double> &x = x_, &y = y_;  // the curve's points, in buffers sized once
    for (size_t i = 0; i < n; ++i) {
      double recall = divide_no_nan(tp[i], tp[i] + fn[i]);
      if (curve_ == Curve::ROC) {
        x[i] = divide_no_nan(fp[i], fp[i] + tn[i]), y[i] = recall;
      } else if (curve_ == Curve::PR) {
        x[i] = recall, y[i] = divide_no_nan(tp[i], tp[i] + fp[i]);
      } else {  // precision-recall gain (Flach & Kull 2015), with Keras's guards
        double scale = divide_no_nan(tp[i] + fn[i], tn[i] + fp[i]);
        x[i] = tp[i] == 0 ? 0.0 : std::max(1.0 - scale * divide_no_nan(fn[i], tp[i]), 0.0);
        y[i] = tp[i] == 0 ? 1.0 : 1.0 - scale * divide_no_nan(fp[i], tp[i]);
      }
    }
    for (size_t i = 0; i + 1 < n; ++i) {
      double height = summation_ == Summation::Interpolation ? (y[i] + y[i + 1]) / 2
                      : summation_ == Summation::Minoring    ? std::min(y[i], y[i + 1])
                                                             : std::max(y[i], y[i + 1]);
      area += (x[i] - x[i + 1]) * height;
    }
    return area;
  }

 private:
  Curve curve_;
  Summation summation_;
  bool from_logits_;
  ConfusionCounts counts_;
  std::vector<float> storage_, probabilities_;
  mutable std::vector<double> x_, y_;  // result()'s scratch: logs read it after every step
};

std::shared_ptr<Metric> make_auc(const Config& c) {
  require_default("auc", c, "multi_label", "Labels are flattened into one curve (multi_label=false).");
  require_default("auc", c, "num_labels", "It is only used with multi_label=true.");
  require_default("auc", c, "label_weights", "Use sample weights instead.");
  // Keras: thresholds i / (num_thresholds - 1) for 0 < i < num_thresholds - 1, or the given ones sorted,
  // between -epsilon and 1 + epsilon so that predictions of exactly 0 and 1 are counted.
  std::vector<double> inner;
  if (!c["thresholds"].is_null()) {
    for (const auto& t : c["thresholds"]) inner.push_back(t.get<double>());
    std::sort(inner.begin(), inner.end());
    if (!inner.empty() && (inner.front() < 0 || inner.back() > 1))
      throw ValueError("Metric 'auc': thresholds must lie in [0, 1], got " + c["thresholds"].dump() + ".");
  } else {
    const int64_t n = c["num_thresholds"].get<int64_t>();
    for (int64_t i = 0; i < n - 2; ++i) inner.push_back(static_cast<double>(i + 1) / static_cast<double>(n - 1));
  }
  std::vector<double> ends = inner;
  ends.insert(ends.begin(), 0.0), ends.push_back(1.0);
  std::vector<float> thresholds{0.0f - kMetricEpsilon};
  for (double t : inner) thresholds.push_back(static_cast<float>(t));
  thresholds.push_back(1.0f + kMetricEpsilon);
  const std::string curve = c["curve"].get<std::string>(), sum = c["summation_method"].get<std::string>();
  return std::make_shared<AUC>(thresholds, c["thresholds"].is_null() || evenly_distributed(ends),
                               curve == "ROC"  ? Curve::ROC
                               : curve == "PR" ? Curve::PR
                                               : Curve::PRGAIN,
                               sum == "interpolation" ? Summation::Interpolation
                               : sum == "minoring"    ? Summation::Minoring
                                                      : Summation::Majoring,
                               c["from_logits"].get<bool>());
}

}  // namespace

void register_auc(Registry<Metric>& r) {
  r.add({.name = "auc",
         .keras_class = "AUC",
         .category = "Classification",
         .doc = "Area under the ROC or precision-recall curve, from confusion counts at evenly spaced thresholds.",
         .params = {{.name = "num_thresholds",
                     .type = ParamType::Int,
                     .default_value = 200,
                     .doc = "How many thresholds discretise the curve.",
                     .minimum = 2},
                    {.name = "curve",
                     .type = ParamType::Enum,
                     .default_value = "ROC",
                     .doc = "ROC (recall against false positive rate), PR (precision against recall) or PRGAIN.",
                     .choices = {"ROC", "PR", "PRGAIN"}},
                    {.name = "summation_method",
                     .type = ParamType::Enum,
                     .default_value = "interpolation",
                     .doc = "Trapezoids (interpolation), or the lower (minoring) or upper (majoring) Riemann sum.",
                     .choices = {"interpolation", "minoring", "majoring"}},
                    {.name = "thresholds",
                     .type = ParamType::FloatList,
                     .default_value = nullptr,
                     .doc = "Explicit thresholds in [0, 1], replacing num_thresholds.",
                     .nullable = true},
                    {.name = "multi_label",
                     .type = ParamType::Bool,
                     .default_value = false,
                     .doc = "Only false is supported: all labels form one curve."},
                    {.name = "num_labels",
                     .type = ParamType::Int,
                     .default_value = nullptr,
                     .doc = "Only with multi_label; must be null.",
                     .nullable = true},
                    {.name = "label_weights",
                     .type = ParamType::Any,
                     .default_value = nullptr,
                     .doc = "Only null is supported.",
                     .nullable = true},
                    {.name = "from_logits",
                     .type = ParamType::Bool,
                     .default_value = false,
                     .doc = "Apply a sigmoid to predictions first."}},
         .create = [](const Config& c) { return with_name(make_auc(c), "auc", c); }});
}

}  // namespace cornu
