// Metrics: values on small batches against hand-computed ones, weighted accumulation over batches equal to
// one pass over their concatenation, reset, names and "accuracy" resolution as Keras 3 does it, AUC on
// cases with known exact areas, and the errors for unsupported options.
#include <QtTest>
#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "losses/loss.h"
#include "metrics/metric.h"

using namespace cornu;

namespace {

using Floats = std::vector<float>;
using Labels = std::vector<int32_t>;

// Feeds one batch (dense targets, or labels when t is empty) and returns the result.
double update(Metric& m, const Floats& t, const Floats& p, int64_t cols, const Floats& w = {},
              const Labels& labels = {}) {
  const int64_t rows = static_cast<int64_t>(p.size()) / cols;
  m.update(t.empty() ? nullptr : t.data(), labels.empty() ? nullptr : labels.data(), p.data(),
           w.empty() ? nullptr : w.data(), rows, cols);
  return m.result();
}
double eval(const Config& metric, const Floats& t, const Floats& p, int64_t cols, const Floats& w = {},
            const Labels& labels = {}, const Loss* loss = nullptr) {
  MetricPtr m = make_metric(metric, loss);
  return update(*m, t, p, cols, w, labels);
}
Config with(const std::string& class_name, Config config) { return {{"class_name", class_name}, {"config", config}}; }

bool close(double a, double b, double tol = 1e-6) { return std::fabs(a - b) <= tol; }
#define CHECK_CLOSE(a, b) QVERIFY2(close((a), (b)), (std::to_string(a) + " vs " + std::to_string(b)).c_str())

// Six samples of three classes: probabilities, one-hot targets, labels and weights for accumulation tests.
const Floats kP{0.6f, 0.3f,  0.1f,  0.2f, 0.5f, 0.3f, 0.1f, 0.2f, 0.7f,
                0.4f, 0.45f, 0.15f, 0.3f, 0.3f, 0.4f, 0.8f, 0.1f, 0.1f};
const Labels kY{0, 2, 2, 0, 1, 1};
const Floats kW{1.0f, 2.0f, 0.5f, 3.0f, 0.0f, 1.5f};
Floats one_hot(const Labels& y, int64_t cols) {
  Floats t(y.size() * static_cast<size_t>(cols), 0.0f);
  for (size_t r = 0; r < y.size(); ++r) t[r * static_cast<size_t>(cols) + static_cast<size_t>(y[r])] = 1.0f;
  return t;
}
Floats rows_of(const Floats& v, size_t first, size_t count, size_t cols = 1) {
  return Floats(v.begin() + static_cast<long>(first * cols), v.begin() + static_cast<long>((first + count) * cols));
}

}  // namespace

