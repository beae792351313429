// The `cornu` command line, end to end (it is a contract: later tools rely on its commands and output),
// and the "30 seconds" example program.
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QImage>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>
#include <functional>

namespace {

struct Run {
  int exit_code = -1;
  QString out, err;
};

Run run(const QString& program, const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
  QProcess p;
  p.setProcessEnvironment(env);
  p.start(program, args);
  if (!p.waitForFinished(600000)) p.kill();
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
          QString::fromUtf8(p.readAllStandardError())};
}

Run cornu(const QStringList& args) { return run(CORNU_EXECUTABLE, args); }

}  // namespace

class TestCli : public QObject {
  Q_OBJECT
 private slots:
  void demos_are_listed() {
    Run r = cornu({"demos"});
    QCOMPARE(r.exit_code, 0);
    for (const char* name : {"fashion-mnist-mlp", "spiral", "xor"}) QVERIFY2(r.out.contains(name), qPrintable(r.out));
  }

  void summary_prints_the_keras_table() {
    Run r = cornu({"summary", "--demo", "fashion-mnist-mlp"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.out.contains("flatten (Flatten)") && r.out.contains("(None, 784)") && r.out.contains("Total params: 235,146"),
             qPrintable(r.out));
  }

  void train_writes_a_jsonl_log_and_test_metrics() {
    QTemporaryDir dir;
    QString log = dir.path() + "/xor.jsonl";
    Run r = cornu({"train", "--demo", "xor", "--epochs", "20", "--seed", "3", "--log", log, "--verbose", "2"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.out.contains("Epoch 20/20") && r.out.contains("Test:"), qPrintable(r.out));
    QFile f(log);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QList<QJsonObject> events;
    for (const QByteArray& line : f.readAll().split('\n'))
      if (!line.isEmpty()) events.append(QJsonDocument::fromJson(line).object());
    QCOMPARE(events.size(), 21);
    for (int i = 0; i < 20; ++i) {
      const QJsonObject& e = events[i];
      QCOMPARE(e["event"].toString(), QString("epoch_end"));
      QCOMPARE(e["epoch"].toInt(), i + 1);
      for (const char* key : {"loss", "accuracy", "val_loss", "val_accuracy", "samples_per_sec"})
        QVERIFY2(e.contains(key), key);
    }
    QCOMPARE(events.last()["event"].toString(), QString("test"));
    QVERIFY(events.last()["accuracy"].toDouble() > 0.95);  // XOR is learnt in 20 epochs
    // The same seed gives the same run.
    QString log2 = dir.path() + "/again.jsonl";
    QCOMPARE(cornu({"train", "--demo", "xor", "--epochs", "20", "--seed", "3", "--log", log2, "--verbose", "0"}).exit_code, 0);
    QFile f2(log2);
    QVERIFY(f2.open(QIODevice::ReadOnly));
    auto strip = [](const QByteArray& all) {  // everything but the timing
      QStringList out;
      for (const QByteArray& line : all.split('\n')) {
        QJsonObject o = QJsonDocument::fromJson(line).object();
        o.remove("samples_per_sec");
        out << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
      }
      return out;
    };
    f.seek(0);
    QCOMPARE(strip(f2.readAll()), strip(f.readAll()));
  }

  void spiral_demo_separates_the_spirals() {
    QTemporaryDir dir;
    QString log = dir.path() + "/spiral.jsonl";
    QCOMPARE(cornu({"train", "--demo", "spiral", "--log", log, "--verbose", "0"}).exit_code, 0);
    QFile f(log);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QJsonObject test = QJsonDocument::fromJson(f.readAll().trimmed().split('\n').last()).object();
    QCOMPARE(test["event"].toString(), QString("test"));
    QVERIFY2(test["accuracy"].toDouble() > 0.9, qPrintable(QString::number(test["accuracy"].toDouble())));
  }

  void missing_fashion_mnist_is_explained() {
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("CORNU_FASHION_MNIST_DIR", "/nonexistent/fashion");
    Run r = run(CORNU_EXECUTABLE, {"train", "--epochs", "1"}, env);
    QCOMPARE(r.exit_code, 1);  // a message, not a crash
    QVERIFY2(r.err.contains("dataset-fashion-mnist") && r.err.contains("/nonexistent/fashion"), qPrintable(r.err));
  }

  void bad_arguments_are_explained() {
    Run r = cornu({"trian"});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(r.err.contains("Did you mean 'train'"), qPrintable(r.err));
    r = cornu({"train", "--demo", "spirals"});
    QVERIFY2(r.exit_code == 1 && r.err.contains("spiral"), qPrintable(r.err));
    r = cornu({"train", "--epochs", "zero"});
    QVERIFY2(r.exit_code == 1 && r.err.contains("--epochs"), qPrintable(r.err));
  }

  void demos_become_project_files() {
#ifndef CORNU_WITH_NODES
    QSKIP("built without project files (-DCORNU_WITH_GUI=OFF)");
#endif
    QTemporaryDir dir;
    Run r = cornu({"demos", "--write", dir.path() + "/projects"});
    QCOMPARE(r.exit_code, 0);
    for (const char* name : {"fashion-mnist-mlp", "spiral", "xor"}) {
      QString path = dir.path() + "/projects/" + name + ".cornu";
      QVERIFY2(QFile::exists(path), qPrintable(r.out));
      Run s = cornu({"summary", path});
      QCOMPARE(s.exit_code, 0);
      QVERIFY2(s.out.contains("Total params:"), qPrintable(s.out + s.err));
    }
    // The project's summary is the demo's.
    QCOMPARE(cornu({"summary", dir.path() + "/projects/fashion-mnist-mlp.cornu"}).out,
             cornu({"summary", "--demo", "fashion-mnist-mlp"}).out);
  }

  void train_project_saves_weights_and_history() {
#ifndef CORNU_WITH_NODES
    QSKIP("built without project files (-DCORNU_WITH_GUI=OFF)");
#endif
    QTemporaryDir dir;
    QVERIFY(cornu({"demos", "--write", dir.path()}).exit_code == 0);
    const QString project = dir.path() + "/xor.cornu";
    Run r = cornu({"train", project, "--epochs", "3", "--verbose", "0"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.out.contains("Test:") && r.out.contains("xor.weights.h5"), qPrintable(r.out + r.err));
    QVERIFY(QFile::exists(dir.path() + "/xor.weights.h5"));
    QFile f(project);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QJsonObject j = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(j["history"].toArray().size(), 1);
    QJsonObject run = j["history"].toArray()[0].toObject();
    QCOMPARE(run["epochs"].toArray().size(), 3);
    QCOMPARE(run["stopped"].toString(), QString("completed"));
    QVERIFY(run["test"].toObject().contains("accuracy"));
    f.close();
    // --resume continues from the saved weights; the second run joins the history.
    r = cornu({"train", project, "--epochs", "2", "--verbose", "0", "--resume"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(f.readAll()).object()["history"].toArray().size(), 2);
    f.close();
    // --no-save leaves the project alone.
    QVERIFY(cornu({"train", project, "--epochs", "1", "--verbose", "0", "--no-save"}).exit_code == 0);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(f.readAll()).object()["history"].toArray().size(), 2);
  }

  void train_project_honours_callbacks_validation_and_device() {
#ifndef CORNU_WITH_NODES
    QSKIP("built without project files (-DCORNU_WITH_GUI=OFF)");
#endif
    QTemporaryDir dir;
    QVERIFY(cornu({"demos", "--write", dir.path()}).exit_code == 0);
    const QString project = dir.path() + "/spiral.cornu";
    auto edit_settings = [&](const std::function<void(QJsonObject&)>& edit) {
      QFile f(project);
      QVERIFY(f.open(QIODevice::ReadOnly));
      QJsonObject j = QJsonDocument::fromJson(f.readAll()).object();
      f.close();
      QJsonObject settings = j["settings"].toObject();
      edit(settings);
      j["settings"] = settings;
      QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
      f.write(QJsonDocument(j).toJson());
    };
    // No epoch can improve val_loss by 1e9: with patience 0, training stops after the second epoch of 20.
    edit_settings([](QJsonObject& s) {
      s["epochs"] = 20;
      s["validation"] = "test";
      s["callbacks"] = QJsonArray{QJsonObject{{"class_name", "EarlyStopping"},
                                              {"config", QJsonObject{{"patience", 0}, {"min_delta", 1e9}}}}};
    });
    Run r = cornu({"train", project, "--verbose", "0"});
    QCOMPARE(r.exit_code, 0);
    QFile f(project);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject run = QJsonDocument::fromJson(f.readAll()).object()["history"].toArray()[0].toObject();
    f.close();
    QCOMPARE(run["stopped"].toString(), QString("stopped early"));
    QCOMPARE(run["epochs"].toArray().size(), 2);
    QVERIFY2(run["epochs"].toArray()[0].toObject().contains("val_loss"), "the test set validates each epoch");
    QCOMPARE(run["device"].toString(), QString("cpu"));
    QVERIFY(run.contains("seed"));
    QCOMPARE(run["data"].toObject()["name"].toString(), QString("spirals"));
    QCOMPARE(run["data"].toObject()["fingerprint"].toString().size(), 16);
    QVERIFY2(QFile::exists(dir.path() + "/" + run["weights"].toString()), qPrintable(run["weights"].toString()));
    QVERIFY(run["weights"].toString().startsWith("spiral.runs/"));

    // A GPU this build cannot train on is refused before any training, saying what to choose.
    edit_settings([](QJsonObject& s) { s["device"] = "gpu"; });
    r = cornu({"train", project, "--verbose", "0"});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(r.err.contains("choose device cpu", Qt::CaseInsensitive), qPrintable(r.err));
  }

  // A project whose data is the user's CSV file: rows it cannot read are skipped and reported, and the data's
  // fingerprint is printed; "image-folder" (registered by main() from ui/) is known to the command line too.
  void train_project_on_a_csv_file() {
#ifndef CORNU_WITH_NODES
    QSKIP("built without project files (-DCORNU_WITH_GUI=OFF)");
#endif
    QTemporaryDir dir;
    QVERIFY(cornu({"demos", "--write", dir.path()}).exit_code == 0);
    QString csv = "x1,x2,label\n";
    for (int i = 0; i < 200; ++i) {
      const int a = i % 2, b = (i / 2) % 2;
      csv += QString("%1,%2,%3\n").arg(a + 0.01 * (i % 7)).arg(b - 0.01 * (i % 5)).arg(a ^ b);
      if (i == 50) csv += "oops,1,0\n";  // line 53
    }
    QFile data(dir.path() + "/xor.csv");
    QVERIFY(data.open(QIODevice::WriteOnly));
    data.write(csv.toUtf8());
    data.close();
    const QString project = dir.path() + "/xor.cornu";
    auto set_dataset = [&](const QJsonObject& dataset) {
      QFile f(project);
      QVERIFY(f.open(QIODevice::ReadOnly));
      QJsonObject j = QJsonDocument::fromJson(f.readAll()).object();
      f.close();
      QJsonObject settings = j["settings"].toObject();
      settings["dataset"] = dataset;
      j["settings"] = settings;
      QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
      f.write(QJsonDocument(j).toJson());
    };
    set_dataset({{"name", "csv"}, {"path", data.fileName()}, {"bad_rows", "skip"}});
    Run r = cornu({"train", project, "--epochs", "1", "--verbose", "0", "--no-save"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.err.contains("xor.csv' line 53, column 1 ('x1') holds 'oops'"), qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains("Data: 160 training and 40 test samples, fingerprint "), qPrintable(r.out + r.err));
#ifdef CORNU_WITH_UI
    set_dataset({{"name", "image-folder"}, {"path", dir.path() + "/no-such-folder"}});
    r = cornu({"train", project, "--epochs", "1", "--verbose", "0", "--no-save"});
    QVERIFY(r.exit_code != 0);
    QVERIFY2(r.err.contains("no-such-folder' (path): it does not exist"), qPrintable(r.out + r.err));
#endif
  }

  void broken_projects_are_explained() {
#ifndef CORNU_WITH_NODES
    QSKIP("built without project files (-DCORNU_WITH_GUI=OFF)");
#endif
    QTemporaryDir dir;
    const QString path = dir.path() + "/broken.cornu";
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"format":"cornu-project","version":1,"graph":{"nodes":[{"id":1,"type":"Dense","name":"d","params":{"units":"x"}}],"edges":[]}})");
    f.close();
    Run r = cornu({"summary", path});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(r.err.contains("$.graph.nodes[0].params.units") && r.err.contains("expected an integer"), qPrintable(r.err));
    // A project that loads but has problems: they are listed, and nothing is built.
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(R"({"format":"cornu-project","version":1,"graph":{"nodes":[{"id":1,"type":"Dense","name":"d","params":{"units":3}}],"edges":[]}})");
    f.close();
    r = cornu({"summary", path});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(r.err.contains("error: 'd' has no input") && r.err.contains("no Input"), qPrintable(r.err));
    r = cornu({"train", path});
    QCOMPARE(r.exit_code, 1);
    QVERIFY2(r.err.contains("names no dataset"), qPrintable(r.err));
    QCOMPARE(cornu({"summary", dir.path() + "/missing.cornu"}).exit_code, 1);
  }

  void export_draws_a_project() {
#ifndef CORNU_WITH_NODES
    QSKIP("built without project files (-DCORNU_WITH_GUI=OFF)");
#endif
    QTemporaryDir dir;
    QVERIFY(cornu({"demos", "--write", dir.path()}).exit_code == 0);
    const QString project = dir.path() + "/fashion-mnist-mlp.cornu", svg = dir.path() + "/mlp.svg";
    Run r = cornu({"export", project, "--to", svg});
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.out.contains("Wrote " + svg) && r.out.contains("bytes"), qPrintable(r.out + r.err));
    QFile f(svg);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QByteArray drawing = f.readAll();
    f.close();
    QVERIFY(drawing.contains("<svg") && drawing.contains("(None, 784)") && !drawing.contains("dense_1"));
    QVERIFY2(r.out.contains(QString::number(drawing.size()) + " bytes"), qPrintable(r.out));
    // The options reach the drawing.
    r = cornu({"export", project, "--to", svg, "--show-layer-names", "--show-layer-activations", "--no-shapes"});
    QCOMPARE(r.exit_code, 0);
    QVERIFY(f.open(QIODevice::ReadOnly));
    drawing = f.readAll();
    f.close();
    QVERIFY(drawing.contains("dense_1") && drawing.contains("softmax") && !drawing.contains("(None, 784)"));
    const QString png = dir.path() + "/mlp.png";
    r = cornu({"export", project, "--to", png, "--rankdir", "LR", "--dpi", "150"});
    QCOMPARE(r.exit_code, 0);
    QFile image(png);
    QVERIFY(image.open(QIODevice::ReadOnly));
    QVERIFY(image.read(8) == QByteArray("\x89PNG\r\n\x1a\n", 8));
  }

  void export_explains_bad_arguments() {
#ifndef CORNU_WITH_NODES
    QSKIP("built without project files (-DCORNU_WITH_GUI=OFF)");
#endif
    QTemporaryDir dir;
    QVERIFY(cornu({"demos", "--write", dir.path()}).exit_code == 0);
    const QString project = dir.path() + "/xor.cornu";
    Run r = cornu({"export", project, "--to", dir.path() + "/xor.jpg"});
    QVERIFY2(r.exit_code == 1 && r.err.contains(".svg") && r.err.contains(".png") && r.err.contains("xor.jpg"),
             qPrintable(r.err));
    QVERIFY(!QFile::exists(dir.path() + "/xor.jpg"));
    r = cornu({"export", project});
    QVERIFY2(r.exit_code == 1 && r.err.contains("--to"), qPrintable(r.err));
    r = cornu({"export", "--to", dir.path() + "/xor.svg"});
    QVERIFY2(r.exit_code == 1 && r.err.contains("name the project"), qPrintable(r.err));
    r = cornu({"export", project, "--to", dir.path() + "/xor.svg", "--rankdir", "BT"});
    QVERIFY2(r.exit_code == 1 && r.err.contains("--rankdir") && r.err.contains("LR"), qPrintable(r.err));
    r = cornu({"export", project, "--to", dir.path() + "/xor.png", "--dpi", "9000"});
    QVERIFY2(r.exit_code == 1 && r.err.contains("--dpi") && r.err.contains("600"), qPrintable(r.err));
    r = cornu({"export", dir.path() + "/missing.cornu", "--to", dir.path() + "/missing.svg"});
    QVERIFY2(r.exit_code == 1 && r.err.contains("missing.cornu"), qPrintable(r.err));
    QVERIFY(QDir(dir.path()).entryList({"*.svg", "*.png"}).isEmpty());
  }

  void the_editor_starts_and_shows_a_project() {
#ifndef CORNU_WITH_UI
    QSKIP("This build has no editor (built without Qt Widgets).");
#else
    QTemporaryDir dir;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("QT_QPA_PLATFORM", "offscreen");
    env.insert("XDG_CONFIG_HOME", dir.path());  // the user's window layout stays out of it
    env.insert("XDG_DATA_HOME", dir.path());
    const QString shot = dir.path() + "/editor.png";
    Run r = run(CORNU_EXECUTABLE, {"gui", "--example", "spiral", "--screenshot", shot}, env);
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    QImage image(shot);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 800 && image.height() >= 500);
    // Not a blank window: the canvas, cards and panels give it many colours.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7)
      for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 50, qPrintable(QString::number(colours.size())));
    r = run(CORNU_EXECUTABLE, {"gui", "--example", "nope"}, env);
    QVERIFY2(r.exit_code == 1 && r.err.contains("nope") && r.err.contains("spiral"), qPrintable(r.err));
    r = run(CORNU_EXECUTABLE, {"gui", dir.path() + "/missing.cornu", "--screenshot", shot}, env);
    QCOMPARE(r.exit_code, 1);
#endif
  }

  void info_reports_versions() {
    Run r = cornu({"info"});
    QCOMPARE(r.exit_code, 0);
    for (const char* what : {"Cornu", "OpenBLAS: core", "HDF5:", "Qt:", "CUDA"}) QVERIFY2(r.out.contains(what), qPrintable(r.out));
  }

  void thirty_seconds_example_runs() {
    Run r = run(CORNU_EXAMPLE_EXECUTABLE, {});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains("test loss") && r.out.contains("Epoch 5/5"), qPrintable(r.out));
  }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
