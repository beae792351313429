// Direction 2: models Keras builds, trains a little and saves (make_keras_models.py), read by io::load_model from
// both formats: predictions match Keras's (rel. 1e-5), parameter counts match, compile settings come along. Then
// Keras -> Cornu -> Keras: Cornu saves what it read, and Keras must load and predict it as it did originally.
// Models using a layer class Cornu does not register yet are listed and left out; they join once it does.
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

#include "cornu.h"
#include "io/keras_io.h"
#include "keras_oracle.h"

using namespace cornu;
using namespace cornu::interop;

class TestKerasImport : public QObject {
  Q_OBJECT
  QTemporaryDir keras_dir_, cornu_dir_;
  OracleRun made_;
  std::vector<std::string> supported_;

 private slots:
  void initTestCase() {
    QVERIFY(keras_dir_.isValid() && cornu_dir_.isValid());
    made_ = run_oracle("make_keras_models.py", {keras_dir_.path()});
    QVERIFY2(made_.error.isEmpty(), qPrintable(made_.error));
    QVERIFY2(!made_.cases.empty(), "make_keras_models.py made no model");
    for (const QJsonObject& c : made_.cases) {
      QVERIFY2(c.value("ok").toBool(), compact(c).c_str());  // Keras failing on its own models: the script's bug
      QStringList missing;
      for (const QJsonValue& cls : c.value("classes").toArray())
        if (!layer_registry().contains(cls.toString().toStdString())) missing << cls.toString();
      if (missing.isEmpty()) supported_.push_back(c.value("case").toString().toStdString());
      else qInfo("not checked yet: %s uses %s, which Cornu does not register", qPrintable(c.value("case").toString()),
                 qPrintable(missing.join(", ")));
    }
  }

  void cornu_loads_and_predicts_the_same() {
    std::string problems;
    for (const std::string& name : supported_) {
      const QJsonObject info = made_.find(QString::fromStdString(name));
      const QString folder = keras_dir_.path() + "/" + QString::fromStdString(name);
      const auto inputs = read_numbered(folder, "input"), expected = read_numbered(folder, "expected");
      const int64_t params = info.value("count_params").toInteger();
      for (const char* file : {"model.h5", "model.keras"}) {
        const std::string path = (folder + "/" + file).toStdString();
        std::string p = check_cornu_load(path, inputs, expected, params);
        if (p.empty()) {  // compiled as Keras saved it
          try {
            const io::LoadedModel loaded = io::load_model(path);
            const bool compiled_in_keras = !info.value("compile").toObject().isEmpty();
            if (loaded.model->compiled() != compiled_in_keras) {
              p = std::string("compiled() is ") + (loaded.model->compiled() ? "true" : "false") + "; warnings:";
              for (const auto& w : loaded.warnings) p += " " + w;
            }
          } catch (const std::exception& e) {
            p = e.what();
          }
        }
        if (p.empty()) qInfo("%s/%s: ok, %lld parameters", name.c_str(), file, static_cast<long long>(params));
        else problems += "\n  " + name + "/" + file + ": " + p;
      }
    }
    QVERIFY2(problems.empty(), problems.c_str());
  }

  // Keras -> Cornu -> Keras: the files Cornu writes from what it read load in Keras and predict the same.
  void keras_reads_what_cornu_saved_again() {
    std::vector<std::string> written;
    std::string problems;
    for (const std::string& name : supported_) {
      const QString from = keras_dir_.path() + "/" + QString::fromStdString(name);
      const QString to = cornu_dir_.path() + "/" + QString::fromStdString(name);
      QDir().mkpath(to);
      try {
        io::LoadedModel loaded = io::load_model((from + "/model.keras").toStdString());
        for (const QString& f : QDir(from).entryList({"input_*.npy", "expected_*.npy", "compile.json"}))
          QFile::copy(from + "/" + f, to + "/" + f);
        io::save_model(*loaded.model, (to + "/cornu.keras").toStdString());
        io::save_model(*loaded.model, (to + "/cornu.h5").toStdString());
        written.push_back(name);
      } catch (const std::exception& e) {
        problems += "\n  " + name + ": " + e.what();
      }
    }
    QVERIFY2(problems.empty(), problems.c_str());
    const OracleRun run = run_oracle("check_cornu_files.py", {cornu_dir_.path()});
    QVERIFY2(run.error.isEmpty(), qPrintable(run.error));
    const std::string f = failures(run, written);
    QVERIFY2(f.empty(), f.c_str());
  }
};

QTEST_GUILESS_MAIN(TestKerasImport)
#include "test_keras_import.moc"
