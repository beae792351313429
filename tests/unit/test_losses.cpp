// Losses: the backend's per-row values against Keras's formulas written out here in double precision,
// Keras's own docstring examples, dy_pred against central differences of the op itself, sample weights,
// accumulation into dy_pred, clipping, hinge label conversion, errors, and the registry's names and params.
#include <QtTest>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "core/error.h"
#include "losses/loss.h"

using namespace cornu;

namespace {

constexpr double kEps = 1e-7;
using Vec = std::vector<double>;

// ---- Keras 3's formulas (keras/src/losses/losses.py), one row at a time, in double precision ----
double clip(double x, double lo, double hi) { return std::min(std::max(x, lo), hi); }
double mean(const Vec& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}
Vec map2(const Vec& t, const Vec& p, const std::function<double(double, double)>& f) {
  Vec out(t.size());
  for (size_t i = 0; i < t.size(); ++i) out[i] = f(t[i], p[i]);
  return out;
}

double ref_categorical(Vec t, Vec p, bool logits, double ls) {
  const size_t n = p.size();
  if (ls != 0)
    for (double& x : t) x = x * (1 - ls) + ls / static_cast<double>(n);
  Vec logp(n);
  if (logits) {
    double z = 0;
    for (double x : p) z += std::exp(x);
    for (size_t i = 0; i < n; ++i) logp[i] = p[i] - std::log(z);
  } else {
    double s = 0;
    for (double x : p) s += x;
    for (size_t i = 0; i < n; ++i) logp[i] = std::log(clip(p[i] / s, kEps, 1 - kEps));
  }
  double loss = 0;
  for (size_t i = 0; i < n; ++i) loss -= t[i] * logp[i];
  return loss;
}

double ref_binary(const Vec& t, const Vec& p, bool logits, double ls) {
  return mean(map2(t, p, [&](double y, double x) {
    y = y * (1 - ls) + 0.5 * ls;
    double q = logits ? 1 / (1 + std::exp(-x)) : clip(x, kEps, 1 - kEps);
    return -(y * std::log(q) + (1 - y) * std::log(1 - q));
  }));
}

bool all_binary(const Vec& t) {
  for (double x : t)
    if (x != 0 && x != 1) return false;
  return true;
}

// Reference for one row. `batch_binary`: the whole batch's hinge targets are 0/1.
double reference(LossKind kind, const LossParams& lp, const Vec& t, const Vec& p, bool batch_binary) {
  switch (kind) {
    case LossKind::CategoricalCrossentropy:
    case LossKind::SparseCategoricalCrossentropy:
      return ref_categorical(t, p, lp.from_logits, lp.label_smoothing);
    case LossKind::BinaryCrossentropy:
      return ref_binary(t, p, lp.from_logits, lp.label_smoothing);
    case LossKind::MeanSquaredError:
      return mean(map2(t, p, [](double y, double x) { return (y - x) * (y - x); }));
    case LossKind::MeanAbsoluteError:
      return mean(map2(t, p, [](double y, double x) { return std::fabs(y - x); }));
    case LossKind::MeanAbsolutePercentageError:
      return 100 *
             mean(map2(t, p, [](double y, double x) { return std::fabs((y - x) / std::max(std::fabs(y), kEps)); }));
    case LossKind::MeanSquaredLogarithmicError:
      return mean(map2(t, p, [](double y, double x) {
        double d = std::log(std::max(x, kEps) + 1) - std::log(std::max(y, kEps) + 1);
        return d * d;
      }));
    case LossKind::Huber:
      return mean(map2(t, p, [&](double y, double x) {
        double e = std::fabs(x - y), d = lp.delta;
        return e <= d ? 0.5 * e * e : d * e - 0.5 * d * d;
      }));
    case LossKind::LogCosh:
      return mean(map2(t, p, [](double y, double x) { return std::log(std::cosh(x - y)); }));
    case LossKind::KLDivergence: {
      double s = 0;
      for (size_t i = 0; i < t.size(); ++i) {
        double a = clip(t[i], kEps, 1), b = clip(p[i], kEps, 1);
        s += a * std::log(a / b);
      }
      return s;
    }
    case LossKind::Poisson:
      return mean(map2(t, p, [](double y, double x) { return x - y * std::log(x + kEps); }));
    case LossKind::Hinge:
    case LossKind::SquaredHinge:
      return mean(map2(t, p, [&](double y, double x) {
        double m = std::max(1 - (batch_binary ? 2 * y - 1 : y) * x, 0.0);
        return kind == LossKind::Hinge ? m : m * m;
      }));
    case LossKind::CategoricalHinge: {
      double pos = 0, neg = -1e300;
      for (size_t i = 0; i < t.size(); ++i) pos += t[i] * p[i], neg = std::max(neg, (1 - t[i]) * p[i]);
      return std::max(neg - pos + 1, 0.0);
    }
    case LossKind::CosineSimilarity: {
      double tt = 0, pp = 0, tp = 0;
      for (size_t i = 0; i < t.size(); ++i) tt += t[i] * t[i], pp += p[i] * p[i], tp += t[i] * p[i];
      return -tp / (std::max(std::sqrt(tt), kEps) * std::max(std::sqrt(pp), kEps));
    }
  }
  return NAN;
}

// ---- Hand-built batches: 3 rows x 4 columns ----
const std::vector<float> kProbs{0.2f, 0.5f,  0.1f,  0.4f,  0.7f, 0.15f,
                                0.3f, 0.25f, 0.05f, 0.35f, 0.6f, 0.2f};  // rows sum to 1.2, 1.4, 1.2
const std::vector<float> kOneHot{0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1};
const std::vector<int32_t> kLabels{1, 0, 3};
const std::vector<float> kSoft{0.1f, 0.6f, 0.2f, 0.1f, 0.25f, 0.25f, 0.25f, 0.25f, 0.0f, 0.3f, 0.3f, 0.4f};
const std::vector<float> kBinary{0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0};
const std::vector<float> kLogits{1.5f, -0.3f, 0.8f, -2.0f, 0.1f, 2.2f, -1.1f, 0.4f, -0.7f, 0.3f, 1.9f, -0.2f};
const std::vector<float> kSigns{-1, 1, 1, -1, 1, -1, -1, 1, 1, 1, -1, -1};
const std::vector<float> kTargets{0.5f, -1.2f, 2.0f, 0.3f, -0.4f, 1.1f, 0.7f, 0.8f, 1.5f, -0.6f, 0.9f, -2.1f};
// kTargets + these offsets: every |error| is at least 0.15 and 0.05 away from Huber's deltas 0.5 and 1.
const std::vector<float> kOffsets{0.3f, -0.7f, 1.6f, -0.2f, 2.5f, -0.45f, 0.35f, -1.3f, -0.15f, 0.9f, -2.2f, 0.6f};
const std::vector<float> kCounts{0, 1, 2, 0, 3, 1, 0, 2, 1, 0, 4, 1};

std::vector<float> regression_predictions() {
  std::vector<float> p(kTargets.size());
  for (size_t i = 0; i < p.size(); ++i) p[i] = kTargets[i] + kOffsets[i];
  return p;
}
std::vector<float> scaled(std::vector<float> v, float s) {
  for (float& x : v) x *= s;
  return v;
}

struct Case {
  std::string what;
  LossKind kind;
  LossParams params;
  std::vector<float> t, p;
};

LossParams with(bool from_logits, float label_smoothing = 0, float delta = 1) {
  LossParams p;
  p.from_logits = from_logits, p.label_smoothing = label_smoothing, p.delta = delta;
  return p;
}

// Every loss and option, on inputs away from clipping bounds and kinks (so that finite differences apply).
std::vector<Case> cases() {
  using K = LossKind;
  const auto reg = regression_predictions();
  return {
      {"categorical_crossentropy", K::CategoricalCrossentropy, with(false), kOneHot, kProbs},
      {"categorical_crossentropy soft targets", K::CategoricalCrossentropy, with(false), kSoft, kProbs},
      {"categorical_crossentropy label_smoothing", K::CategoricalCrossentropy, with(false, 0.1f), kOneHot, kProbs},
      {"categorical_crossentropy from_logits", K::CategoricalCrossentropy, with(true), kOneHot, kLogits},
      {"categorical_crossentropy from_logits label_smoothing", K::CategoricalCrossentropy, with(true, 0.2f), kSoft,
       kLogits},
      {"sparse_categorical_crossentropy", K::SparseCategoricalCrossentropy, with(false), kOneHot, kProbs},
      {"sparse_categorical_crossentropy from_logits", K::SparseCategoricalCrossentropy, with(true), kOneHot, kLogits},
      {"binary_crossentropy", K::BinaryCrossentropy, with(false), kBinary, kProbs},
      {"binary_crossentropy soft targets", K::BinaryCrossentropy, with(false), kSoft, kProbs},
      {"binary_crossentropy label_smoothing", K::BinaryCrossentropy, with(false, 0.2f), kBinary, kProbs},
      {"binary_crossentropy from_logits", K::BinaryCrossentropy, with(true), kBinary, kLogits},
      {"binary_crossentropy from_logits label_smoothing", K::BinaryCrossentropy, with(true, 0.1f), kBinary, kLogits},
      {"mean_squared_error", K::MeanSquaredError, with(false), kTargets, reg},
      {"mean_absolute_error", K::MeanAbsoluteError, with(false), kTargets, reg},
      {"mean_absolute_percentage_error", K::MeanAbsolutePercentageError, with(false), kTargets, reg},
      {"mean_squared_logarithmic_error", K::MeanSquaredLogarithmicError, with(false), kTargets, reg},
      {"huber", K::Huber, with(false), kTargets, reg},
      {"huber delta=0.5", K::Huber, with(false, 0, 0.5f), kTargets, reg},
      {"huber delta=2", K::Huber, with(false, 0, 2.0f), kTargets, reg},
      {"log_cosh", K::LogCosh, with(false), kTargets, reg},
      {"kl_divergence", K::KLDivergence, with(false), kSoft, kProbs},
      {"poisson", K::Poisson, with(false), kCounts, scaled(kProbs, 3)},
      {"hinge", K::Hinge, with(false), kBinary, kLogits},
      {"hinge -1/1 targets", K::Hinge, with(false), kSigns, kLogits},
      {"squared_hinge", K::SquaredHinge, with(false), kBinary, kLogits},
      {"categorical_hinge", K::CategoricalHinge, with(false), kOneHot, kLogits},
      {"cosine_similarity", K::CosineSimilarity, with(false), kTargets, reg},
  };
}

struct Output {
  std::vector<float> loss, grad;
};

// Runs the backend op; dy_pred starts at `prefill` to check that the op accumulates.
Output run(const Case& c, const std::vector<float>* weights = nullptr, float grad_scale = 1.0f, float prefill = 0.0f,
           int64_t cols = 4) {
  const int64_t rows = static_cast<int64_t>(c.p.size()) / cols;
  Output out{std::vector<float>(static_cast<size_t>(rows)), std::vector<float>(c.p.size(), prefill)};
  const bool sparse = c.kind == LossKind::SparseCategoricalCrossentropy;
  cpu_backend().loss(c.kind, c.params, sparse ? nullptr : c.t.data(), sparse ? kLabels.data() : nullptr, c.p.data(),
                     weights ? weights->data() : nullptr, out.loss.data(), out.grad.data(), grad_scale, rows, cols);
  return out;
}

double relative_error(double a, double b) { return std::fabs(a - b) / std::max({1.0, std::fabs(a), std::fabs(b)}); }

}  // namespace

