// The Evaluation panel's regression view: error measures against hand-computed values, the scatter of
// predicted against true values, the largest errors first, and the test metrics table. (The classifier's
// confusion matrix is driven end to end in test_training.cpp.) With CORNU_SCREENSHOT_DIR set, keeps an
// image of the panel for review.
#include <QApplication>
#include <QLabel>
#include <QListWidget>
#include <QTableWidget>
#include <QTest>
#include <cmath>

#include "ui/dashboard.h"
#include "ui/evaluation.h"
#include "ui/main_window.h"
#include "ui/regression_view.h"

using namespace cornu;

class TestEvaluation : public QObject {
  Q_OBJECT

 private slots:
  void regression_stats_match_their_definitions() {
    // truth 1, 2, 3, 4 (mean 2.5, SST 5); predicted 1, 2, 4, 2: errors 0, 0, 1, -2 -> SSE 5, MAE 0.75.
    const ui::RegressionStats s = ui::regression_stats({1, 2, 3, 4}, {1, 2, 4, 2});
    QCOMPARE(s.count, int64_t{4});
    QCOMPARE(s.mae, 0.75);
    QVERIFY(std::abs(s.rmse - std::sqrt(5.0 / 4)) < 1e-12);
    QVERIFY(std::abs(s.r2 - 0.0) < 1e-12);  // SSE equals SST: no better than predicting the mean
    QCOMPARE(ui::regression_stats({1, 2, 3}, {1, 2, 3}).r2, 1.0);
    QCOMPARE(ui::regression_stats({2, 2}, {1, 3}).r2, 0.0);  // constant truth: R² undefined, shown as 0
    QCOMPARE(ui::regression_stats({}, {}).count, int64_t{0});
  }

  void a_regression_model_gets_the_scatter_and_its_largest_errors() {
    auto p = std::make_shared<ui::Predictions>();
    const int n = 300;
    std::vector<float> x(n);
    for (int i = 0; i < n; ++i) {
      x[static_cast<size_t>(i)] = static_cast<float>(i) / n;
      p->true_values.push_back(std::sin(6.0f * x[static_cast<size_t>(i)]));
      p->predicted_values.push_back(p->true_values.back() + 0.05f * std::cos(37.0f * static_cast<float>(i)));
    }
    p->predicted_values[123] = 9.0f;  // one wild prediction: it must lead the list of errors
    p->x = Tensor::from_vector(Shape{n, 1}, x);
    p->test = {{"loss", 0.25}, {"mean_absolute_error", 0.1}};
    ui::EvaluationPanel panel;
    panel.resize(900, 420);
    panel.show_predictions(p);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(panel.showing_regression());
    QCOMPARE(panel.regression_plot()->points_drawn(), n);
    auto* errors = panel.findChild<QListWidget*>("largest-errors");
    QVERIFY(errors && errors->count() == 50);
    QVERIFY2(errors->item(0)->text().startsWith("sample 123:"), qPrintable(errors->item(0)->text()));
    auto* stats = panel.findChild<QLabel*>("regression-stats");
    const ui::RegressionStats s = ui::regression_stats(p->true_values, p->predicted_values);
    QVERIFY2(stats->text().contains(QString::number(s.r2, 'f', 4)), qPrintable(stats->text()));
    QCOMPARE(panel.metrics()->columnCount(), 2);
    QCOMPARE(panel.metrics()->horizontalHeaderItem(1)->text(), QString("mean_absolute_error"));
    QCOMPARE(panel.metrics()->item(0, 0)->text(), QString("0.25"));
    save_screenshot(panel, "evaluation-regression.png");

    // A classifier's predictions afterwards switch the panel back to the confusion matrix.
    auto c = std::make_shared<ui::Predictions>();
    c->x = Tensor::from_vector(Shape{4, 1}, std::vector<float>{0, 1, 2, 3});
    c->truth = {0, 1, 1, 0};
    c->predicted = {0, 1, 0, 0};
    c->confidence = {0.9f, 0.8f, 0.7f, 0.6f};
    c->classes = 2;
    panel.show_predictions(c);
    QVERIFY(!panel.showing_regression());
    QCOMPARE(panel.matrix()->item(1, 0)->text(), QString("1"));
    QVERIFY(!panel.metrics()->isVisible());  // no test logs given
  }

  // End to end: the sine-regression example trains in the editor and its evaluation is the regression view,
  // with a fit much better than predicting the mean.
  void the_regression_example_ends_in_the_regression_view() {
    ui::MainWindow window;
    window.resize(1300, 900);
    window.open_example("sine-regression");
    nodes::Settings s = window.document().settings();
    s.epochs = 40;
    window.document().set_settings(s);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.dashboard()->train();
    QTRY_VERIFY_WITH_TIMEOUT(!window.dashboard()->session(), 60000);
    ui::EvaluationPanel* eval = window.evaluation();
    QVERIFY(eval->showing_regression());
    QCOMPARE(eval->regression_plot()->points_drawn(), 200);
    QVERIFY(eval->metrics()->columnCount() >= 2);  // loss and mae
    const QString stats = eval->findChild<QLabel*>("regression-stats")->text();
    const double r2 = stats.section("</b> ", 1).section(' ', 0, 0).toDouble();
    QVERIFY2(r2 > 0.8, qPrintable(stats));
    save_screenshot(window, "regression-window.png");
    window.document().mark_saved();
  }

 private:
  static void save_screenshot(QWidget& w, const QString& name) {
    const QString dir = qEnvironmentVariable("CORNU_SCREENSHOT_DIR");
    if (!dir.isEmpty()) QVERIFY(w.grab().save(dir + "/" + name));
  }
};

QTEST_MAIN(TestEvaluation)
#include "test_evaluation.moc"
