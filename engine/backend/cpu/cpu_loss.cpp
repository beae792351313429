// Losses on the CPU, one row (the last axis) at a time: the value of Keras 3's formula
// (keras/src/losses/losses.py, keras/src/backend/jax/nn.py) and its exact derivative, clipping included
// (zero gradient where a value is clipped). Rows are independent, so they are split across cores.
// Arithmetic is in double within a row: the results are float, and a row is short.
// dy_pred may be null: values only (metrics reuse these formulas on the host).
// https://keras.io/api/losses/
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "backend/cpu/cpu_backend.h"
#include "backend/cpu/parallel.h"
#include "core/error.h"

namespace cornu {

namespace {

// keras.backend.epsilon() and the clipping bounds as float32 holds them, as Keras clips: 1 - epsilon rounds
// to 1 - 1.19e-7, so a confident wrong binary prediction costs -log(1.19e-7) = 15.94, not 16.12.
constexpr double kEpsilon = static_cast<double>(1e-7f);
constexpr double kOneMinusEpsilon = static_cast<double>(1.0f - 1e-7f);

// One row: targets t (or a class index for sparse losses), predictions p, and the gradient row g that
// receives scale * d loss / d p (null for values only).
struct Row {
  const float* t;
  int32_t label;
  const float* p;
  float* g;
  double scale;
  int64_t cols;
};

inline double sign(double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0); }
inline double sigmoid(double x) {
  double z = std::exp(-std::fabs(x));
  return x >= 0 ? 1.0 / (1.0 + z) : z / (1.0 + z);
}

// Categorical (dense t) and sparse (label) crossentropy. Keras smooths dense targets towards
// 1 / num_classes; probabilities are divided by their row sum, then clipped to [eps, 1 - eps].
double crossentropy(const Row& r, const LossParams& lp) {
  const int64_t n = r.cols;
  const double ls = lp.label_smoothing;
  auto target = [&](int64_t j) {
    double t = r.t ? r.t[j] : (j == r.label ? 1.0 : 0.0);
    return ls != 0 ? t * (1.0 - ls) + ls / static_cast<double>(n) : t;
  };
  double loss = 0;
  if (lp.from_logits) {  // -sum t * log_softmax(p); d/dp_k = softmax_k * sum(t) - t_k
    double m = *std::max_element(r.p, r.p + n), s = 0, t_sum = 0;
    for (int64_t j = 0; j < n; ++j) s += std::exp(r.p[j] - m);
    const double lse = m + std::log(s);
    for (int64_t j = 0; j < n; ++j) loss -= target(j) * (r.p[j] - lse), t_sum += target(j);
    if (r.g)
      for (int64_t j = 0; j < n; ++j)
        r.g[j] += static_cast<float>(r.scale * (std::exp(r.p[j] - lse) * t_sum - target(j)));
    return loss;
  }
  // q = p / sum(p). With a_j = dL/dq_j (zero where clipped): dL/dp_k = (a_k - sum_j a_j q_j) / sum(p).
  double s = 0, a_dot_q = 0;
  for (int64_t j = 0; j < n; ++j) s += r.p[j];
  auto dloss_dq = [&](int64_t j, double q) { return q >= kEpsilon && q <= kOneMinusEpsilon ? -target(j) / q : 0.0; };
  for (int64_t j = 0; j < n; ++j) {
    double q = r.p[j] / s;
    loss -= target(j) * std::log(std::clamp(q, kEpsilon, kOneMinusEpsilon));
    a_dot_q += dloss_dq(j, q) * q;
  }
  if (r.g)
    for (int64_t j = 0; j < n; ++j) r.g[j] += static_cast<float>(r.scale * (dloss_dq(j, r.p[j] / s) - a_dot_q) / s);
  return loss;
}

struct ValueGrad {
  double value, grad;
};

// Losses that are a mean (or, for KL divergence, a sum) of one term per element.
ValueGrad element(LossKind kind, const LossParams& lp, double t, double p) {
  switch (kind) {
    case LossKind::BinaryCrossentropy: {
      if (lp.label_smoothing != 0) t = t * (1.0 - lp.label_smoothing) + 0.5 * lp.label_smoothing;
      if (lp.from_logits)  // -t log sigmoid(p) - (1 - t) log sigmoid(-p), without overflow
        return {std::max(p, 0.0) - p * t + std::log1p(std::exp(-std::fabs(p))), sigmoid(p) - t};
      double c = std::clamp(p, kEpsilon, kOneMinusEpsilon);
      bool inside = p >= kEpsilon && p <= kOneMinusEpsilon;
      return {-(t * std::log(c) + (1.0 - t) * std::log(1.0 - c)), inside ? (c - t) / (c * (1.0 - c)) : 0.0};
    }
    case LossKind::MeanSquaredError:
      return {(p - t) * (p - t), 2.0 * (p - t)};
    case LossKind::MeanAbsoluteError:
      return {std::fabs(p - t), sign(p - t)};
    case LossKind::MeanAbsolutePercentageError: {
      double d = std::max(std::fabs(t), kEpsilon);
      return {100.0 * std::fabs(p - t) / d, 100.0 * sign(p - t) / d};
    }
    case LossKind::MeanSquaredLogarithmicError: {
      double pc = std::max(p, kEpsilon), e = std::log(pc + 1.0) - std::log(std::max(t, kEpsilon) + 1.0);
      return {e * e, p >= kEpsilon ? 2.0 * e / (pc + 1.0) : 0.0};
    }
    case LossKind::Huber: {
      double e = p - t, a = std::fabs(e), d = lp.delta;
      if (a <= d) return {0.5 * e * e, e};
      return {d * a - 0.5 * d * d, d * sign(e)};
    }
    case LossKind::LogCosh: {  // log(cosh(x)) = |x| + log1p(exp(-2|x|)) - log(2)
      double x = p - t, a = std::fabs(x);
      return {a + std::log1p(std::exp(-2.0 * a)) - std::log(2.0), std::tanh(x)};
    }
    case LossKind::KLDivergence: {
      double tc = std::clamp(t, kEpsilon, 1.0), pc = std::clamp(p, kEpsilon, 1.0);
      return {tc * std::log(tc / pc), p >= kEpsilon && p <= 1.0 ? -tc / pc : 0.0};
    }
    case LossKind::Poisson:
      return {p - t * std::log(p + kEpsilon), 1.0 - t / (p + kEpsilon)};
    case LossKind::Hinge: {  // t already in {-1, 1} when the batch held 0/1 labels
      double m = 1.0 - t * p;
      return m > 0 ? ValueGrad{m, -t} : ValueGrad{0.0, 0.0};
    }
    case LossKind::SquaredHinge: {
      double m = std::max(1.0 - t * p, 0.0);
      return {m * m, -2.0 * t * m};
    }
    default:
      return {0.0, 0.0};
  }
}

double elementwise(LossKind kind, const LossParams& lp, const Row& r, bool to_hinge_labels) {
  const double reduce = kind == LossKind::KLDivergence ? 1.0 : 1.0 / static_cast<double>(r.cols);
  double sum = 0;
  for (int64_t j = 0; j < r.cols; ++j) {
    double t = to_hinge_labels ? 2.0 * r.t[j] - 1.0 : r.t[j];
    ValueGrad v = element(kind, lp, t, r.p[j]);
    sum += v.value;
    if (r.g) r.g[j] += static_cast<float>(r.scale * reduce * v.grad);
  }
  return sum * reduce;
}

// max(neg - pos + 1, 0) with pos = sum(t * p), neg = max((1 - t) * p); ties in the max go to the first.
double categorical_hinge(const Row& r) {
  double pos = 0, neg = -std::numeric_limits<double>::infinity();
  int64_t arg = 0;
  for (int64_t j = 0; j < r.cols; ++j) {
    pos += static_cast<double>(r.t[j]) * r.p[j];
    double v = (1.0 - r.t[j]) * r.p[j];
    if (v > neg) neg = v, arg = j;
  }
  double loss = neg - pos + 1.0;
  if (loss <= 0) return 0.0;
  if (r.g)
    for (int64_t j = 0; j < r.cols; ++j)
      r.g[j] += static_cast<float>(r.scale * ((j == arg ? 1.0 - r.t[j] : 0.0) - r.t[j]));
  return loss;
}

// -sum(t / max(|t|, eps) * p / max(|p|, eps)): Keras's l2-normalise floors the norm at epsilon.
double cosine_similarity(const Row& r) {
  double tt = 0, pp = 0, tp = 0;
  for (int64_t j = 0; j < r.cols; ++j)
    tt += static_cast<double>(r.t[j]) * r.t[j], pp += static_cast<double>(r.p[j]) * r.p[j],
        tp += static_cast<double>(r.t[j]) * r.p[j];
  const double nt = std::max(std::sqrt(tt), kEpsilon), np = std::max(std::sqrt(pp), kEpsilon);
  const double cosine = tp / (nt * np);
  if (r.g) {
    const bool floored = std::sqrt(pp) < kEpsilon;  // then the norm is a constant
    for (int64_t j = 0; j < r.cols; ++j)
      r.g[j] += static_cast<float>(r.scale * (-r.t[j] / (nt * np) + (floored ? 0.0 : cosine * r.p[j] / (np * np))));
  }
  return -cosine;
}

// Keras converts hinge labels from {0, 1} to {-1, 1} when every label of the batch is 0 or 1.
bool batch_has_binary_labels(const float* t, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (t[i] != 0.0f && t[i] != 1.0f) return false;
  return true;
}

}  // namespace