class TestLosses : public QObject {
  Q_OBJECT
 private slots:
  void values_match_keras_formulas() {
    for (const Case& c : cases()) {
      Output out = run(c);
      Vec all_t(c.t.begin(), c.t.end());
      for (size_t r = 0; r < 3; ++r) {
        Vec t(c.t.begin() + static_cast<long>(4 * r), c.t.begin() + static_cast<long>(4 * r + 4));
        Vec p(c.p.begin() + static_cast<long>(4 * r), c.p.begin() + static_cast<long>(4 * r + 4));
        if (c.kind == LossKind::SparseCategoricalCrossentropy) t = Vec(4, 0.0), t[static_cast<size_t>(kLabels[r])] = 1;
        double expected = reference(c.kind, c.params, t, p, all_binary(all_t));
        QVERIFY2(relative_error(out.loss[r], expected) < 1e-6,
                 (c.what + " row " + std::to_string(r) + ": " + std::to_string(out.loss[r]) + " vs " +
                  std::to_string(expected))
                     .c_str());
      }
    }
  }

  // Values printed in Keras's docstrings (keras/src/losses/losses.py).
  void keras_docstring_examples() {
    auto rows_of = [](LossKind kind, LossParams p, std::vector<float> t, std::vector<float> x, int64_t cols) {
      return run({"", kind, p, t, x}, nullptr, 1.0f, 0.0f, cols).loss;
    };
    auto cce = rows_of(LossKind::CategoricalCrossentropy, with(false), {0, 1, 0, 0, 0, 1},
                       {0.05f, 0.95f, 0, 0.1f, 0.8f, 0.1f}, 3);
    QVERIFY(std::fabs(cce[0] - 0.0513f) < 1e-4 && std::fabs(cce[1] - 2.3026f) < 1e-4);
    auto bce = rows_of(LossKind::BinaryCrossentropy, with(false), {0, 1, 0, 0}, {0.6f, 0.4f, 0.4f, 0.6f}, 2);
    QVERIFY(std::fabs(bce[0] - 0.9163f) < 1e-4 && std::fabs(bce[1] - 0.7136f) < 1e-4);
    auto bce_logits =
        rows_of(LossKind::BinaryCrossentropy, with(true), {0, 1, 0, 0}, {-18.6f, 0.51f, 2.94f, -12.8f}, 4);
    QVERIFY(std::fabs(bce_logits[0] - 0.8654f) < 1e-4);
    // Large logits stay finite (the stable form): log(1 + e^100) ~ 100 for a 0 target.
    auto big = rows_of(LossKind::BinaryCrossentropy, with(true), {0, 1}, {100.0f, 100.0f}, 1);
    QVERIFY(std::fabs(big[0] - 100.0f) < 1e-3 && std::fabs(big[1]) < 1e-6);
    auto logcosh = rows_of(LossKind::LogCosh, with(false), {0, 0}, {100.0f, 0.0f}, 1);
    QVERIFY(std::fabs(logcosh[0] - (100.0f - std::log(2.0f))) < 1e-3 && logcosh[1] == 0.0f);
  }

