// Regularizers (penalty and gradient, by hand and by finite differences) and weight constraints (on small
// matrices against hand-computed values), with their Keras names and defaults.
#include <QtTest>

#include <cmath>

#include "constraints/constraint.h"
#include "core/error.h"
#include "core/tensor.h"
#include "regularizers/regularizer.h"

using namespace cornu;

namespace {

void expect_near(const std::vector<float>& got, const std::vector<double>& want, double tol = 1e-6) {
  QCOMPARE(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    QVERIFY2(std::fabs(got[i] - want[i]) <= tol * std::max(1.0, std::fabs(want[i])),
             qPrintable(QString("element %1: %2 vs %3").arg(i).arg(got[i], 0, 'g', 9).arg(want[i], 0, 'g', 9)));
}

// Runs a constraint on a rows x cols matrix given row by row.
std::vector<float> constrained(const Config& c, std::vector<float> w, const Shape& shape) {
  Tensor t = Tensor::from_vector(shape, w);
  make_constraint(c)->apply(cpu_backend(), t);
  return t.to_vector();
}

}  // namespace

class TestRegularizersConstraints : public QObject {
  Q_OBJECT
 private slots:
  void regularizers_have_keras_defaults() {
    auto l1 = make_regularizer("l1"), l2 = make_regularizer("L2"), both = make_regularizer("l1_l2");
    QCOMPARE(l1->l1, 0.01f);
    QCOMPARE(l1->l2, 0.0f);
    QCOMPARE(l2->l2, 0.01f);
    QCOMPARE(both->l1, 0.0f);  // Keras 3's L1L2 defaults both to 0
    QCOMPARE(both->l2, 0.0f);
    QCOMPARE(l1->config, (Config{{"l1", 0.01}}));
    QCOMPARE(make_regularizer({{"class_name", "L1L2"}, {"config", {{"l1", 0.1}, {"l2", 0.2}}}})->config,
             (Config{{"l1", 0.1}, {"l2", 0.2}}));
    QCOMPARE(make_regularizer({{"class_name", "L2"}, {"config", {{"l2", nullptr}}}})->l2, 0.01f);  // None: default
    QVERIFY(make_regularizer(nullptr) == nullptr);
    QVERIFY_THROWS_EXCEPTION(ValueError, make_regularizer({{"class_name", "L1"}, {"config", {{"l1", -0.1}}}}));
    QVERIFY_THROWS_EXCEPTION(ValueError, make_regularizer({{"class_name", "L1"}, {"config", {{"l2", 0.1}}}}));
  }

  void penalty_and_gradient_by_hand() {
    auto r = make_regularizer({{"class_name", "L1L2"}, {"config", {{"l1", 0.1}, {"l2", 0.2}}}});
    std::vector<float> w{1.0f, -2.0f, 0.0f, 3.0f};
    // 0.1 * (1 + 2 + 0 + 3) + 0.2 * (1 + 4 + 0 + 9)
    QVERIFY(std::fabs(r->penalty(cpu_backend(), w.data(), 4) - 3.4) < 1e-6);
    std::vector<float> g{1.0f, 1.0f, 1.0f, 1.0f};  // add_gradient accumulates
    r->add_gradient(cpu_backend(), w.data(), g.data(), 4);
    expect_near(g, {1 + 0.1 + 0.4, 1 - 0.1 - 0.8, 1.0, 1 + 0.1 + 1.2});
  }

  void gradient_matches_finite_differences() {
    auto r = make_regularizer({{"class_name", "L1L2"}, {"config", {{"l1", 0.03}, {"l2", 0.07}}}});
    std::vector<float> w{0.7f, -1.3f, 0.25f, -0.4f, 2.0f};
    std::vector<float> g(w.size(), 0.0f);
    r->add_gradient(cpu_backend(), w.data(), g.data(), int64_t(w.size()));
    const float h = 1e-2f;  // the weights stay away from 0, where |w| has its kink
    for (size_t i = 0; i < w.size(); ++i) {
      auto wp = w, wm = w;
      wp[i] += h;
      wm[i] -= h;
      double numeric = (r->penalty(cpu_backend(), wp.data(), 5) - r->penalty(cpu_backend(), wm.data(), 5)) / (2.0 * h);
      QVERIFY2(std::fabs(numeric - g[i]) < 1e-4, qPrintable(QString("%1 vs %2").arg(numeric).arg(g[i])));
    }
  }