class TestMetrics : public QObject {
  Q_OBJECT
 private slots:
  void accuracies_on_hand_batches() {
    // binary_accuracy: prediction > 0.5 counts as 1 (0.5 itself is 0).
    CHECK_CLOSE(eval("binary_accuracy", {1, 0, 1, 0}, {0.7f, 0.5f, 0.4f, 0.2f}, 1), 0.75);
    CHECK_CLOSE(eval(with("BinaryAccuracy", {{"threshold", 0.45}}), {1, 0, 1, 0}, {0.7f, 0.5f, 0.4f, 0.2f}, 1), 0.5);
    // Several columns: averaged per sample first (0.5 and 1), then weighted 3 : 1.
    CHECK_CLOSE(eval("binary_accuracy", {1, 0, 0, 0}, {0.9f, 0.8f, 0.1f, 0.2f}, 2), 0.75);
    CHECK_CLOSE(eval("binary_accuracy", {1, 0, 0, 0}, {0.9f, 0.8f, 0.1f, 0.2f}, 2, {3, 1}), 0.625);
    // Accuracy: exact equality.
    CHECK_CLOSE(eval(with("Accuracy", Config::object()), {1, 2, 3, 4}, {1, 2, 0, 4}, 1), 0.75);
    // categorical_accuracy: argmax, the first of tied maxima winning (row 2 is a miss).
    CHECK_CLOSE(eval("categorical_accuracy", {0, 1, 0, 0, 1, 0, 1, 0, 0},
                     {0.1f, 0.7f, 0.2f, 0.4f, 0.4f, 0.2f, 0.5f, 0.3f, 0.2f}, 3),
                2.0 / 3);
    CHECK_CLOSE(eval("sparse_categorical_accuracy", {}, {0.1f, 0.7f, 0.2f, 0.4f, 0.4f, 0.2f, 0.5f, 0.3f, 0.2f}, 3, {},
                     {1, 1, 2}),
                1.0 / 3);
    // top-k: the target counts when fewer than k scores are strictly larger (ties favour the target).
    const Floats p{0.5f, 0.2f, 0.2f, 0.1f, 0.5f, 0.2f, 0.2f, 0.1f, 0.4f, 0.4f, 0.1f, 0.1f};
    CHECK_CLOSE(eval(with("TopKCategoricalAccuracy", {{"k", 2}}), {0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 0}, p, 4), 2.0 / 3);
    CHECK_CLOSE(eval(with("SparseTopKCategoricalAccuracy", {{"k", 1}}), {}, p, 4, {}, {2, 0, 1}), 2.0 / 3);
    CHECK_CLOSE(eval("sparse_top_k_categorical_accuracy", {}, p, 4, {}, {3, 3, 3}), 1.0);  // k = 5 > 4 classes
    // from_sorted_ids: predictions are class ids, best first.
    CHECK_CLOSE(eval(with("SparseTopKCategoricalAccuracy", {{"k", 2}, {"from_sorted_ids", true}}), {},
                     {2, 0, 1, 1, 0, 2}, 3, {}, {0, 2}),
                0.5);
  }

  void regression_and_probabilistic_metrics() {
    // Rows (1, 2) vs (1.5, 2): squared errors mean 0.125; rows (3, 4) vs (2, 4): 0.5.
    const Floats t{1, 2, 3, 4}, p{1.5f, 2, 2, 4};
    CHECK_CLOSE(eval("mean_squared_error", t, p, 2), 0.3125);
    CHECK_CLOSE(eval("mse", t, p, 2, {1, 3}), (0.125 + 1.5) / 4);
    CHECK_CLOSE(eval("root_mean_squared_error", t, p, 2, {1, 3}), std::sqrt((0.125 + 1.5) / 4));
    CHECK_CLOSE(eval("mae", t, p, 2), 0.375);
    CHECK_CLOSE(eval("mape", t, p, 2), 100 * (0.25 + (1.0 / 3 + 0) / 2) / 2);
    CHECK_CLOSE(eval("msle", {0, 0}, {1, 3}, 1), (std::pow(std::log(2.0), 2) + std::pow(std::log(4.0), 2)) / 2);
    CHECK_CLOSE(eval("cosine_similarity", {1, 0}, {1, 1}, 2), 1 / std::sqrt(2.0));  // positive, unlike the loss
    CHECK_CLOSE(eval("log_cosh_error", {0}, {1}, 1), std::log(std::cosh(1.0)));
    CHECK_CLOSE(eval("kl_divergence", {0.5f, 0.5f}, {0.25f, 0.75f}, 2), 0.5 * std::log(2.0) + 0.5 * std::log(2.0 / 3));
    CHECK_CLOSE(eval("poisson", {2}, {1}, 1), 1 - 2 * std::log(1 + 1e-7));
    CHECK_CLOSE(eval("hinge", {1, 0}, {0.25f, 0.5f}, 1), (0.75 + 1.5) / 2);
    CHECK_CLOSE(eval("squared_hinge", {1, 0}, {0.25f, 0.5f}, 1), (0.5625 + 2.25) / 2);
    CHECK_CLOSE(eval("categorical_hinge", {0, 1}, {0.3f, 0.6f}, 2), 0.7);
    // Crossentropies, averaged over samples.
    const double ce = (-std::log(0.8) - std::log(0.6)) / 2;
    CHECK_CLOSE(eval("binary_crossentropy", {1, 0}, {0.8f, 0.4f}, 1), ce);
    CHECK_CLOSE(eval("categorical_crossentropy", {1, 0, 0, 1}, {0.8f, 0.2f, 0.4f, 0.6f}, 2), ce);
    CHECK_CLOSE(eval("sparse_categorical_crossentropy", {}, {0.8f, 0.2f, 0.4f, 0.6f}, 2, {}, {0, 1}), ce);
    CHECK_CLOSE(eval(with("CategoricalCrossentropy", {{"from_logits", true}}), {1, 0}, {0, 0}, 2), std::log(2.0));
    CHECK_CLOSE(eval(with("BinaryCrossentropy", {{"label_smoothing", 0.5}}), {1}, {0.5f}, 1), std::log(2.0));
  }

