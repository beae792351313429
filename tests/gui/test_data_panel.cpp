// The Data panel driven like a user: choosing a dataset, changing a parameter, undoing it, the preview
// arriving from its worker (scatter, thumbnails, class counts), the verdict of the model against the data,
// and a loading error that says what to do. With CORNU_SCREENSHOT_DIR set, keeps pictures of the panel.
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QHeaderView>
#include <QFile>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>
#include <QToolButton>
#include <memory>

#include "data/builtin_datasets.h"
#include "gui_driving.h"
#include "project_fixtures.h"
#include "ui/data_panel.h"
#include "ui/data_views.h"
#include "ui/main_window.h"
#include "ui/param_form.h"

using namespace cornu;
using test::choose;
using test::type_into;

namespace {

constexpr int kLoadTimeout = 60000;  // Fashion-MNIST on a busy 2-core machine

// A document holding the MLP of project_fixtures.h (Input (28, 28) ... Dense 10 softmax) and the panel.
struct Bench {
  nodes::Document doc;
  test::MlpIds ids = test::build_mlp(doc);
  std::unique_ptr<ui::DataPanel> panel;

  Bench() {
    panel = std::make_unique<ui::DataPanel>(doc);
    panel->resize(900, 420);
    panel->show();
  }
  template <class T>
  T* field(const QString& name) const {
    auto* w = panel->findChild<T*>(name);
    if (!w) qWarning("no field %s", qPrintable(name));
    return w;
  }
  QString verdict() const { return panel->verdict()->text(); }
  QString status() const { return panel->status()->text(); }
  int64_t previewed_samples() const { return panel->preview() ? panel->preview()->train_samples : -1; }
  QWidget* current_view() const { return panel->findChild<QStackedWidget*>()->currentWidget(); }
};

void keep_screenshot(QWidget& widget, const QString& name) {
  const QString dir = qEnvironmentVariable("CORNU_SCREENSHOT_DIR");
  if (dir.isEmpty()) return;
  QApplication::processEvents();
  widget.grab().save(QDir(dir).filePath(name + ".png"));
}

QString fashion_mnist_dir() {
  const QString env = qEnvironmentVariable("CORNU_FASHION_MNIST_DIR");
  for (const QString& dir : {env, QString("/usr/share/datasets/fashion-mnist"),
                             qEnvironmentVariable("CORNU_SHARED_DATASETS") + "/fashion-mnist"})
    if (!dir.isEmpty() && QFileInfo::exists(dir + "/train-images-idx3-ubyte.gz")) return dir;
  return {};
}

}  // namespace

