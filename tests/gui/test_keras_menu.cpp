// File > Import Keras Model and File > Export > Keras HDF5 / Keras archive / Python script: the menu entries,
// and the work behind their dialogs (which weights go out, the project an import creates, units as nested
// models, refusals that leave nothing behind).
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QStandardPaths>
#include <QFile>
#include <QMenu>
#include <QMenuBar>
#include <QTemporaryDir>
#include <QtTest>
#include <set>

#include "cornu.h"
#include "demos/demos.h"
#include "nodes/compile.h"
#include "nodes/project.h"
#include "nodes/runs.h"
#include "ui/keras_files.h"
#include "ui/main_window.h"

using namespace cornu;

namespace {

nodes::ProjectData xor_project() { return nodes::demo_project(find_demo("xor")); }

std::vector<float> predict_on(Model& model, const Tensor& x) { return model.predict(x).to_vector(); }

Tensor xor_inputs() { return Tensor::from_vector(Shape{4, 2}, std::vector<float>{0, 0, 0, 1, 1, 0, 1, 1}); }

}  // namespace

class TestKerasMenu : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }  // QSettings in a test location

  void a_keras_model_opens_on_the_canvas() {
    // The functional model Keras wrote (tests/data/keras/make_fixtures.py): imported, laid out, opened.
    QTemporaryDir dir;
    const QString source = qEnvironmentVariable("CORNU_SOURCE_DIR") + "/tests/data/keras/functional.keras";
    const QString project = dir.path() + "/functional.cornu";
    ui::write_keras_import(source, project);
    ui::MainWindow window;
    window.resize(1400, 900);
    window.show();
    QVERIFY(window.open_file(project));
    const nodes::ProjectData& data = nodes::load_project(project.toStdString());
    io::LoadedModel loaded = io::load_model(source.toStdString());
    QCOMPARE(data.graph.nodes.size(), loaded.model->layers().size() + loaded.model->outputs().size());
    // Graphviz placed every card somewhere of its own.
    std::set<std::pair<double, double>> spots;
    for (const auto& n : data.graph.nodes) spots.insert({n.x, n.y});
    QCOMPARE(spots.size(), data.graph.nodes.size());
    if (const QString shots = qEnvironmentVariable("CORNU_SCREENSHOT_DIR"); !shots.isEmpty()) {
      QApplication::processEvents();
      window.grab().save(QDir(shots).filePath("editor-imported-keras.png"));
      auto* menu = window.findChild<QMenu*>("export-menu");
      menu->popup(window.mapToGlobal(QPoint(40, 40)));
      QApplication::processEvents();
      menu->grab().save(QDir(shots).filePath("menu-export.png"));
      menu->hide();
    }
  }

  void file_menu_has_import_and_exports() {
    ui::MainWindow window;
    QAction* import = window.findChild<QAction*>("import-keras");
    QVERIFY(import && import->text().contains("Import Keras Model"));
    auto* menu = window.findChild<QMenu*>("export-menu");
    QVERIFY(menu);
    QStringList texts;
    for (QAction* a : menu->actions())
      if (!a->isSeparator()) texts << a->text().remove('&');
    QCOMPARE(texts, (QStringList{"Keras HDF5 (.h5)…", "Keras Archive (.keras)…", "Python Script (.py)…", "Diagram…"}));
  }

  void export_carries_the_last_runs_weights_and_import_brings_them_back() {
    QTemporaryDir dir;
    nodes::ProjectData project = xor_project();
    ModelPtr trained = nodes::build_model(project);
    // Weights unlike any fresh initialisation: the export must carry exactly these.
    std::vector<Tensor> w = trained->get_weights();
    for (auto& t : w) {
      std::vector<float> v = t.to_vector();
      for (size_t i = 0; i < v.size(); ++i) v[i] = 0.1f * static_cast<float>(i % 7) - 0.3f;
      t = Tensor::from_vector(t.shape(), v);
    }
    trained->set_weights(w);
    const ui::ExportWeights weights{trained, project.graph};
    const auto expected = predict_on(*trained, xor_inputs());

    for (auto [format, name] : {std::pair{ui::KerasExport::H5, "/xor.h5"}, std::pair{ui::KerasExport::Archive, "/xor.keras"}}) {
      const QString path = dir.path() + name;
      QString message = ui::write_keras_export(format, project, weights, path);
      QVERIFY2(message.contains("last training run"), qPrintable(message));
      io::LoadedModel loaded = io::load_model(path.toStdString());
      QCOMPARE(predict_on(*loaded.model, xor_inputs()), expected);
      QVERIFY(loaded.model->compiled());

      const QString imported = dir.path() + "/imported.cornu";
      QFile::remove(imported);
      ui::write_keras_import(path, imported);
      nodes::ProjectData back = nodes::load_project(imported.toStdString());
      ModelPtr rebuilt = nodes::build_model(back);
      QVERIFY(nodes::load_project_weights(imported.toStdString(), *rebuilt));
      QCOMPARE(predict_on(*rebuilt, xor_inputs()), expected);
    }

    // A graph edited since the run does not take its weights: fresh ones, and the message says so.
    nodes::ProjectData edited = project;
    for (auto& n : edited.graph.nodes)
      if (n.type == "Dense") {
        n.params["units"] = 9;  // the first hidden layer only
        break;
      }
    QString message = ui::write_keras_export(ui::KerasExport::Archive, edited, weights, dir.path() + "/edited.keras");
    QVERIFY2(message.contains("untrained"), qPrintable(message));

    // The script loads the weights written beside it.
    message = ui::write_keras_export(ui::KerasExport::Python, project, weights, dir.path() + "/xor.py", true);
    QVERIFY(QFile::exists(dir.path() + "/xor.weights.h5"));
    QFile script(dir.path() + "/xor.py");
    QVERIFY(script.open(QIODevice::ReadOnly));
    const QByteArray code = script.readAll();
    QVERIFY2(code.contains("xor.weights.h5") && code.contains("keras.distribution"), code.constData());
  }

  void units_export_as_nested_models() {
    // A canvas unit becomes a nested model in the file, and comes back as a unit.
    QTemporaryDir dir;
    nodes::Document doc;
    const int in = doc.add_node("InputLayer", 0, 0, {{"batch_shape", {nullptr, 4}}}, "x");
    const int a = doc.add_node("Dense", 0, 100, {{"units", 8}, {"activation", "relu"}});
    const int b = doc.add_node("Dense", 0, 200, {{"units", 3}, {"activation", "softmax"}});
    const int out = doc.add_node("Output", 0, 300, {{"loss", "categorical_crossentropy"}});
    doc.connect({in, 0}, {a, 0});
    doc.connect({a, 0}, {b, 0});
    doc.connect({b, 0}, {out, 0});
    doc.group_into_unit({a, b}, "block");
    const QString path = dir.path() + "/units.keras";
    ui::write_keras_export(ui::KerasExport::Archive, doc.data(), {}, path);
    io::LoadedModel loaded = io::load_model(path.toStdString());
    bool nested = false;
    for (const auto& layer : loaded.model->layers()) nested = nested || (dynamic_cast<Model*>(layer.get()) && layer->name() == "block");
    QVERIFY(nested);
    ui::write_keras_import(path, dir.path() + "/units.cornu");
    nodes::ProjectData back = nodes::load_project((dir.path() + "/units.cornu").toStdString());
    bool unit = false;
    for (const auto& n : back.graph.nodes) unit = unit || (n.type == nodes::kUnitType && n.name == "block");
    QVERIFY(unit);
  }

  void a_refused_import_creates_nothing() {
    QTemporaryDir dir;
    QFile junk(dir.path() + "/junk.keras");
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write("PK not really a zip");
    junk.close();
    bool threw = false;
    try {
      ui::write_keras_import(junk.fileName(), dir.path() + "/junk.cornu");
    } catch (const Error& e) {
      threw = QString(e.what()).contains("junk.keras");
    }
    QVERIFY(threw);
    QVERIFY(!QFile::exists(dir.path() + "/junk.cornu"));
  }
};

QTEST_MAIN(TestKerasMenu)
#include "test_keras_menu.moc"
