// Direction 4, layer by layer: for each case of layer_cases.json (the table to extend with every new layer),
// Cornu builds a one-layer functional model with random non-trivial weights, saves it (.keras and .h5) with its
// predictions on random inputs, and real Keras must predict the same at rel. 1e-5. Layers with randomness
// (Dropout, GaussianNoise) are compared in inference mode, as predict runs them. A registered layer class without a
// case fails the test, by name.
#include <QDir>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

#include <set>

#include "cornu.h"
#include "io/keras_io.h"
#include "keras_oracle.h"

using namespace cornu;
using namespace cornu::interop;

namespace {

struct LayerCase {
  std::string name, class_name;
  Config config;
  std::vector<Shape> inputs;
  int64_t int_inputs = 0;  // > 0: inputs are whole numbers in [0, int_inputs) (Embedding's indices)
  // The files Keras judges; "files": ["model.keras"] for a config Keras 3's own .h5 reader cannot restore
  // (it turns a list `axis` into -1: its own .h5 of LayerNormalization(axis=[-2, -1]) fails to load).
  std::vector<std::string> files{"model.h5", "model.keras"};
};

// Every tests/interop/layer_cases*.json (one file per layer family, so that families grow independently).
std::vector<LayerCase> read_cases() {
  std::vector<LayerCase> out;
  const QDir dir(scripts_dir());
  for (const QString& file : dir.entryList({"layer_cases*.json"}, QDir::Files, QDir::Name)) {
    QFile f(dir.filePath(file));
    if (!f.open(QIODevice::ReadOnly)) continue;
    const Config doc = Config::parse(f.readAll().toStdString());
    for (const Config& c : doc.at("cases")) {
      LayerCase lc{c.at("name"), c.at("class"), c.at("config"), {}};
      for (const Config& s : c.at("inputs")) lc.inputs.emplace_back(s.get<std::vector<int64_t>>());
      lc.int_inputs = c.value("int_inputs", int64_t{0});
      if (c.contains("files")) lc.files = c["files"].get<std::vector<std::string>>();
      out.push_back(std::move(lc));
    }
  }
  return out;
}

}  // namespace

class TestLayerParity : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  std::vector<LayerCase> cases_;

 private slots:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    cases_ = read_cases();
    QVERIFY2(!cases_.empty(), qPrintable("no cases in " + scripts_dir() + "/layer_cases.json"));
  }

  void every_registered_layer_has_a_case() {
    std::set<std::string> covered{"InputLayer"};  // part of every case's model
    for (const auto& c : cases_) covered.insert(c.class_name);
    QStringList missing;
    for (const auto& entry : layer_registry().entries())
      if (!covered.count(entry.name)) missing << QString::fromStdString(entry.name);
    QVERIFY2(missing.isEmpty(), qPrintable("registered layers without a case in tests/interop/layer_cases*.json: " +
                                           missing.join(", ")));
  }

  void keras_predicts_as_cornu_does() {
    std::vector<std::string> written;
    std::string problems;
    for (size_t i = 0; i < cases_.size(); ++i) {
      const LayerCase& c = cases_[i];
      try {
        clear_session();
        set_random_seed(41);
        std::vector<SymbolicTensor> inputs;
        for (size_t k = 0; k < c.inputs.size(); ++k) inputs.push_back(Input(c.inputs[k], "in_" + std::to_string(k)));
        Config config = c.config;
        config["name"] = c.name;
        const auto outputs = call_layer(make_layer(c.class_name, config), inputs);
        Model model(inputs, outputs, "parity_" + c.name);
        randomize_weights(model, mix_key(1000, i));
        const std::string error = write_case(dir_.path() + "/" + QString::fromStdString(c.name), model,
                                             random_inputs(model, 4, mix_key(2000, i), c.int_inputs), c.files);
        if (error.empty()) written.push_back(c.name);
        else problems += "\n  " + c.name + ": Cornu cannot save it: " + error;
      } catch (const std::exception& e) {
        problems += "\n  " + c.name + ": Cornu cannot build it: " + e.what();
      }
    }
    const OracleRun run = run_oracle("check_cornu_files.py", {dir_.path()});
    QVERIFY2(run.error.isEmpty(), qPrintable(run.error));
    problems += failures(run, written);
    QVERIFY2(problems.empty(), problems.c_str());
  }
};

QTEST_GUILESS_MAIN(TestLayerParity)
#include "test_layer_parity.moc"