class TestDataPanel : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // the main window's QSettings and autosaves in a test location
  }

  void chooseChangeUndoAndPreviewPoints() {
    Bench b;
    QCOMPARE(b.verdict(), QString("Choose a dataset to train on."));
    auto* combo = b.field<QComboBox>("data.dataset");
    QVERIFY(combo);
    // Every registry entry is offered, its doc as the item's tooltip.
    for (const auto& entry : data::builtin_datasets()) {
      const int i = combo->findText(QString::fromStdString(entry.name));
      QVERIFY2(i >= 0, entry.name.c_str());
      QCOMPARE(combo->itemData(i, Qt::ToolTipRole).toString(), QString::fromStdString(entry.doc));
    }
    choose(combo, "spirals");
    QCOMPARE(QString::fromStdString(b.doc.settings().dataset.value("name", std::string())), QString("spirals"));
    QCOMPARE(b.field<QLabel>("data.doc")->text(), QString::fromStdString(data::find_dataset("spirals").doc));

    // A parameter typed, undone and redone: the field follows the document each time.
    auto* samples = b.field<QSpinBox>("dataset.samples");
    QVERIFY(samples);
    QCOMPARE(samples->value(), 1000);
    type_into(samples, "500");
    QCOMPARE(b.doc.settings().dataset.value("samples", 0), 500);
    b.doc.undo_stack().undo();
    QVERIFY(!b.doc.settings().dataset.contains("samples"));
    QCOMPARE(b.field<QSpinBox>("dataset.samples")->value(), 1000);
    b.doc.undo_stack().redo();
    QCOMPARE(b.field<QSpinBox>("dataset.samples")->value(), 500);

    // The preview of the newest choice arrives: 500 points in a scatter, both classes counted.
    QTRY_COMPARE_WITH_TIMEOUT(b.previewed_samples(), int64_t(500), kLoadTimeout);
    QCOMPARE(b.current_view(), static_cast<QWidget*>(b.panel->scatter()));
    QVERIFY(b.panel->scatter()->isVisible());
    QCOMPARE(b.panel->scatter()->shown(), 500);
    const auto& counts = b.panel->preview()->train_counts;
    QCOMPARE(counts.size(), size_t(2));
    QCOMPARE(counts[0] + counts[1], int64_t(500));
    QCOMPARE(b.panel->preview()->test_samples, int64_t(400));
    QVERIFY(b.field<QLabel>("data.summary")->text().contains("500 training and 400 test samples"));
    // 10 % of 500 validate: floor(500 * 0.9) = 450 train, as fit() splits.
    const QString validation = b.field<QLabel>("data.validation")->text();
    QVERIFY2(validation.startsWith("10 % of the training samples validate (50 of 500; 450 train): the last 10 % of "
                                   "the training rows"), qPrintable(validation));
    QVERIFY2(validation.contains("seed (1337)"), qPrintable(validation));
    // Another split and seed: the line follows the document.
    nodes::Settings s = b.doc.settings();
    s.validation_split = 0.25, s.seed = 7;
    b.doc.set_settings(s);
    QVERIFY2(b.field<QLabel>("data.validation")->text().startsWith("25 % of the training samples validate (125 of 500; "
                                                                  "375 train)"),
             qPrintable(b.field<QLabel>("data.validation")->text()));
    QVERIFY(b.field<QLabel>("data.validation")->text().contains("seed (7)"));
    b.doc.undo_stack().undo();

    // The MLP takes (28, 28) images: the verdict says so, from the model's own checks.
    QVERIFY(!b.panel->fits());
    QVERIFY2(b.verdict().contains("Input 'image' takes samples of shape (28, 28), but the samples of spirals are (2,)"),
             qPrintable(b.verdict()));
    QVERIFY2(b.verdict().contains("spirals has 2 classes but 'dense_1' has 10 units"), qPrintable(b.verdict()));
    // Fixed in the model: the verdict turns green.
    b.doc.set_param(b.ids.input, "batch_shape", {nullptr, 2});
    b.doc.set_param(b.ids.logits, "units", 2);
    QVERIFY(b.panel->fits());
    QCOMPARE(b.verdict(), QString("Fits the model: samples (2,), 2 classes"));
    keep_screenshot(*b.panel, "data_panel_spirals");
  }

  void newerRequestSupersedesOlder() {
    // Three requests before the event loop runs: the first loads, the second is replaced while waiting,
    // the first's result is dropped, and only the newest arrives.
    ui::PreviewLoader loader;
    QSignalSpy loaded(&loader, &ui::PreviewLoader::loaded);
    const Config first = data::resolve_dataset({{"name", "moons"}, {"samples", 100}});
    const Config newest = data::resolve_dataset({{"name", "moons"}, {"samples", 300}});
    loader.request(first);
    loader.request(data::resolve_dataset({{"name", "moons"}, {"samples", 200}}));
    loader.request(newest);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kLoadTimeout);
    QTRY_VERIFY(!loader.busy());
    QTest::qWait(50);
    QCOMPARE(loaded.count(), 1);
    const auto preview = loaded.at(0).at(0).value<std::shared_ptr<const ui::DataPreview>>();
    QVERIFY(preview->choice == newest);
    QCOMPARE(preview->train_samples, int64_t(300));
    // The same choice again is not loaded again; asked again explicitly (Reload), it is.
    loader.request(newest);
    QVERIFY(!loader.busy());
    loader.request(newest, true);
    QVERIFY(loader.busy());
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, kLoadTimeout);
  }

  void fashionMnistThumbnails() {
    const QString dir = fashion_mnist_dir();
    if (dir.isEmpty()) QSKIP("Fashion-MNIST is not installed (apt install dataset-fashion-mnist, or set CORNU_FASHION_MNIST_DIR)");
    qputenv("CORNU_FASHION_MNIST_DIR", dir.toUtf8());
    Bench b;
    choose(b.field<QComboBox>("data.dataset"), "fashion-mnist");
    QCOMPARE(b.verdict(), QString("Fits the model: samples (28, 28), 10 classes"));
    QTRY_COMPARE_WITH_TIMEOUT(b.previewed_samples(), int64_t(60000), kLoadTimeout);
    QCOMPARE(b.current_view(), static_cast<QWidget*>(b.panel->grid()));
    QCOMPARE(b.panel->grid()->shown(), ui::ThumbnailGrid::kColumns * ui::ThumbnailGrid::kRows);
    QCOMPARE(b.panel->preview()->train_counts, std::vector<int64_t>(10, 6000));
    QCOMPARE(b.panel->preview()->test_counts, std::vector<int64_t>(10, 1000));
    QCOMPARE(b.panel->preview()->class_name(b.panel->preview()->sample_classes[0]), std::string("Ankle boot"));
    // A model that takes flat vectors: the mismatch and its fix.
    b.doc.set_param(b.ids.input, "batch_shape", {nullptr, 784});
    QVERIFY2(b.verdict().contains("They hold the same 784 values: set the Input's shape to (28, 28) and put a Flatten"),
             qPrintable(b.verdict()));
    b.doc.undo_stack().undo();
    QVERIFY(b.panel->fits());
    keep_screenshot(*b.panel, "data_panel_fashion_mnist");
    qunsetenv("CORNU_FASHION_MNIST_DIR");
  }

  void missingFilesSayWhatToDo() {
    const QByteArray saved = qgetenv("CORNU_FASHION_MNIST_DIR");
    qunsetenv("CORNU_FASHION_MNIST_DIR");  // it would override the folder below
    Bench b;
    nodes::Settings s = b.doc.settings();
    s.dataset = {{"name", "fashion-mnist"}, {"dir", "/nonexistent/fashion"}};
    b.doc.set_settings(s);
    QTRY_VERIFY_WITH_TIMEOUT(b.status().contains("could not be loaded"), kLoadTimeout);
    QVERIFY2(b.status().contains("Fashion-MNIST was not found in /nonexistent/fashion"), qPrintable(b.status()));
    QVERIFY2(b.status().contains("apt-get install dataset-fashion-mnist"), qPrintable(b.status()));
    QVERIFY2(b.status().contains("Check dir on the left, then press Reload."), qPrintable(b.status()));
    QVERIFY(!b.panel->preview());
    QVERIFY(b.panel->grid()->isHidden() || !b.panel->grid()->isVisible());
    keep_screenshot(*b.panel, "data_panel_missing");
    if (!saved.isEmpty()) qputenv("CORNU_FASHION_MNIST_DIR", saved);
  }

  void csvFilesShowTheirRowsAndTakeALabelColumnByClick() {
    QTemporaryDir dir;
    QFile file(dir.filePath("flowers.csv"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("length,width,kind,grade\n");
    for (int i = 0; i < 30; ++i)
      file.write(QString("%1,%2,%3,%4\n").arg(1 + i % 5).arg(2 + i % 3).arg(i % 2).arg(1 + i % 3).toUtf8());
    file.write("7,oops,1,1\n");  // line 32: skipped and listed
    file.close();
    Bench b;
    nodes::Settings s = b.doc.settings();
    s.dataset = {{"name", "csv"}, {"path", file.fileName().toStdString()}, {"label_column", "kind"}, {"bad_rows", "skip"}};
    b.doc.set_settings(s);
    QTRY_COMPARE_WITH_TIMEOUT(b.previewed_samples(), int64_t(24), kLoadTimeout);  // 30 rows, 20 % for the test
    QTableWidget* table = b.panel->csv_table();
    QTRY_VERIFY(table->isVisible());
    QCOMPARE(table->columnCount(), 4);
    QCOMPARE(table->horizontalHeaderItem(2)->text(), QString("kind (label)"));
    QCOMPARE(table->item(1, 2)->text(), QString("1"));
    QCOMPARE(table->rowCount(), 20);  // the first rows, as the file has them
    auto* warnings = b.panel->findChild<QLabel*>("data.warnings");
    QVERIFY2(warnings && warnings->text().contains("line 32"), qPrintable(warnings ? warnings->text() : "none"));
    QCOMPARE(b.panel->preview()->train_counts.size() + 0, size_t{2});
    keep_screenshot(*b.panel, "data_panel_csv");

    // A click on a header makes that column the label, by name, as one undo step.
    const int steps = b.doc.undo_stack().count();
    emit table->horizontalHeader()->sectionClicked(3);
    QCOMPARE(b.doc.settings().dataset.value("label_column", std::string()), std::string("grade"));
    QCOMPARE(b.doc.undo_stack().count(), steps + 1);
    QTRY_COMPARE_WITH_TIMEOUT(table->horizontalHeaderItem(3)->text(), QString("grade (label)"), kLoadTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(b.panel->preview()->train_counts.size() + 0, size_t{4}, kLoadTimeout);  // 1..3: ids 0..3
    b.doc.undo_stack().undo();
    QCOMPARE(b.doc.settings().dataset.value("label_column", std::string()), std::string("kind"));
  }

  void vectorsShowAsATable() {
    data::TrainTest tt;
    tt.train.x = Tensor::from_vector(Shape{3, 4}, std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    tt.train.y = Tensor::from_vector(Shape{3}, std::vector<int32_t>{2, 0, 1});
    tt.test = tt.train;
    tt.class_names = {"a", "b", "c"};
    // blobs describes the labels (classes); the table reads only the small copy.
    const ui::DataPreview p = ui::make_preview(tt, data::resolve_dataset({{"name", "blobs"}}), 2);
    QCOMPARE(ui::preview_kind(p.sample_shape), ui::PreviewKind::Table);
    QCOMPARE(p.samples.rows(), int64_t(2));
    QCOMPARE(p.train_counts, (std::vector<int64_t>{1, 1, 1}));
    QTableWidget table;
    QAbstractItemModelTester tester(table.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    ui::fill_sample_table(&table, p);
    ui::fill_sample_table(&table, p, 1);  // filled again, smaller: Qt's model invariants still hold
    QCOMPARE(table.rowCount(), 1);
    ui::fill_sample_table(&table, p);
    QCOMPARE(table.rowCount(), 2);
    QCOMPARE(table.columnCount(), 5);
    QCOMPARE(table.horizontalHeaderItem(4)->text(), QString("label"));
    QCOMPARE(table.item(1, 3)->text(), QString("8"));
    QCOMPARE(table.item(0, 4)->text(), QString("c"));
    QCOMPARE(ui::preview_kind(Shape{28, 28, 3}), ui::PreviewKind::Images);
    QCOMPARE(ui::preview_kind(Shape{2}), ui::PreviewKind::Points);
  }

  void aDockOfTheMainWindowBesideTraining() {
    ui::MainWindow window;
    auto* dock = window.findChild<QDockWidget*>("data-dock");
    QVERIFY(dock);
    QCOMPARE(dock->widget(), static_cast<QWidget*>(window.data_panel()));
    QCOMPARE(dock->windowTitle(), QString("Data"));
    QVERIFY(window.tabifiedDockWidgets(dock).contains(window.findChild<QDockWidget*>("training-dock")));
    // The panel edits the window's document: one undo step in its history.
    const int steps = window.document().undo_stack().count();
    choose(window.data_panel()->findChild<QComboBox*>("data.dataset"), "xor");
    QCOMPARE(window.document().undo_stack().count(), steps + 1);
    QCOMPARE(QString::fromStdString(window.document().settings().dataset.value("name", std::string())), QString("xor"));
  }

  void pathParametersGetABrowseButton() {
    ui::ParamForm form;
    Config value = "";
    ui::ParamAccess access;
    access.value = [&] { return value; };
    access.is_set = [&] { return !value.get<std::string>().empty(); };
    access.apply = [&](const Config& v, int) { value = v; };
    ParamSpec path{.name = "path", .type = ParamType::String, .default_value = "", .doc = "A file.",
                   .path = ParamSpec::PathKind::File};
    ParamSpec plain{.name = "label", .type = ParamType::String, .default_value = "", .doc = "Text."};
    ui::ParamEditor* editor = form.add(path, access, "csv");
    form.add(plain, access, "csv");
    QVERIFY(form.findChild<QToolButton*>("csv.path.browse"));
    QVERIFY(!form.findChild<QToolButton*>("csv.label.browse"));
    editor->set_value(Config("/tmp/iris.csv"));  // what the dialog's choice does
    QCOMPARE(QString::fromStdString(value.get<std::string>()), QString("/tmp/iris.csv"));
  }
};

QTEST_MAIN(TestDataPanel)
#include "test_data_panel.moc"
