// Accuracy metrics (keras/src/metrics/accuracy_metrics.py): the fraction of samples, or of elements
// averaged per sample, that the predictions get right. https://keras.io/api/metrics/accuracy_metrics/
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>

#include "core/error.h"
#include "metrics/mean_metric.h"

namespace cornu {

namespace {

// The first index of the largest value, as ops.argmax.
int64_t argmax(const float* x, int64_t n) { return std::max_element(x, x + n) - x; }

// Keras's in_top_k: the target is in the top k when fewer than k scores are strictly larger than its own
// (ties favour the target); a NaN score at the target counts as -inf.
bool in_top_k(const float* scores, int64_t n, int64_t target, int64_t k) {
  float own = std::isnan(scores[target]) ? -std::numeric_limits<float>::infinity() : scores[target];
  int64_t larger = 0;
  for (int64_t j = 0; j < n; ++j) larger += scores[j] > own;
  return larger < k;
}

// Elementwise accuracies averaged over each row: exact equality, or equality after thresholding.
class ElementAccuracy final : public MeanMetric {
 public:
  explicit ElementAccuracy(std::optional<float> threshold) : threshold_(threshold) {}
  void sample_values(const float* t, const int32_t*, const float* p, int64_t rows, int64_t cols, double* out) override {
    for (int64_t r = 0; r < rows; ++r) {
      int64_t hits = 0;
      for (int64_t c = r * cols; c < (r + 1) * cols; ++c)
        hits += threshold_ ? t[c] == (p[c] > *threshold_ ? 1.0f : 0.0f) : t[c] == p[c];
      out[r] = static_cast<double>(hits) / static_cast<double>(cols);
    }
  }

 private:
  std::optional<float> threshold_;
};

// Categorical (one-hot targets) and sparse (class indices) accuracy: the target is the argmax (k = 0: the
// first of tied maxima wins, as ops.argmax) or within the top k scores (ties favour the target, as in_top_k).
class TopKAccuracy final : public MeanMetric {
 public:
  TopKAccuracy(bool sparse, int64_t k, bool from_sorted_ids = false)
      : sparse_(sparse), k_(k), from_sorted_ids_(from_sorted_ids) {}
  static constexpr int64_t kArgmax = 0;
  bool takes_labels() const override { return sparse_; }
  void sample_values(const float* t, const int32_t* labels, const float* p, int64_t rows, int64_t cols,
                     double* out) override {
    for (int64_t r = 0; r < rows; ++r) {
      const float* scores = p + r * cols;
      const int64_t target = sparse_ ? labels[r] : argmax(t + r * cols, cols);
      bool hit;
      if (from_sorted_ids_)  // predictions are class ids, best first
        hit = std::find(scores, scores + std::min(k_, cols), static_cast<float>(target)) != scores + std::min(k_, cols);
      else if (target < 0 || target >= cols)
        hit = false;
      else if (k_ == kArgmax)
        hit = argmax(scores, cols) == target;
      else
        hit = in_top_k(scores, cols, target, k_);
      out[r] = hit ? 1.0 : 0.0;
    }
  }

 private:
  bool sparse_;
  int64_t k_;
  bool from_sorted_ids_;
};

ParamSpec k_param() {
  return {.name = "k",
          .type = ParamType::Int,
          .default_value = 5,
          .doc = "A sample counts as correct when its target is among the k highest scores.",
          .minimum = 1};
}

void add(Registry<Metric>& r, std::string name, std::string keras_class, std::string doc, std::vector<ParamSpec> params,
         std::function<std::shared_ptr<Metric>(const Config&)> make) {
  auto create = [name, make](const Config& c) {
    auto m = make(c);
    m->set_name(name);
    m->config = c;
    return m;
  };
  r.add({.name = std::move(name),
         .keras_class = std::move(keras_class),
         .category = "Accuracy",
         .doc = std::move(doc),
         .params = std::move(params),
         .create = create});
}

}  // namespace

void register_accuracy_metrics(Registry<Metric>& r) {
  add(r, "accuracy", "Accuracy",
      "How often predictions equal targets exactly (compile's 'accuracy' string picks a "
      "binary, categorical or sparse accuracy instead).",
      {}, [](const Config&) { return std::make_shared<ElementAccuracy>(std::nullopt); });
  add(r, "binary_accuracy", "BinaryAccuracy", "How often predictions above the threshold match 0/1 targets.",
      {{.name = "threshold",
        .type = ParamType::Float,
        .default_value = 0.5,
        .doc = "Predictions above it count as 1, the others as 0."}},
      [](const Config& c) { return std::make_shared<ElementAccuracy>(c["threshold"].get<float>()); });
  add(r, "categorical_accuracy", "CategoricalAccuracy", "How often the highest score is the one-hot target's class.",
      {}, [](const Config&) { return std::make_shared<TopKAccuracy>(false, TopKAccuracy::kArgmax); });
  add(r, "sparse_categorical_accuracy", "SparseCategoricalAccuracy",
      "How often the highest score is at the integer target's class.", {},
      [](const Config&) { return std::make_shared<TopKAccuracy>(true, TopKAccuracy::kArgmax); });
  add(r, "top_k_categorical_accuracy", "TopKCategoricalAccuracy",
      "How often the one-hot target's class is among the k highest scores.", {k_param()},
      [](const Config& c) { return std::make_shared<TopKAccuracy>(false, c["k"].get<int64_t>()); });
  add(r, "sparse_top_k_categorical_accuracy", "SparseTopKCategoricalAccuracy",
      "How often the integer target is among the k highest scores.",
      {k_param(),
       {.name = "from_sorted_ids",
        .type = ParamType::Bool,
        .default_value = false,
        .doc = "Predictions are class ids sorted by decreasing score rather than scores."}},
      [](const Config& c) {
        return std::make_shared<TopKAccuracy>(true, c["k"].get<int64_t>(), c["from_sorted_ids"].get<bool>());
      });
}

}  // namespace cornu
