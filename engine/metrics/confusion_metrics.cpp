// Precision and Recall (keras/src/metrics/confusion_metrics.py) at one threshold, from weighted confusion
// counts over every element of a batch. https://keras.io/api/metrics/classification_metrics/
#include "core/error.h"
#include "metrics/confusion_counts.h"
#include "metrics/mean_metric.h"

namespace cornu {

void require_default(const std::string& metric, const Config& c, const std::string& key, const std::string& why) {
  if (c.contains(key) && !c[key].is_null() && !(c[key].is_boolean() && !c[key].get<bool>()))
    throw ValueError("Metric '" + metric + "': " + key + "=" + c[key].dump() + " is not supported. " + why);
}

std::shared_ptr<Metric> with_name(std::shared_ptr<Metric> m, const std::string& name, const Config& c) {
  m->set_name(name);
  m->config = c;
  return m;
}

namespace {

// Precision TP / (TP + FP) or recall TP / (TP + FN) at one threshold.
class PrecisionRecall final : public Metric {
 public:
  PrecisionRecall(bool recall, float threshold, int64_t class_id)
      : recall_(recall), class_id_(class_id), counts_({threshold}, false) {}
  void reset() override { counts_.reset(); }
  void update(const float* y_true, const int32_t* labels, const float* y_pred, const float* weights, int64_t rows,
              int64_t cols) override {
    if (class_id_ >= cols)
      throw ValueError("Metric '" + name() + "': class_id=" + std::to_string(class_id_) +
                       " but predictions have only " + std::to_string(cols) + " classes.");
    counts_.add(dense_targets(*this, y_true, labels, rows, cols, storage_), y_pred, weights, rows, cols, class_id_);
  }
  double result() const override {
    return divide_no_nan(counts_.tp[0], counts_.tp[0] + (recall_ ? counts_.fn[0] : counts_.fp[0]));
  }

 private:
  bool recall_;
  int64_t class_id_;
  ConfusionCounts counts_;
  std::vector<float> storage_;
};

// Precision and Recall take one threshold: null (0.5), a number, or a list holding one number.
float single_threshold(const std::string& metric, const Config& v) {
  Config x = v.is_array() && v.size() == 1 ? v[0] : v;
  if (x.is_null()) return 0.5f;
  if (!x.is_number() || x.get<double>() < 0 || x.get<double>() > 1)
    throw ValueError("Metric '" + metric + "': thresholds must be null or one number in [0, 1], got " + v.dump() +
                     ". Cornu reports one value per metric: use one metric per threshold.");
  return x.get<float>();
}

std::vector<ParamSpec> precision_recall_params() {
  return {{.name = "thresholds",
           .type = ParamType::Any,
           .default_value = nullptr,
           .doc = "Predictions above it count as positive; null means 0.5.",
           .nullable = true},
          {.name = "top_k",
           .type = ParamType::Int,
           .default_value = nullptr,
           .doc = "Only null is supported (every prediction is compared with the threshold).",
           .nullable = true},
          {.name = "class_id",
           .type = ParamType::Int,
           .default_value = nullptr,
           .doc = "Restricts the metric to this class (column); null: all.",
           .minimum = 0,
           .nullable = true}};
}

}  // namespace

void register_confusion_metrics(Registry<Metric>& r) {
  for (bool recall : {false, true}) {
    std::string name = recall ? "recall" : "precision";
    r.add({.name = name,
           .keras_class = recall ? "Recall" : "Precision",
           .category = "Classification",
           .doc = recall ? "Fraction of positive targets predicted positive: TP / (TP + FN)."
                         : "Fraction of positive predictions that are right: TP / (TP + FP).",
           .params = precision_recall_params(),
           .create = [recall, name](const Config& c) {
             require_default(name, c, "top_k", "Compare every prediction with the threshold (top_k=null).");
             int64_t class_id = c["class_id"].is_null() ? -1 : c["class_id"].get<int64_t>();
             return with_name(
                 std::make_shared<PrecisionRecall>(recall, single_threshold(name, c["thresholds"]), class_id), name, c);
           }});
  }
}

}  // namespace cornu
