// The teaching views: layer statistics (kernel and output distributions, gradient norms) arriving while the
// spiral demo trains, Step still training exactly one batch with them, the hidden units' maps beside the
// decision boundary and hovering one of them, the probe that shares the trained layers leaving training
// unchanged, and the Sketch Pad: a stroke drawn with the mouse becomes class probabilities, and the pad says
// why it is disabled for data that are not images.
// Set CORNU_SCREENSHOT_DIR to keep screenshots of the views (light and dark) for review.
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMouseEvent>
#include <QPushButton>
#include <QStandardPaths>
#include <QTest>
#include <cmath>
#include <numeric>

#include "data/builtin_datasets.h"
#include "demos/demos.h"
#include "nodes/compile.h"
#include "nodes/runs.h"
#include "ui/dashboard.h"
#include "ui/layer_histograms.h"
#include "ui/main_window.h"
#include "ui/sketch_pad.h"
#include "ui/theme.h"

using namespace cornu;

namespace {

struct Window {
  ui::MainWindow window;
  nodes::Document& doc = window.document();
  ui::Dashboard* dashboard = window.dashboard();

  Window(const std::string& example, int epochs) {
    window.resize(1400, 1000);
    window.open_example(example);
    nodes::Settings s = doc.settings();
    s.epochs = epochs;
    doc.set_settings(s);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
  }
  ~Window() { window.document().mark_saved(); }
};

// Light, then dark: `shoot` grabs what should be looked at under each palette.
void keep_screenshots(const QString& name, const std::function<QPixmap()>& shoot) {
  const QString dir = qEnvironmentVariable("CORNU_SCREENSHOT_DIR");
  if (dir.isEmpty()) return;
  const QPalette original = QApplication::palette();
  for (const bool dark : {false, true}) {
    QApplication::setPalette(dark ? ui::dark_palette() : ui::light_palette());
    QApplication::processEvents();
    shoot().save(QDir(dir).filePath(QString("%1-%2.png").arg(name, dark ? "dark" : "light")));
  }
  QApplication::setPalette(original);
}

int64_t sum(const ui::Distribution& d) { return std::accumulate(d.counts.begin(), d.counts.end(), int64_t{0}); }

// A drag on the canvas from `from` to `to` in a few moves, as a hand draws.
void draw_stroke(QWidget* canvas, QPoint from, QPoint to) {
  QTest::mousePress(canvas, Qt::LeftButton, {}, from);
  for (int i = 1; i <= 8; ++i) {
    const QPoint at = from + (to - from) * i / 8;
    QMouseEvent move(QEvent::MouseMove, at, canvas->mapToGlobal(at), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(canvas, &move);
  }
  QTest::mouseRelease(canvas, Qt::LeftButton, {}, to);
}

}  // namespace

class TestTeaching : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName("CornuTests");
    QApplication::setApplicationName("test_teaching");
  }

  void distributions_count_every_finite_value() {
    std::vector<float> values(101);
    std::iota(values.begin(), values.end(), 0.0f);  // 0..100
    values.push_back(NAN);
    const ui::Distribution d = ui::distribution_of(values.data(), values.size());
    QCOMPARE(d.total, int64_t(101));
    QCOMPARE(sum(d), int64_t(101));
    QCOMPARE(d.lo, 0.0f);
    QCOMPARE(d.hi, 100.0f);
    QCOMPARE(d.percentiles[4], 50.0f);  // the median
    QCOMPARE(d.percentiles[2], 16.0f);
    QCOMPARE(d.counts.back(), int64_t(3));  // 97.5..100: 98, 99 and 100 (the top bin includes hi)
    const float same[] = {2, 2, 2};
    QCOMPARE(sum(ui::distribution_of(same, 3)), int64_t(3));
    QCOMPARE(ui::distribution_of(nullptr, 0).total, int64_t(0));
  }

  void layer_statistics_and_unit_maps_arrive_while_training_and_step_adds_one() {
    Window w("spiral", 500);
    ui::LayerHistograms* view = w.window.layer_histograms();
    QTest::mouseClick(w.dashboard->train_button(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(view->history().size() >= 3, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(w.dashboard->boundary()->unit_maps() > 0, 10000);
    QTest::mouseClick(w.dashboard->pause_button(), Qt::LeftButton);
    QTest::qWait(300);  // the batch under way when Pause was pressed
    const size_t paused_at = view->history().size();
    const int64_t batches = w.dashboard->batches_received();
    QTest::mouseClick(w.dashboard->step_button(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.dashboard->batches_received(), batches + 1, 10000);  // exactly one batch
    QTRY_COMPARE_WITH_TIMEOUT(view->history().size(), paused_at + 1, 10000);       // and its statistics
    QTest::qWait(200);
    QCOMPARE(view->history().size(), paused_at + 1);

    // Every layer with weights, in order; each histogram holds all its values; the gradients are alive.
    const ModelPtr& model = w.dashboard->session()->model();
    double previous = -1;
    for (const ui::LayerStats& s : view->history()) {
      QVERIFY(s.position > previous);
      previous = s.position;
      QCOMPARE(s.layers.size(), size_t(4));
      for (const ui::LayerSample& l : s.layers) {
        const LayerPtr layer = model->get_layer(l.layer);
        const int64_t kernel = layer->variables().front().value.size();
        const int64_t units = layer->variables().front().value.shape()[1];
        QCOMPARE(l.kernel.total, kernel);
        QCOMPARE(sum(l.kernel), kernel);
        QCOMPARE(l.activation.total, 256 * units);  // the fixed probe batch
        QCOMPARE(sum(l.activation), 256 * units);
        QVERIFY2(std::isfinite(l.gradient_norm) && l.gradient_norm > 0, qPrintable(QString::number(l.gradient_norm)));
      }
    }
    QCOMPARE(QString::fromStdString(view->history().back().layers.front().layer), QString("dense"));

    // The hidden units: 3 layers of 64 relu units, 8 shown of each; the output layer is the boundary itself.
    ui::BoundaryView* boundary = w.dashboard->boundary();
    QCOMPARE(boundary->unit_maps(), 24);
    QCOMPARE(boundary->title(), QString("decision boundary"));
    QTest::mouseMove(boundary, boundary->unit_rect(9).center());
    QTRY_COMPARE(boundary->title(), QString("dense_1 · unit 2"));
    QEvent leave(QEvent::Leave);
    QApplication::sendEvent(boundary, &leave);
    QCOMPARE(boundary->title(), QString("decision boundary"));

    auto* dock = w.window.findChild<QDockWidget*>("layer-statistics-dock");
    dock->raise();
    keep_screenshots("layer-statistics", [&] { return dock->grab(); });
    auto* training = w.window.findChild<QDockWidget*>("training-dock");
    training->raise();
    const QPointF third_layer(boundary->unit_rect(18).center());
    QMouseEvent hover(QEvent::MouseMove, third_layer, boundary->mapToGlobal(third_layer), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(boundary, &hover);
    keep_screenshots("unit-maps", [&] { return boundary->grab(); });
    QTest::mouseClick(w.dashboard->stop_button(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!w.dashboard->training(), 60000);
  }

  // The probe runs the trained layers themselves between batches: the run must be the one without it.
  void the_probe_leaves_training_unchanged() {
    nodes::ProjectData project = nodes::demo_project(find_demo("spiral"));
    project.settings.epochs = 2;
    std::vector<std::vector<float>> weights[2];
    for (const bool teaching : {false, true}) {
      ui::TrainingSession session(project);
      session.set_teaching_views(teaching);
      int samples = 0;
      bool done = false;
      connect(&session, &ui::TrainingSession::layer_stats, this, [&] { ++samples; });
      connect(&session, &ui::TrainingSession::finished, this, [&] { done = true; });
      session.start();
      QTRY_VERIFY_WITH_TIMEOUT(done, 60000);
      QCOMPARE(samples > 0, teaching);
      for (const Tensor& t : session.model()->get_weights()) weights[teaching].push_back(t.to_vector());
    }
    QCOMPARE(weights[1].size(), weights[0].size());
    for (size_t i = 0; i < weights[0].size(); ++i) QVERIFY(weights[1][i] == weights[0][i]);
  }

  void a_stroke_on_the_sketch_pad_gives_class_probabilities() {
    const nodes::ProjectData project = nodes::demo_project(find_demo("fashion-mnist-mlp"));
    const data::DatasetInfo info = data::dataset_info(project.settings.dataset);
    ui::SketchPad pad;
    QVERIFY(!pad.available());
    pad.set_model(nodes::build_model(project, /*compile=*/false), info.class_names);  // untrained is enough
    QVERIFY(pad.available());
    pad.resize(640, 320);
    pad.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pad));
    QWidget* canvas = pad.canvas();
    const int side = std::min(canvas->width(), canvas->height());
    const QPoint corner((canvas->width() - side) / 2, (canvas->height() - side) / 2);
    draw_stroke(canvas, corner + QPoint(side / 4, side / 4), corner + QPoint(side * 3 / 4, side * 3 / 4));
    draw_stroke(canvas, corner + QPoint(side * 3 / 4, side / 4), corner + QPoint(side / 4, side * 3 / 4));
    QTRY_VERIFY_WITH_TIMEOUT(pad.predictions() > 0, 10000);
    QTest::qWait(200);  // the last request wins: let it land
    QCOMPARE(pad.probabilities().size(), size_t(10));
    const double total = std::accumulate(pad.probabilities().begin(), pad.probabilities().end(), 0.0);
    QVERIFY2(std::abs(total - 1) < 1e-4, qPrintable(QString::number(total)));
    QCOMPARE(pad.class_names().front(), QString("T-shirt/top"));
    QCOMPARE(pad.class_names().back(), QString("Ankle boot"));
    // White on black, as Fashion-MNIST: the strokes' crossing is bright, the corners are background.
    const std::vector<float> x = pad.canvas()->downsampled(28, 28);
    QVERIFY(x[14 * 28 + 14] > 0.5f);
    QCOMPARE(x[0], 0.0f);
    QCOMPARE(x[27 * 28 + 27], 0.0f);
    keep_screenshots("sketch-pad", [&] { return pad.grab(); });
    // Clear empties the canvas and asks again.
    const int before = pad.predictions();
    QTest::mouseClick(pad.findChild<QPushButton*>("sketch-clear"), Qt::LeftButton);
    QVERIFY(pad.canvas()->empty());
    QTRY_VERIFY_WITH_TIMEOUT(pad.predictions() > before, 10000);
  }

  void the_sketch_pad_says_why_it_is_disabled() {
    Window spiral("spiral", 1);
    auto* dock = spiral.window.findChild<QDockWidget*>("sketch-pad-dock");
    QVERIFY(dock && !dock->isVisible());
    bool in_view_menu = false;  // where the user finds it
    for (QAction* menu : spiral.window.menuBar()->actions())
      if (menu->text() == "&View") in_view_menu = menu->menu()->actions().contains(dock->toggleViewAction());
    QVERIFY(in_view_menu);
    QCOMPARE(dock->toggleViewAction()->text(), QString("Sketch Pad"));
    dock->toggleViewAction()->trigger();
    ui::SketchPad* pad = spiral.window.sketch_pad();
    QTRY_VERIFY(!pad->reason().isEmpty());
    QVERIFY(!pad->available());
    QVERIFY(!pad->canvas()->isEnabled());
    QVERIFY2(pad->reason().contains("shape"), qPrintable(pad->reason()));
    QVERIFY2(pad->reason().contains("image"), qPrintable(pad->reason()));

    Window fashion("fashion-mnist-mlp", 1);  // image data, but nothing trained yet
    fashion.window.findChild<QDockWidget*>("sketch-pad-dock")->show();
    QTRY_VERIFY2(fashion.window.sketch_pad()->reason().startsWith("Train the model first"),
                 qPrintable(fashion.window.sketch_pad()->reason()));
  }
};

QTEST_MAIN(TestTeaching)
#include "test_teaching.moc"
