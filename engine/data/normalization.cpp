#include "data/normalization.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "data/transforms.h"

namespace cornu::data {
namespace {

bool all_bytes(const std::vector<float>& v) {
  return std::all_of(v.begin(), v.end(), [](float f) { return f >= 0.0f && f <= 255.0f && f == std::floor(f); });
}

// Per-group minimum and range, a group being a column (tables) or everything (images).
struct MinMax {
  std::vector<float> low, range;
};

MinMax fit_min_max(const std::vector<float>& v, int64_t groups) {
  MinMax m{std::vector<float>(static_cast<size_t>(groups), std::numeric_limits<float>::max()),
           std::vector<float>(static_cast<size_t>(groups), std::numeric_limits<float>::lowest())};
  std::vector<float>& high = m.range;
  for (size_t i = 0; i < v.size(); ++i) {
    const size_t g = i % static_cast<size_t>(groups);
    m.low[g] = std::min(m.low[g], v[i]);
    high[g] = std::max(high[g], v[i]);
  }
  for (size_t g = 0; g < m.low.size(); ++g) m.range[g] = high[g] - m.low[g];
  return m;
}

Tensor apply_min_max(const Tensor& x, const MinMax& m) {
  std::vector<float> v = x.to_vector();
  const size_t groups = m.low.size();
  for (size_t i = 0; i < v.size(); ++i) {
    const size_t g = i % groups;
    v[i] = m.range[g] > 0.0f ? (v[i] - m.low[g]) / m.range[g] : 0.0f;
  }
  return Tensor::from_vector(x.shape(), v, &x.backend());
}

void scale_to_unit(TrainTest& data) {
  const std::vector<float> train = data.train.x.to_vector();
  if (all_bytes(train)) {
    data.train.x = scale(data.train.x, 1.0f / 255.0f);
    if (data.test.x.defined()) data.test.x = scale(data.test.x, 1.0f / 255.0f);
    return;
  }
  const int64_t groups = data.train.x.shape().rank() == 2 ? data.train.x.cols() : 1;
  const MinMax m = fit_min_max(train, groups);
  data.train.x = apply_min_max(data.train.x, m);
  if (data.test.x.defined()) data.test.x = apply_min_max(data.test.x, m);
}

}  // namespace

ParamSpec normalization_param(const std::string& default_mode) {
  return {.name = "normalization", .type = ParamType::Enum, .default_value = default_mode,
          .doc = "Rescaling of the inputs, fitted on the training set. none: as stored (the built-in sets are "
                 "already in a good range). scale: to [0, 1] (8-bit pixels / 255, other values min-max); choose "
                 "it for images. standardize: mean 0, standard deviation 1 per feature; choose it for tables whose "
                 "columns have different units.",
          .choices = {"none", "scale", "standardize"}};
}

void add_normalization_param(std::vector<ParamSpec>& params) {
  for (const ParamSpec& p : params)
    if (p.name == "normalization") return;
  params.push_back(normalization_param());
}

void apply_normalization(TrainTest& data, const std::string& mode) {
  if (mode == "none" || !data.train.x.defined() || data.train.x.size() == 0) return;
  if (mode == "scale") {
    scale_to_unit(data);
  } else if (mode == "standardize") {
    const Standardization s = fit_standardization(data.train.x);
    data.train.x = standardize(data.train.x, s);
    if (data.test.x.defined()) data.test.x = standardize(data.test.x, s);
  } else {
    throw ValueError("normalization='" + mode + "' is unknown; choose none, scale or standardize.");
  }
}

}  // namespace cornu::data