  void gradients_match_finite_differences() {
    const std::vector<float> weights{1.5f, 0.5f, 2.0f};
    const float grad_scale = 0.25f, prefill = 0.125f, h = 1e-3f;
    for (const Case& c : cases()) {
      Output out = run(c, &weights, grad_scale, prefill);
      for (size_t i = 0; i < c.p.size(); ++i) {
        Case moved = c;
        moved.p[i] = c.p[i] + h;
        float up_x = moved.p[i];
        double up = 0, down = 0;
        for (float v : run(moved, &weights).loss) up += v;
        moved.p[i] = c.p[i] - h;
        float down_x = moved.p[i];
        for (float v : run(moved, &weights).loss) down += v;
        double numeric = grad_scale * (up - down) / (static_cast<double>(up_x) - down_x);
        double analytic = static_cast<double>(out.grad[i]) - prefill;
        // Float row losses leave ~1e-5 of noise in the differences; a wrong derivative is off by far more.
        QVERIFY2(std::fabs(analytic - numeric) <= 1e-4 + 2e-3 * std::max(std::fabs(analytic), std::fabs(numeric)),
                 (c.what + " d/dp[" + std::to_string(i) + "]: analytic " + std::to_string(analytic) + " vs numeric " +
                  std::to_string(numeric))
                     .c_str());
      }
    }
  }