  void max_norm_rescales_columns_above_the_limit() {
    // Columns (norms over axis 0): (3, 4, 0) has norm 5, (0.1, 0.2, -0.2) has norm 0.3.
    std::vector<float> w{3.0f, 0.1f, 4.0f, 0.2f, 0.0f, -0.2f};
    const double eps = 1e-7, big = 2.0 / (5 + eps), small = 0.3 / (0.3 + eps);
    expect_near(constrained("max_norm", w, Shape{3, 2}), {3 * big, 0.1 * small, 4 * big, 0.2 * small, 0, -0.2 * small});
    const double k = 1.0 / (5 + eps);
    expect_near(constrained({{"class_name", "MaxNorm"}, {"config", {{"max_value", 1.0}, {"axis", 0}}}}, w, Shape{3, 2}),
                {3 * k, 0.1 * small, 4 * k, 0.2 * small, 0, -0.2 * small});
  }

  void min_max_norm_moves_norms_by_rate() {
    std::vector<float> w{3.0f, 0.1f, 4.0f, 0.2f, 0.0f, -0.2f};
    // rate 0.5: desired = 0.5 * clip(norm, 0.5, 1) + 0.5 * norm -> 3 for norm 5, 0.4 for norm 0.3.
    Config c{{"class_name", "MinMaxNorm"}, {"config", {{"min_value", 0.5}, {"max_value", 1.0}, {"rate", 0.5}}}};
    const double eps = 1e-7, a = 3.0 / (5 + eps), b = 0.4 / (0.3 + eps);
    expect_near(constrained(c, w, Shape{3, 2}), {3 * a, 0.1 * b, 4 * a, 0.2 * b, 0, -0.2 * b});
    // Defaults (0, 1, rate 1): the first column goes to norm 1, the second (0.3) stays.
    const double d = 1.0 / (5 + eps), s = 0.3 / (0.3 + eps);
    expect_near(constrained("min_max_norm", w, Shape{3, 2}), {3 * d, 0.1 * s, 4 * d, 0.2 * s, 0, -0.2 * s});
  }

  void unit_norm_and_non_neg() {
    std::vector<float> w{3.0f, 0.1f, 4.0f, 0.2f, 0.0f, -0.2f};
    const double eps = 1e-7, a = 1 / (5 + eps), b = 1 / (0.3 + eps);
    expect_near(constrained("unit_norm", w, Shape{3, 2}), {3 * a, 0.1 * b, 4 * a, 0.2 * b, 0, -0.2 * b});
    expect_near(constrained("NonNeg", w, Shape{3, 2}), {3, 0.1, 4, 0.2, 0, 0});
  }

  void kernels_norm_over_all_axes_but_the_last() {
    // A (2, 1, 2, 2) conv kernel: output channel 0 holds 1, 2, 2, 4 (norm 5), channel 1 holds zeros.
    std::vector<float> w{1, 0, 2, 0, 2, 0, 4, 0};
    const double k = 1 / (5 + 1e-7);
    expect_near(constrained({{"class_name", "UnitNorm"}, {"config", {{"axis", {0, 1, 2}}}}}, w, Shape{2, 1, 2, 2}),
                {k, 0, 2 * k, 0, 2 * k, 0, 4 * k, 0});
  }

  void constraint_configs_follow_keras() {
    auto m = make_constraint("max_norm");
    QCOMPARE(m->config, (Config{{"max_value", 2}, {"axis", 0}}));
    QCOMPARE(make_constraint("min_max_norm")->config,
             (Config{{"min_value", 0.0}, {"max_value", 1.0}, {"rate", 1.0}, {"axis", 0}}));
    QCOMPARE(make_constraint("non_neg")->config, Config::object());
    QVERIFY(make_constraint(nullptr) == nullptr);
    QVERIFY_THROWS_EXCEPTION(ValueError, make_constraint({{"class_name", "MaxNorm"}, {"config", {{"axis", 1}}}}));
    QVERIFY_THROWS_EXCEPTION(ValueError, make_constraint({{"class_name", "UnitNorm"}, {"config", {{"axis", {1, 2}}}}}));
    QVERIFY_THROWS_EXCEPTION(ValueError, make_constraint({{"class_name", "MaxNorm"}, {"config", {{"max_value", -1}}}}));
  }
};

QTEST_APPLESS_MAIN(TestRegularizersConstraints)
#include "test_regularizers_constraints.moc"
