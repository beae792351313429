// Direction 3: io::python_script for several models on a tiny dataset (a CSV file, .npz files: the data registry's
// csv and numpy entries); Keras runs each script with epochs=1 (check_python_scripts.py) and the model it builds
// must have the config, parameter count and compile settings of the .keras file Cornu writes for the same model.
#include <QTemporaryDir>
#include <QtTest>

#include <functional>

#include "cornu.h"
#include "io/keras_io.h"
#include "keras_oracle.h"

using namespace cornu;
using namespace cornu::layers;
using namespace cornu::interop;

namespace {

Config optimizer(const char* name, double lr) { return {{"class_name", name}, {"config", {{"learning_rate", lr}}}}; }

struct ScriptCase {
  std::string name;
  std::function<ModelPtr()> build;
  std::string dataset;     // "csv", "npz_classes" or "npz_regression"
  std::string validation;  // PythonScriptOptions::validation
};

ModelPtr csv_mlp() {
  auto model = std::make_shared<Sequential>("csv_mlp");
  model->add(Input(Shape{4}, "measurements"));
  model->add(Dense(8, "relu"));
  model->add(Dropout(0.2));
  model->add(Dense(3, "softmax"));
  model->compile(optimizer("Adam", 0.01), "sparse_categorical_crossentropy", {"accuracy"});
  return model;
}

ModelPtr npz_branches() {
  auto x = Input(Shape{6}, "x");
  auto a = make("Dense", {{"units", 8}, {"activation", "tanh"}, {"name", "branch_a"}})(x);
  auto b = make("Dense", {{"units", 8}, {"activation", "relu"}, {"name", "branch_b"}})(x);
  auto h = make("Concatenate", {{"name", "joined"}})({a, b});
  h = make("Add", {{"name", "residual"}})({make("Dense", {{"units", 16}, {"name", "mix"}})(h), h});
  auto out = make("Dense", {{"units", 3}, {"activation", "softmax"}, {"name", "probs"}})(h);
  auto model = std::make_shared<Model>(std::vector{x}, std::vector{out}, "branches");
  model->compile(optimizer("RMSprop", 0.002), "sparse_categorical_crossentropy", {"accuracy"});
  return model;
}

ModelPtr npz_regression() {
  auto model = std::make_shared<Sequential>("regressor");
  model->add(Input(Shape{6}));
  model->add(make("GaussianNoise", {{"stddev", 0.05}}));
  model->add(Dense(16, {{"activation", "elu"}, {"kernel_initializer", "he_normal"}}));
  model->add(make("LeakyReLU", {{"negative_slope", 0.1}}));
  model->add(Dense(1));
  model->compile(optimizer("SGD", 0.05), "mean_squared_error", {"mae"});
  return model;
}

const std::vector<ScriptCase> kCases = {
    {"csv_mlp", csv_mlp, "csv", "split"},
    {"npz_branches", npz_branches, "npz_classes", "test"},
    {"npz_regression", npz_regression, "npz_regression", "none"},
};

// Tiny datasets: 40 training rows (4 or 6 features), classes 0..2 or a float target.
Config write_datasets(const QString& dir, const std::string& which) {
  if (which == "csv") {
    std::string csv = "f0,f1,f2,f3,label\n";
    for (int r = 0; r < 40; ++r) {
      for (int c = 0; c < 4; ++c) csv += std::to_string(random_normal_at(5, static_cast<uint64_t>(r * 4 + c))) + ",";
      csv += std::to_string(r % 3) + "\n";
    }
    write_text(dir + "/tiny.csv", csv);
    return {{"name", "csv"}, {"path", (dir + "/tiny.csv").toStdString()}, {"label_column", "label"}};
  }
  const bool classes = which == "npz_classes";
  auto labels = [&](int64_t n, uint64_t key) {
    if (!classes) return random_normal_tensor(Shape{n}, key);
    std::vector<int32_t> y(static_cast<size_t>(n));
    for (size_t i = 0; i < y.size(); ++i) y[i] = static_cast<int32_t>(i % 3);
    return Tensor::from_vector(Shape{n}, y);
  };
  const QString path = dir + "/" + QString::fromStdString(which) + ".npz";
  data::write_npz(path.toStdString(), {{"x_train", random_normal_tensor(Shape{40, 6}, 6)}, {"y_train", labels(40, 7)},
                                       {"x_test", random_normal_tensor(Shape{12, 6}, 8)}, {"y_test", labels(12, 9)}});
  return {{"name", "numpy"}, {"path", path.toStdString()}};
}

}  // namespace

class TestPythonExport : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void keras_runs_the_script_and_builds_the_same_model() {
    QVERIFY(dir_.isValid());
    std::vector<std::string> written;
    std::string problems;
    for (const ScriptCase& c : kCases) {
      const QString folder = dir_.path() + "/" + QString::fromStdString(c.name);
      QDir().mkpath(folder);
      try {
        clear_session();
        set_random_seed(9);
        ModelPtr model = c.build();
        io::PythonScriptOptions options;
        options.dataset = write_datasets(folder, c.dataset);
        options.epochs = 1;
        options.batch_size = 8;
        options.validation = c.validation;
        write_text(folder + "/script.py", io::python_script(*model, options));
        io::save_model(*model, (folder + "/model.keras").toStdString());
        written.push_back(c.name);
      } catch (const std::exception& e) {
        problems += "\n  " + c.name + ": " + e.what();
      }
    }
    const OracleRun run = run_oracle("check_python_scripts.py", {dir_.path()});
    QVERIFY2(run.error.isEmpty(), qPrintable(run.error));
    problems += failures(run, written);
    if (!problems.empty()) qWarning("the scripts are kept in %s", qPrintable(dir_.path()));
    dir_.setAutoRemove(problems.empty());
    QVERIFY2(problems.empty(), problems.c_str());
  }
};

QTEST_GUILESS_MAIN(TestPythonExport)
#include "test_python_export.moc"