  void clipped_predictions_get_zero_gradient() {
    auto grad_of = [](LossKind kind, float t, float p) {
      return run({"", kind, with(false), {t}, {p}}, nullptr, 1.0f, 0.0f, 1).grad[0];
    };
    QCOMPARE(grad_of(LossKind::BinaryCrossentropy, 1, 0.0f), 0.0f);               // below epsilon
    QCOMPARE(grad_of(LossKind::BinaryCrossentropy, 0, 1.0f), 0.0f);               // above 1 - epsilon
    QCOMPARE(grad_of(LossKind::KLDivergence, 0.5f, 1.5f), 0.0f);                  // above 1
    QCOMPARE(grad_of(LossKind::MeanSquaredLogarithmicError, 0.5f, -0.5f), 0.0f);  // below epsilon
    // A zero target divides by epsilon in mean_absolute_percentage_error.
    auto mape = run({"", LossKind::MeanAbsolutePercentageError, with(false), {0}, {0.35f}}, nullptr, 1, 0, 1);
    QVERIFY(std::fabs(mape.loss[0] / 3.5e8 - 1) < 1e-6);
    // The clipped value itself: -log(epsilon) for a confident wrong binary prediction.
    auto out = run({"", LossKind::BinaryCrossentropy, with(false), {1}, {0.0f}}, nullptr, 1.0f, 0.0f, 1);
    QVERIFY(std::fabs(out.loss[0] - static_cast<float>(-std::log(kEps))) < 1e-3);
    // Keras clips in float32, where 1 - epsilon is 1 - 1.19e-7: a confident wrong "1" costs 15.94.
    auto high = run({"", LossKind::BinaryCrossentropy, with(false), {0}, {1.0f}}, nullptr, 1.0f, 0.0f, 1);
    QVERIFY(std::fabs(high.loss[0] - static_cast<float>(-std::log(1.1920929e-7))) < 1e-3);
    // Categorical: a zero probability is clipped, the others still get the normalisation's gradient.
    auto cce =
        run({"", LossKind::CategoricalCrossentropy, with(false), {0, 1, 0}, {0.0f, 0.5f, 0.5f}}, nullptr, 1, 0, 3);
    QVERIFY(std::fabs(cce.loss[0] - std::log(2.0f)) < 1e-6);
    // a = dL/dq = (0, -2, 0); dL/dp_k = (a_k - sum a q) / sum(p) = (1, -1, 1)
    QVERIFY(std::fabs(cce.grad[0] - 1) < 1e-5 && std::fabs(cce.grad[1] + 1) < 1e-5 &&
            std::fabs(cce.grad[2] - 1) < 1e-5);
  }