  void precision_and_recall() {
    const Floats t{1, 0, 1, 1, 0}, p{0.9f, 0.6f, 0.4f, 0.3f, 0.5f};
    CHECK_CLOSE(eval("precision", t, p, 1), 0.5);   // 0.9 right, 0.6 wrong; 0.5 is not above 0.5
    CHECK_CLOSE(eval("recall", t, p, 1), 1.0 / 3);  // 0.4 and 0.3 missed
    CHECK_CLOSE(eval(with("Precision", {{"thresholds", 0.35}}), t, p, 1), 2.0 / 4);
    CHECK_CLOSE(eval(with("Recall", {{"thresholds", {0.35}}}), t, p, 1), 2.0 / 3);
    CHECK_CLOSE(eval("precision", t, p, 1, {1, 3, 1, 1, 1}), 0.25);  // the false positive weighs 3
    CHECK_CLOSE(eval("precision", {0, 0}, {0.1f, 0.2f}, 1), 0.0);    // no positive prediction: 0, not NaN
    // class_id keeps one column; otherwise every element is one prediction.
    const Floats t2{1, 0, 0, 1, 1, 1}, p2{0.9f, 0.8f, 0.2f, 0.7f, 0.3f, 0.6f};
    CHECK_CLOSE(eval(with("Recall", {{"class_id", 1}}), t2, p2, 2), 1.0);
    CHECK_CLOSE(eval(with("Recall", {{"class_id", 0}}), t2, p2, 2), 0.5);
    CHECK_CLOSE(eval("recall", t2, p2, 2), 0.75);
    CHECK_CLOSE(eval("precision", t2, p2, 2), 0.75);
  }

