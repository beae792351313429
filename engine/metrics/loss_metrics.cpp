// Metrics that average a loss over samples (keras/src/metrics/regression_metrics.py, hinge_metrics.py,
// probabilistic_metrics.py). They run the backend's loss formulas on the host copies of a batch, so a
// metric and its loss never disagree. https://keras.io/api/metrics/regression_metrics/
#include <cmath>
#include <functional>

#include "backend/backend.h"
#include "core/error.h"
#include "metrics/mean_metric.h"

namespace cornu {

namespace {

// sign * the per-sample loss; RootMeanSquaredError reports the square root of the mean.
class LossMetric final : public MeanMetric {
 public:
  LossMetric(LossKind kind, LossParams params, double sign, bool root)
      : kind_(kind), params_(params), sign_(sign), root_(root) {}
  bool takes_labels() const override { return kind_ == LossKind::SparseCategoricalCrossentropy; }
  double result() const override {
    double mean = MeanMetric::result();
    return root_ ? std::sqrt(mean) : mean;
  }
  void sample_values(const float* t, const int32_t* labels, const float* p, int64_t rows, int64_t cols,
                     double* out) override {
    row_loss_.resize(static_cast<size_t>(rows));
    cpu_backend().loss(kind_, params_, t, labels, p, nullptr, row_loss_.data(), nullptr, 0.0f, rows, cols);
    for (int64_t r = 0; r < rows; ++r) out[r] = sign_ * row_loss_[static_cast<size_t>(r)];
  }

 private:
  LossKind kind_;
  LossParams params_;
  double sign_;
  bool root_;
  std::vector<float> row_loss_;
};

// How a metric departs from the plain mean of its loss.
struct Variant {
  double sign = 1.0;         // cosine_similarity reports +cosine, the loss -cosine
  bool root = false;         // root_mean_squared_error
  std::string default_name;  // Keras's default metric name when it differs from the registry name
};

void add(Registry<Metric>& r, std::string name, std::string keras_class, std::vector<std::string> aliases,
         std::string doc, LossKind kind, std::vector<ParamSpec> params = {}, Variant v = {}) {
  std::string metric_name = v.default_name.empty() ? name : v.default_name;
  auto create = [name, kind, v, metric_name](const Config& c) {
    if (c.contains("axis") && c["axis"].get<int64_t>() != -1)
      throw ValueError("Metric '" + name +
                       "': only axis=-1 (the last axis) is supported, got axis=" + c["axis"].dump() + ".");
    if (c.contains("ignore_class") && !c["ignore_class"].is_null())
      throw ValueError("Metric '" + name + "': ignore_class is not supported; it must be null, got " +
                       c["ignore_class"].dump() + ".");
    LossParams p;
    if (c.contains("from_logits")) p.from_logits = c["from_logits"].get<bool>();
    if (c.contains("label_smoothing")) p.label_smoothing = c["label_smoothing"].get<float>();
    auto m = std::make_shared<LossMetric>(kind, p, v.sign, v.root);
    m->set_name(metric_name);
    m->config = c;
    return m;
  };
  r.add({.name = std::move(name),
         .keras_class = std::move(keras_class),
         .aliases = std::move(aliases),
         .category = "Regression and losses",
         .doc = std::move(doc),
         .params = std::move(params),
         .create = create});
}

ParamSpec from_logits() {
  return {.name = "from_logits",
          .type = ParamType::Bool,
          .default_value = false,
          .doc = "Whether y_pred holds logits rather than probabilities."};
}
ParamSpec label_smoothing() {
  return {.name = "label_smoothing",
          .type = ParamType::Float,
          .default_value = 0.0,
          .doc = "In [0, 1]: smooths the targets as the loss does.",
          .minimum = 0.0,
          .maximum = 1.0};
}
ParamSpec axis() {
  return {.name = "axis", .type = ParamType::Int, .default_value = -1, .doc = "Only -1 (the last axis) is supported."};
}

}  // namespace

void register_loss_metrics(Registry<Metric>& r) {
  using K = LossKind;
  add(r, "mean_squared_error", "MeanSquaredError", {"mse", "MSE"}, "Mean of squared errors.", K::MeanSquaredError);
  add(r, "root_mean_squared_error", "RootMeanSquaredError", {}, "Square root of the mean of squared errors.",
      K::MeanSquaredError, {}, {.root = true});
  add(r, "mean_absolute_error", "MeanAbsoluteError", {"mae", "MAE"}, "Mean of absolute errors.", K::MeanAbsoluteError);
  add(r, "mean_absolute_percentage_error", "MeanAbsolutePercentageError", {"mape", "MAPE"},
      "Mean absolute error as a percentage of |target|.", K::MeanAbsolutePercentageError);
  add(r, "mean_squared_logarithmic_error", "MeanSquaredLogarithmicError", {"msle", "MSLE"},
      "Mean squared error of log(1 + x).", K::MeanSquaredLogarithmicError);
  add(r, "cosine_similarity", "CosineSimilarity", {}, "Mean cosine similarity of target and prediction rows.",
      K::CosineSimilarity, {axis()}, {.sign = -1.0});
  add(r, "log_cosh_error", "LogCoshError", {"logcosh"}, "Mean of log(cosh(prediction - target)).", K::LogCosh, {},
      {.default_name = "logcosh"});
  add(r, "kl_divergence", "KLDivergence", {}, "Kullback-Leibler divergence of predictions from targets.",
      K::KLDivergence);
  add(r, "poisson", "Poisson", {}, "Mean Poisson loss, prediction - target * log(prediction).", K::Poisson);
  add(r, "hinge", "Hinge", {}, "Mean hinge loss (0/1 targets become -1/1).", K::Hinge);
  add(r, "squared_hinge", "SquaredHinge", {}, "Mean squared hinge loss.", K::SquaredHinge);
  add(r, "categorical_hinge", "CategoricalHinge", {}, "Mean categorical hinge loss.", K::CategoricalHinge);
  add(r, "binary_crossentropy", "BinaryCrossentropy", {"bce", "BCE"}, "Mean binary crossentropy.",
      K::BinaryCrossentropy, {from_logits(), label_smoothing()});
  add(r, "categorical_crossentropy", "CategoricalCrossentropy", {}, "Mean categorical crossentropy.",
      K::CategoricalCrossentropy, {from_logits(), label_smoothing(), axis()});
  add(r, "sparse_categorical_crossentropy", "SparseCategoricalCrossentropy", {},
      "Mean crossentropy against integer class targets.", K::SparseCategoricalCrossentropy,
      {from_logits(),
       {.name = "ignore_class",
        .type = ParamType::Int,
        .default_value = nullptr,
        .doc = "Only null is supported.",
        .nullable = true},
       axis()});
}

}  // namespace cornu