  void sample_weights_scale_rows() {
    Case c = cases()[0];
    Output plain = run(c);
    const std::vector<float> weights{2.0f, 0.0f, 0.5f};
    Output weighted = run(c, &weights, 0.5f);
    for (size_t r = 0; r < 3; ++r) {
      QVERIFY(std::fabs(weighted.loss[r] - weights[r] * plain.loss[r]) < 1e-6);
      for (size_t j = 4 * r; j < 4 * r + 4; ++j)
        QVERIFY(std::fabs(weighted.grad[j] - 0.5f * weights[r] * plain.grad[j]) < 1e-6);
    }
  }

  void hinge_converts_binary_labels_per_batch() {
    // 0/1 targets become -1/1: target 0 with prediction 0.5 costs 1.5.
    auto a = run({"", LossKind::Hinge, with(false), {0, 1}, {0.5f, 0.5f}}, nullptr, 1, 0, 1).loss;
    QVERIFY(std::fabs(a[0] - 1.5f) < 1e-6 && std::fabs(a[1] - 0.5f) < 1e-6);
    // A batch holding another value is left as it is: target 0 then costs 1.
    auto b = run({"", LossKind::Hinge, with(false), {0, 2}, {0.5f, 0.5f}}, nullptr, 1, 0, 1).loss;
    QVERIFY(std::fabs(b[0] - 1.0f) < 1e-6 && std::fabs(b[1] - 0.0f) < 1e-6);
    auto s = run({"", LossKind::SquaredHinge, with(false), {0, 1}, {0.5f, 0.5f}}, nullptr, 1, 0, 1).loss;
    QVERIFY(std::fabs(s[0] - 2.25f) < 1e-6 && std::fabs(s[1] - 0.25f) < 1e-6);
  }

  void cosine_of_a_zero_vector_is_zero() {
    auto out = run({"", LossKind::CosineSimilarity, with(false), {1, 2, 0, 0}, {0, 0, 3, 4}}, nullptr, 1, 0, 2);
    QVERIFY(std::fabs(out.loss[0]) < 1e-7 && std::fabs(out.loss[1]) < 1e-7);
    // Below epsilon the norm is the constant epsilon: d/dp = -t / (|t| * epsilon), finite.
    QVERIFY(std::fabs(out.grad[0] - static_cast<float>(-1 / (std::sqrt(5.0) * kEps))) < 1.0f);
    QVERIFY(std::fabs(out.grad[2]) < 1e-7 && std::fabs(out.grad[3]) < 1e-7);
  }

  void sparse_label_out_of_range_is_an_error() {
    std::vector<float> p(6, 0.5f), loss(2), grad(6);
    for (int32_t bad : {3, -1}) {
      std::vector<int32_t> labels{0, bad};
      try {
        cpu_backend().loss(LossKind::SparseCategoricalCrossentropy, {}, nullptr, labels.data(), p.data(), nullptr,
                           loss.data(), grad.data(), 1.0f, 2, 3);
        QFAIL("no error for an out-of-range label");
      } catch (const ValueError& e) {
        QString what(e.what());
        QVERIFY2(what.contains("label value of " + QString::number(bad)) && what.contains("[0, 3)"), e.what());
      }
    }
  }