  void auc_known_values() {
    // Perfectly separable: both curves have area 1.
    const Floats t{0, 0, 1, 1}, separable{0.1f, 0.2f, 0.8f, 0.9f};
    QCOMPARE(eval("auc", t, separable, 1), 1.0);
    CHECK_CLOSE(eval(with("AUC", {{"curve", "PR"}}), t, separable, 1), 1.0);
    // scikit-learn's roc_auc_score example: 3 of the 4 positive-negative pairs are ordered right.
    const Floats p{0.1f, 0.4f, 0.35f, 0.8f};
    CHECK_CLOSE(eval("auc", t, p, 1), 0.75);
    CHECK_CLOSE(eval(with("AUC", {{"summation_method", "minoring"}}), t, p, 1), 0.75);
    // Weighted pairs: the negative at 0.4 weighs 2, so 4 of 6 pair weights are ordered right.
    CHECK_CLOSE(eval("auc", t, p, 1, {1, 2, 1, 1}), 4.0 / 6);
    // Logits give the same curve.
    Floats logits;
    for (float x : p) logits.push_back(std::log(x / (1 - x)));
    CHECK_CLOSE(eval(with("AUC", {{"from_logits", true}}), t, logits, 1), 0.75);
    // A tie in one bucket: the ROC jumps from (1, 1) to (0, 0); trapezoid 0.5, lower 0, upper 1.
    CHECK_CLOSE(eval("auc", {0, 1}, {0.5f, 0.5f}, 1), 0.5);
    CHECK_CLOSE(eval(with("AUC", {{"summation_method", "minoring"}}), {0, 1}, {0.5f, 0.5f}, 1), 0.0);
    CHECK_CLOSE(eval(with("AUC", {{"summation_method", "majoring"}}), {0, 1}, {0.5f, 0.5f}, 1), 1.0);
    // PR with Keras's interpolation, by hand for targets (1, 0, 1) scored (0.9, 0.6, 0.3). From low to high
    // thresholds (TP, P = TP + FP): (2, 3) -> (1, 2) -> (1, 1) -> (0, 0), positives 2:
    //   (2,3)->(1,2): slope 1, intercept -1: (1 - log(3/2)) / 2;  (1,2)->(1,1): 0;  (1,1)->(0,0): 1 / 2.
    const Floats tp{1, 0, 1}, pp{0.9f, 0.6f, 0.3f};
    CHECK_CLOSE(eval(with("AUC", {{"curve", "PR"}}), tp, pp, 1), 1 - std::log(1.5) / 2);
    // The same points as (recall, precision): (1, 2/3), (1/2, 1/2), (1/2, 1), (0, 0).
    CHECK_CLOSE(eval(with("AUC", {{"curve", "PR"}, {"summation_method", "minoring"}}), tp, pp, 1), 0.25);
    CHECK_CLOSE(eval(with("AUC", {{"curve", "PR"}, {"summation_method", "majoring"}}), tp, pp, 1), 0.5 * 2 / 3 + 0.5);
    // Explicit uneven thresholds: the ROC through (1, 1), (1/2, 1/2) at 0.38, (0, 0).
    CHECK_CLOSE(eval(with("AUC", {{"thresholds", {0.38}}}), t, p, 1), 0.5);
    // Few evenly spaced thresholds: 0.35 and 0.4 share the bucket (0.25, 0.5], so that pair counts half.
    CHECK_CLOSE(eval(with("AUC", {{"num_thresholds", 5}}), t, p, 1), 0.875);
  }

  void weighted_batches_accumulate_like_one_batch() {
    const Floats t = one_hot(kY, 3);
    for (const char* name : {"accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
                             "top_k_categorical_accuracy", "precision", "recall", "auc", "mse", "mae",
                             "root_mean_squared_error", "categorical_crossentropy", "sparse_categorical_crossentropy",
                             "binary_crossentropy", "kl_divergence", "hinge", "cosine_similarity"}) {
      const bool sparse = QString(name).startsWith("sparse");
      auto feed = [&](Metric& m, size_t first, size_t count) {
        return update(m, sparse ? Floats{} : rows_of(t, first, count, 3), rows_of(kP, first, count, 3), 3,
                      rows_of(kW, first, count),
                      Labels(kY.begin() + static_cast<long>(first), kY.begin() + static_cast<long>(first + count)));
      };
      MetricPtr whole = make_metric(name), parts = make_metric(name);
      const double expected = feed(*whole, 0, 6);
      feed(*parts, 0, 2);
      const double accumulated = feed(*parts, 2, 4);
      QVERIFY2(close(accumulated, expected),
               (std::string(name) + ": " + std::to_string(accumulated) + " vs " + std::to_string(expected)).c_str());
      // reset() starts a new epoch: nothing of the old batches is left.
      parts->reset();
      QCOMPARE(parts->result(), 0.0);
      const double again = feed(*parts, 2, 4);
      MetricPtr fresh = make_metric(name);
      QVERIFY2(close(again, feed(*fresh, 2, 4)), name);
    }
  }