void CpuBackend::loss(LossKind kind, const LossParams& p, const float* y_true, const int32_t* labels,
                      const float* y_pred, const float* weights, float* row_loss, float* dy_pred, float grad_scale,
                      int64_t rows, int64_t cols) {
  const bool sparse = kind == LossKind::SparseCategoricalCrossentropy;
  if (p.axis != -1)
    throw ValueError("Losses are computed over the last axis only (axis=-1), got axis=" + std::to_string(p.axis) + ".");
  if (sparse ? labels == nullptr : y_true == nullptr)
    throw Error(sparse ? "sparse_categorical_crossentropy needs integer labels." : "This loss needs float targets.");
  if (sparse)
    for (int64_t r = 0; r < rows; ++r)
      if (labels[r] < 0 || labels[r] >= cols)
        throw ValueError("Received a label value of " + std::to_string(labels[r]) +
                         " which is outside the valid range of [0, " + std::to_string(cols) + ") for " +
                         std::to_string(cols) +
                         " classes. Labels of sparse_categorical_crossentropy must be class "
                         "indices smaller than the number of outputs of the model.");
  const bool to_hinge_labels =
      (kind == LossKind::Hinge || kind == LossKind::SquaredHinge) && batch_has_binary_labels(y_true, rows * cols);

  parallel_for(rows, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const double w = weights ? weights[r] : 1.0;
      Row row{sparse ? nullptr : y_true + r * cols,
              sparse ? labels[r] : 0,
              y_pred + r * cols,
              dy_pred ? dy_pred + r * cols : nullptr,
              static_cast<double>(grad_scale) * w,
              cols};
      double value = 0;
      switch (kind) {
        case LossKind::CategoricalCrossentropy:
        case LossKind::SparseCategoricalCrossentropy:
          value = crossentropy(row, p);
          break;
        case LossKind::CategoricalHinge:
          value = categorical_hinge(row);
          break;
        case LossKind::CosineSimilarity:
          value = cosine_similarity(row);
          break;
        default:
          value = elementwise(kind, p, row, to_hinge_labels);
          break;
      }
      row_loss[r] = static_cast<float>(w * value);
    }
  }, kParallelThreshold / std::max<int64_t>(cols, 1));
}

}  // namespace cornu
