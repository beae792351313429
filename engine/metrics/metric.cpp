#include "metrics/metric.h"

#include <algorithm>
#include <cctype>

#include "core/module_config.h"

namespace cornu {

void register_builtin_metrics(Registry<Metric>& registry);

Registry<Metric>& metric_registry() {
  static Registry<Metric> registry = [] {
    Registry<Metric> r("metric");
    register_builtin_metrics(r);
    return r;
  }();
  return registry;
}

namespace {

bool is_accuracy_shortcut(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s == "accuracy" || s == "acc";
}

// Keras 3's own rule (keras/src/trainers/compile_utils.py, get_metric), applied at the first batch because
// it reads shapes: one prediction column means binary accuracy, integer targets sparse categorical accuracy,
// anything else categorical accuracy.
class ShapeResolvedAccuracy final : public Metric {
 public:
  void reset() override {
    if (inner_) inner_->reset();
  }
  void update(const float* y_true, const int32_t* labels, const float* y_pred, const float* weights, int64_t rows,
              int64_t cols) override {
    if (!inner_)
      inner_ = metric_registry().create(cols == 1           ? "binary_accuracy"
                                        : labels && !y_true ? "sparse_categorical_accuracy"
                                                            : "categorical_accuracy");
    if (inner_->name() != name()) inner_->set_name(name());
    inner_->update(y_true, labels, y_pred, weights, rows, cols);
  }
  double result() const override { return inner_ ? inner_->result() : 0.0; }

 private:
  MetricPtr inner_;
};

// "accuracy" as Keras 3 resolves it (trainers/compile_utils.py): by shapes, not by the loss. One output unit:
// binary; integer targets: sparse categorical; otherwise categorical (even for a multi-label
// binary_crossentropy output, as Keras does).
MetricPtr accuracy_for(const Loss*) { return std::make_shared<ShapeResolvedAccuracy>(); }

}  // namespace

MetricPtr make_metric(const Config& v, const Loss* loss) {
  if (v.is_string()) {
    const std::string given = v.get<std::string>();
    MetricPtr m = is_accuracy_shortcut(given) ? accuracy_for(loss) : metric_registry().create(given);
    // Keras 3 names a metric given as a string after that string: "mse" is logged as "mse", "acc" as "acc".
    m->set_name(given);
    if (!m->config.is_object()) m->config = Config::object();
    m->config["name"] = given;
    return m;
  }
  // A config object ({"class_name": "AUC", "config": {"name": "auc", "dtype": "float32", ...}}) keeps its name.
  auto [name, config] = split_module_config(v, "metric");
  MetricPtr m = metric_registry().create(name, config, {"name", "dtype"});
  if (config.contains("name") && config["name"].is_string()) m->set_name(config["name"].get<std::string>());
  m->config["name"] = m->name();
  return m;
}

}  // namespace cornu
