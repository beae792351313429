// The Text Samples panel: a trained character model writes one passage per temperature when Write is
// pressed (on a worker thread); bad temperatures are explained; in the main window the panel is in the View
// menu and says why it is disabled (not a character model, or not trained yet). With CORNU_SCREENSHOT_DIR set,
// keeps a picture of the panel.
#include <QApplication>
#include <QDockWidget>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>

#include "data/builtin_datasets.h"
#include "model/layers_api.h"
#include "ui/main_window.h"
#include "ui/text_samples.h"

using namespace cornu;

class TestTextSamples : public QObject {
  Q_OBJECT

 private slots:
  void writes_a_passage_per_temperature() {
    QTemporaryDir dir;
    const std::string path = dir.path().toStdString() + "/words.txt";
    {
      std::ofstream out(path);
      for (int i = 0; i < 40; ++i) out << "cat\ndog\n";
    }
    const Config dataset = {{"name", "text_characters"}, {"path", path}, {"maxlen", 4}, {"step", 1}};
    using namespace cornu::layers;
    set_random_seed(1);
    auto model = std::make_shared<Sequential>();
    model->add(Input(Shape{4, 7}));
    model->add(Flatten());
    model->add(Dense(7, "softmax"));
    model->compile("adam", "sparse_categorical_crossentropy");
    data::TrainTest d = data::load_dataset(dataset);
    model->fit(d.train.x, d.train.y, {.epochs = 2, .batch_size = 16, .verbose = 0});

    ui::TextSamplesPanel panel;
    QVERIFY(!panel.write_button()->isEnabled());
    panel.set_model(model, dataset);
    QVERIFY(panel.write_button()->isEnabled());
    panel.findChild<QLineEdit*>("text-samples.temperatures")->setText("0.5, 1");
    panel.findChild<QSpinBox*>("text-samples.length")->setValue(30);
    panel.findChild<QLineEdit*>("text-samples.seed")->setText("dog");
    QSignalSpy written(&panel, &ui::TextSamplesPanel::written);
    QTest::mouseClick(panel.write_button(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(written.count(), 1, 30000);
    const QString text = panel.text();
    QVERIFY2(text.contains("----- temperature 0.5\n\ndog") && text.contains("----- temperature 1\n\ndog"), qPrintable(text));
    QVERIFY2(panel.note().startsWith("Seed:"), qPrintable(panel.note()));
    if (const QString shots = qEnvironmentVariable("CORNU_SCREENSHOT_DIR"); !shots.isEmpty()) {
      panel.resize(560, 420);
      panel.show();
      QVERIFY(QTest::qWaitForWindowExposed(&panel));
      QVERIFY(panel.grab().save(shots + "/text-samples.png"));
    }

    panel.findChild<QLineEdit*>("text-samples.temperatures")->setText("warm");
    QTest::mouseClick(panel.write_button(), Qt::LeftButton);
    QVERIFY2(panel.note().contains("positive numbers"), qPrintable(panel.note()));
    QCOMPARE(panel.text(), text);  // the last passages stay
  }

  void the_main_window_offers_it_and_says_why_it_is_disabled() {
    ui::MainWindow window;
    window.open_example("spiral");
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* dock = window.findChild<QDockWidget*>("text-samples-dock");
    QVERIFY(dock && !dock->isVisible());
    bool in_view_menu = false;
    for (QAction* menu : window.menuBar()->actions())
      if (menu->text() == "&View") in_view_menu = menu->menu()->actions().contains(dock->toggleViewAction());
    QVERIFY(in_view_menu);
    dock->toggleViewAction()->trigger();
    QTRY_VERIFY2(window.text_samples()->note().contains("text_characters"), qPrintable(window.text_samples()->note()));
    QVERIFY(!window.text_samples()->available());
    window.document().mark_saved();
  }
};

QTEST_MAIN(TestTextSamples)
#include "test_text_samples.moc"