  void registry_knows_keras_names_and_aliases() {
    const std::vector<std::pair<std::string, LossKind>> names{
        {"categorical_crossentropy", LossKind::CategoricalCrossentropy},
        {"CategoricalCrossentropy", LossKind::CategoricalCrossentropy},
        {"sparse_categorical_crossentropy", LossKind::SparseCategoricalCrossentropy},
        {"binary_crossentropy", LossKind::BinaryCrossentropy},
        {"bce", LossKind::BinaryCrossentropy},
        {"mse", LossKind::MeanSquaredError},
        {"MSE", LossKind::MeanSquaredError},
        {"MeanSquaredError", LossKind::MeanSquaredError},
        {"mae", LossKind::MeanAbsoluteError},
        {"mape", LossKind::MeanAbsolutePercentageError},
        {"msle", LossKind::MeanSquaredLogarithmicError},
        {"huber", LossKind::Huber},
        {"huber_loss", LossKind::Huber},
        {"log_cosh", LossKind::LogCosh},
        {"logcosh", LossKind::LogCosh},
        {"LogCosh", LossKind::LogCosh},
        {"kl_divergence", LossKind::KLDivergence},
        {"KLDivergence", LossKind::KLDivergence},
        {"kld", LossKind::KLDivergence},
        {"kullback_leibler_divergence", LossKind::KLDivergence},
        {"poisson", LossKind::Poisson},
        {"hinge", LossKind::Hinge},
        {"squared_hinge", LossKind::SquaredHinge},
        {"categorical_hinge", LossKind::CategoricalHinge},
        {"cosine_similarity", LossKind::CosineSimilarity},
    };
    for (const auto& [name, kind] : names) {
      LossPtr loss = make_loss(name);
      QVERIFY2(loss->kind == kind, name.c_str());
    }
    for (const auto& e : loss_registry().entries()) {
      QVERIFY2(!e.doc.empty() && !e.keras_class.empty(), e.name.c_str());
      QCOMPARE(make_loss(e.name)->name, e.name);
    }
    QVERIFY(make_loss("sparse_categorical_crossentropy")->sparse_labels());
    QVERIFY(!make_loss("categorical_crossentropy")->sparse_labels());
  }

  void registry_reads_keras_configs() {
    LossPtr huber =
        make_loss(Config{{"class_name", "Huber"},
                         {"config", {{"delta", 2.0}, {"name", "huber_loss"}, {"reduction", "sum_over_batch_size"}}}});
    QCOMPARE(huber->kind, LossKind::Huber);
    QCOMPARE(huber->params.delta, 2.0f);
    LossPtr cce = make_loss(Config{{"class_name", "CategoricalCrossentropy"},
                                   {"config", {{"from_logits", true}, {"label_smoothing", 0.1}, {"axis", -1}}}});
    QVERIFY(cce->params.from_logits);
    QCOMPARE(cce->params.label_smoothing, 0.1f);
    QCOMPARE(cce->config["label_smoothing"].get<double>(), 0.1);
    LossPtr bce = make_loss("binary_crossentropy");
    QVERIFY(!bce->params.from_logits && bce->params.label_smoothing == 0.0f);
    QCOMPARE(make_loss("huber")->params.delta, 1.0f);

    auto expect_error = [](const Config& v, const char* needle) {
      try {
        make_loss(v);
        QFAIL(("no error for " + v.dump()).c_str());
      } catch (const ValueError& e) {
        QVERIFY2(QString(e.what()).contains(needle), e.what());
      }
    };
    expect_error(Config{{"class_name", "CategoricalCrossentropy"}, {"config", {{"axis", 1}}}}, "axis=-1");
    expect_error(Config{{"class_name", "SparseCategoricalCrossentropy"}, {"config", {{"ignore_class", 255}}}},
                 "ignore_class");
    expect_error(Config{{"class_name", "BinaryCrossentropy"}, {"config", {{"label_smoothing", 1.5}}}}, "at most 1");
    expect_error(Config{{"class_name", "Huber"}, {"config", {{"delt", 1.0}}}}, "Did you mean 'delta'");
    expect_error("mean_squared_eror", "mean_squared_error");
  }
};

QTEST_APPLESS_MAIN(TestLosses)
#include "test_losses.moc"
