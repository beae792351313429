// The Keras commands of `cornu`, end to end: export a trained project to .h5, .keras and .py, read the files
// back (summary, import, predict) and get the same predictions from each; bad input explained.
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <map>

#include "core/tensor.h"
#include "data/npy.h"

using namespace cornu;

namespace {

struct Run {
  int exit_code = -1;
  QString out, err;
};

Run cornu_run(const QStringList& args) {
  QProcess p;
  p.start(CORNU_EXECUTABLE, args);
  if (!p.waitForFinished(600000)) p.kill();
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
          QString::fromUtf8(p.readAllStandardError())};
}

std::vector<float> read_values(const QString& path) { return data::read_npy(path.toStdString()).to_vector(); }

// The "Total params" line of a summary.
QString total_params(const QString& summary) {
  for (const QString& line : summary.split('\n'))
    if (line.trimmed().startsWith("Total params:")) return line.trimmed();
  return {};
}

}  // namespace

class TestCliKeras : public QObject {
  Q_OBJECT
 private slots:
  void export_import_and_predict_agree() {
#ifndef CORNU_WITH_NODES
    QSKIP("built without project files (-DCORNU_WITH_GUI=OFF)");
#endif
    QTemporaryDir dir;
    const QString d = dir.path();
    QCOMPARE(cornu_run({"demos", "--write", d}).exit_code, 0);
    const QString project = d + "/xor.cornu";
    Run r = cornu_run({"train", project, "--epochs", "3", "--verbose", "0"});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));

    for (const char* ext : {".h5", ".keras", ".py"}) {
      r = cornu_run({"export", project, "--to", d + "/xor" + ext});
      QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
      QVERIFY2(r.out.contains("Wrote " + d + "/xor" + ext), qPrintable(r.out));
      if (QString(ext) != ".py") QVERIFY2(r.out.contains("trained weights") && r.out.contains("compiled"), qPrintable(r.out));
    }
    QFile script(d + "/xor.py");
    QVERIFY(script.open(QIODevice::ReadOnly));
    const QByteArray code = script.readAll();
    QVERIFY2(code.contains("import keras") && code.contains("load_weights") && code.contains("model.fit("), code.constData());

    // The summaries of the project and of both files count the same parameters.
    const QString params = total_params(cornu_run({"summary", project}).out);
    QVERIFY(!params.isEmpty());
    for (const char* file : {"/xor.h5", "/xor.keras"}) {
      r = cornu_run({"summary", d + file});
      QVERIFY2(r.exit_code == 0 && r.out.contains("written by Keras 3") && r.out.contains("Compiled with optimizer"),
               qPrintable(r.out + r.err));
      QCOMPARE(total_params(r.out), params);
    }

    // Back onto a canvas.
    r = cornu_run({"import", d + "/xor.keras", "-o", d + "/imported.cornu"});
    QVERIFY2(r.exit_code == 0 && QFile::exists(d + "/imported.weights.h5"), qPrintable(r.out + r.err));
    QCOMPARE(total_params(cornu_run({"summary", d + "/imported.cornu"}).out), params);
    r = cornu_run({"import", d + "/xor.keras", "-o", d + "/imported.cornu"});
    QVERIFY2(r.exit_code == 1 && r.err.contains("--force"), qPrintable(r.err));

    // The same predictions from the project, both files and the imported project.
    std::vector<float> x = {0, 0, 0, 1, 1, 0, 1, 1, 0.5f, 0.25f};
    data::write_npy((d + "/x.npy").toStdString(), Tensor::from_vector(Shape{5, 2}, x));
    std::vector<float> expected;
    for (const char* source : {"/xor.cornu", "/xor.h5", "/xor.keras", "/imported.cornu"}) {
      r = cornu_run({"predict", d + source, "--input", d + "/x.npy", "-o", d + "/y.npy"});
      QVERIFY2(r.exit_code == 0 && r.out.contains("5 predictions"), qPrintable(source + (": " + r.out + r.err)));
      auto y = read_values(d + "/y.npy");
      QCOMPARE(y.size(), size_t(5));
      if (expected.empty()) expected = y;
      else QCOMPARE(y, expected);
    }
  }

  void an_uncompiled_keras_model_imports_and_predicts() {
#ifndef CORNU_WITH_NODES
    QSKIP("built without project files (-DCORNU_WITH_GUI=OFF)");
#endif
    // Keras saved it uncompiled, with two inputs and two outputs (tests/data/keras/make_fixtures.py).
    QTemporaryDir dir;
    const QString d = dir.path(), fixtures = qEnvironmentVariable("CORNU_SOURCE_DIR") + "/tests/data/keras/";
    Run r = cornu_run({"import", fixtures + "functional.keras", "-o", d + "/f.cornu"});
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    std::map<std::string, Tensor> x{{"arr_0", data::read_npy((fixtures + "functional_x0.npy").toStdString())},
                                    {"arr_1", data::read_npy((fixtures + "functional_x1.npy").toStdString())}};
    data::write_npz((d + "/x.npz").toStdString(), x);
    for (const QString& source : {d + "/f.cornu", fixtures + "functional.keras"}) {
      r = cornu_run({"predict", source, "--input", d + "/x.npz", "-o", d + "/y.npz"});
      QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
      auto y = data::read_npz((d + "/y.npz").toStdString());
      QCOMPARE(y.size(), size_t(2));
      int i = 0;
      for (const auto& [name, values] : y) {  // keyed by output layer name, in name order here
        Q_UNUSED(name);
        const auto expected = read_values(fixtures + "functional_y" + QString::number(i++) + ".npy");
        const auto got = values.to_vector();
        QCOMPARE(got.size(), expected.size());
        for (size_t k = 0; k < got.size(); ++k) QVERIFY(std::abs(got[k] - expected[k]) <= 1e-5f * (1 + std::abs(expected[k])));
      }
    }
  }

  void bad_input_is_explained() {
#ifndef CORNU_WITH_NODES
    QSKIP("built without project files (-DCORNU_WITH_GUI=OFF)");
#endif
    QTemporaryDir dir;
    const QString d = dir.path();
    QCOMPARE(cornu_run({"demos", "--write", d}).exit_code, 0);
    QCOMPARE(cornu_run({"export", d + "/xor.cornu", "--to", d + "/xor.keras"}).exit_code, 0);
    // Samples of the wrong shape.
    data::write_npy((d + "/x3.npy").toStdString(), Tensor::from_vector(Shape{2, 3}, std::vector<float>(6, 0.0f)));
    Run r = cornu_run({"predict", d + "/xor.keras", "--input", d + "/x3.npy", "-o", d + "/y.npy"});
    QVERIFY2(r.exit_code == 1 && r.err.contains("(2,)") && r.err.contains("(2, 3)"), qPrintable(r.err));
    QVERIFY(!QFile::exists(d + "/y.npy"));
    r = cornu_run({"predict", d + "/xor.keras", "--input", d + "/x3.npy"});
    QVERIFY2(r.exit_code == 1 && r.err.contains("-o"), qPrintable(r.err));
    // Not a model file: nothing is created.
    QFile junk(d + "/junk.h5");
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write("this is not HDF5");
    junk.close();
    r = cornu_run({"import", d + "/junk.h5", "-o", d + "/junk.cornu"});
    QVERIFY2(r.exit_code == 1 && r.err.contains("junk.h5"), qPrintable(r.err));
    QVERIFY(!QFile::exists(d + "/junk.cornu"));
    r = cornu_run({"summary", d + "/missing.keras"});
    QVERIFY2(r.exit_code == 1 && r.err.contains("missing.keras"), qPrintable(r.err));
    r = cornu_run({"import", d + "/xor.keras"});
    QVERIFY2(r.exit_code == 1 && r.err.contains("-o PROJECT.cornu"), qPrintable(r.err));
    r = cornu_run({"export", d + "/xor.cornu", "--to", d + "/xor.onnx"});
    QVERIFY2(r.exit_code == 1 && r.err.contains("xor.onnx"), qPrintable(r.err));
  }
};

QTEST_APPLESS_MAIN(TestCliKeras)
#include "test_cli_keras.moc"