  void accuracy_follows_keras3_shape_rule() {
    // Scores (0.6, 0.4) against one-hot (0, 1): categorical 0; binary (elementwise) 0; sparse label 0: 1.
    const Floats p{0.6f, 0.4f, 0.3f, 0.7f};
    const Floats t{0, 1, 0, 1};
    LossPtr cce = make_loss("categorical_crossentropy"), scce = make_loss("sparse_categorical_crossentropy"),
            bce = make_loss("binary_crossentropy"), mse = make_loss("mse");
    MetricPtr a = make_metric("accuracy", cce.get());
    QCOMPARE(QString::fromStdString(a->name()), QString("accuracy"));
    CHECK_CLOSE(update(*a, t, p, 2), 0.5);
    MetricPtr acc = make_metric("acc", scce.get());
    QCOMPARE(QString::fromStdString(acc->name()), QString("acc"));
    CHECK_CLOSE(update(*acc, {}, p, 2, {}, {0, 0}), 0.5);
    // Keras 3 resolves "accuracy" by shapes even for binary_crossentropy: two columns -> categorical
    // (checked against Keras 3.15: a multi-label bce model logs CategoricalAccuracy); one column -> binary.
    MetricPtr b = make_metric("accuracy", bce.get());
    CHECK_CLOSE(update(*b, {1, 1, 0, 1}, p, 2), 1.0);
    CHECK_CLOSE(update(*make_metric("accuracy", bce.get()), {1, 0}, {0.7f, 0.6f}, 1), 0.5);
    // Other losses follow Keras 3's shape rule: one column -> binary, labels -> sparse, else categorical.
    CHECK_CLOSE(update(*make_metric("accuracy", mse.get()), {1, 0}, {0.7f, 0.6f}, 1), 0.5);
    CHECK_CLOSE(update(*make_metric("accuracy", mse.get()), {}, p, 2, {}, {0, 0}), 0.5);
    CHECK_CLOSE(update(*make_metric("accuracy"), {1, 0, 0, 1}, p, 2), 1.0);
    MetricPtr shaped = make_metric("Accuracy");
    QCOMPARE(QString::fromStdString(shaped->name()), QString("Accuracy"));
  }

  void names_follow_keras() {
    // Strings keep their spelling as the name (Keras 3's compile), configs their "name" or the class default.
    QCOMPARE(QString::fromStdString(make_metric("mse")->name()), QString("mse"));
    QCOMPARE(QString::fromStdString(make_metric("mean_squared_error")->name()), QString("mean_squared_error"));
    QCOMPARE(QString::fromStdString(
                 make_metric(with("MeanSquaredError", {{"name", "mse_2"}, {"dtype", "float32"}}))->name()),
             QString("mse_2"));
    QCOMPARE(QString::fromStdString(make_metric(with("AUC", Config::object()))->name()), QString("auc"));
    QCOMPARE(QString::fromStdString(make_metric(with("LogCoshError", Config::object()))->name()), QString("logcosh"));
    QCOMPARE(QString::fromStdString(make_metric(with("TopKCategoricalAccuracy", {{"k", 3}}))->name()),
             QString("top_k_categorical_accuracy"));
    MetricPtr auc = make_metric(with("AUC", {{"curve", "PR"}}));
    QCOMPARE(QString::fromStdString(auc->config["curve"].get<std::string>()), QString("PR"));
    QCOMPARE(auc->config["num_thresholds"].get<int>(), 200);
    for (const auto& e : metric_registry().entries())
      QVERIFY2(!e.doc.empty() && !e.keras_class.empty(), e.name.c_str());
  }

  void unsupported_uses_are_clear_errors() {
    auto expect_error = [](auto&& call, const char* needle) {
      try {
        call();
        QFAIL("no error");
      } catch (const ValueError& e) {
        QVERIFY2(QString(e.what()).contains(needle), e.what());
      }
    };
    expect_error([] { make_metric("acuracy"); }, "Did you mean");
    expect_error([] { make_metric(with("Precision", {{"top_k", 2}})); }, "top_k");
    expect_error([] { make_metric(with("Recall", {{"thresholds", {0.3, 0.6}}})); }, "one number");
    expect_error([] { make_metric(with("AUC", {{"multi_label", true}})); }, "multi_label");
    expect_error([] { make_metric(with("AUC", {{"curve", "ROCK"}})); }, "curve");
    expect_error([] { eval("sparse_categorical_accuracy", {0, 1}, {0.3f, 0.7f}, 2); }, "integer class indices");
    expect_error([] { eval("categorical_accuracy", {}, {0.3f, 0.7f}, 2, {}, {1}); }, "sparse_categorical_accuracy");
  }
};

QTEST_APPLESS_MAIN(TestMetrics)
#include "test_metrics.moc"
