// Weight regularizers l1, l2 and l1_l2 with Keras 3's defaults: the penalty l1 * sum|w| + l2 * sum w^2
// is added to the loss. https://keras.io/api/layers/regularizers/
#include <cmath>

#include "core/error.h"
#include "regularizers/regularizer.h"

namespace cornu {

namespace {

// Keras's validate_float_arg: a finite, non-negative number; None means the class default.
double factor(const std::string& cls, const Config& c, const char* key, double none_means) {
  const Config& v = c.at(key);
  if (v.is_null()) return none_means;
  const double x = v.get<double>();
  if (!std::isfinite(x) || x < 0)
    throw ValueError("Invalid value for argument " + std::string(key) + " of " + cls +
                     ": expected a non-negative float. Received: " + key + "=" + v.dump() + ".");
  return x;
}

ParamSpec factor_param(const char* key, double default_value, const std::string& doc) {
  return {.name = key, .type = ParamType::Float, .default_value = default_value, .doc = doc, .nullable = true};
}

// The config keeps the doubles (0.01, not 0.009999999776) so it reads back as Keras wrote it.
RegularizerPtr make(const std::string& name, double l1, double l2, Config config) {
  auto r = std::make_shared<Regularizer>();
  r->name = name;
  r->l1 = static_cast<float>(l1);
  r->l2 = static_cast<float>(l2);
  r->config = std::move(config);
  return r;
}

}  // namespace

void register_builtin_regularizers(Registry<Regularizer>& registry) {
  registry.add({.name = "l1",
                .keras_class = "L1",
                .doc = "Penalty l1 * sum(|w|): pushes weights to exactly zero (sparse weights).",
                .params = {factor_param("l1", 0.01, "Factor of the sum of absolute values.")},
                .create = [](const Config& c) {
                  double l1 = factor("L1", c, "l1", 0.01);
                  return make("l1", l1, 0.0, {{"l1", l1}});
                }});
  registry.add({.name = "l2",
                .keras_class = "L2",
                .doc = "Penalty l2 * sum(w^2) (weight decay through the loss).",
                .params = {factor_param("l2", 0.01, "Factor of the sum of squares.")},
                .create = [](const Config& c) {
                  double l2 = factor("L2", c, "l2", 0.01);
                  return make("l2", 0.0, l2, {{"l2", l2}});
                }});
  // Keras 3's L1L2 (also exported as l1_l2) defaults both factors to 0.
  registry.add({.name = "l1_l2",
                .keras_class = "L1L2",
                .doc = "Penalty l1 * sum(|w|) + l2 * sum(w^2).",
                .params = {factor_param("l1", 0.0, "Factor of the sum of absolute values."),
                           factor_param("l2", 0.0, "Factor of the sum of squares.")},
                .create = [](const Config& c) {
                  double l1 = factor("L1L2", c, "l1", 0.0), l2 = factor("L1L2", c, "l2", 0.0);
                  return make("l1_l2", l1, l2, {{"l1", l1}, {"l2", l2}});
                }});
}

}  // namespace cornu
