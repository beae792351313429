// What the interop tests share: running the oracle scripts (tests/interop/*.py) under the venv's real Keras, one
// process for many cases, and writing the case folders they read (model files, inputs, Cornu's predictions,
// expected compile settings). See ../shared/docs/keras-formats.md, section 6.
#pragma once
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/random.h"
#include "data/npy.h"
#include "io/keras_io.h"
#include "model/model.h"

namespace cornu::interop {

// The comparison of oracle_common.compare_arrays: |a - b| <= 1e-5 |b| + 1e-6 max(1, max |b|), elementwise.
inline constexpr double kRelTol = 1e-5;
inline constexpr double kAbsFloorScale = 1e-6;

// "" when `got` matches `expected`, else where and by how much it does not. `max_rel` receives the largest error.
inline std::string compare_tensors(const Tensor& got, const Tensor& expected, double* max_rel = nullptr) {
  if (got.shape() != expected.shape())
    return "shape " + got.shape().to_string() + " but expected " + expected.shape().to_string();
  const auto g = got.to_vector(), e = expected.to_vector();
  double largest = 1.0;
  for (float v : e) largest = std::max(largest, static_cast<double>(std::fabs(v)));
  const double atol = kAbsFloorScale * largest;
  double worst_ratio = 0, worst_rel = 0;
  size_t worst = 0;
  for (size_t i = 0; i < g.size(); ++i) {
    const double diff = std::fabs(static_cast<double>(g[i]) - e[i]);
    if (!std::isfinite(g[i])) return "non-finite value at " + std::to_string(i);
    const double ratio = diff / (kRelTol * std::fabs(e[i]) + atol);
    worst_rel = std::max(worst_rel, diff / std::max(static_cast<double>(std::fabs(e[i])), atol / kRelTol));
    if (ratio > worst_ratio) worst_ratio = ratio, worst = i;
  }
  if (max_rel) *max_rel = worst_rel;
  if (worst_ratio <= 1.0) return "";
  return "element " + std::to_string(worst) + ": " + std::to_string(g[worst]) + " vs " + std::to_string(e[worst]) +
         " (max relative error " + std::to_string(worst_rel) + ")";
}

inline QString scripts_dir() {
  const QByteArray dir = qgetenv("CORNU_INTEROP_SCRIPTS");
  return dir.isEmpty() ? QString(CORNU_INTEROP_SOURCE_DIR) : QString::fromLocal8Bit(dir);
}

// One run of an oracle script: its JSON lines by case, the Keras version it reports, and why it failed.
struct OracleRun {
  std::vector<QJsonObject> cases;
  QString keras_version;
  QString error;  // empty when the script ran to its end
  QJsonObject find(const QString& name) const {
    for (const auto& c : cases)
      if (c.value("case").toString() == name) return c;
    return {};
  }
};

// Runs tests/interop/<script> with the venv's Python (CORNU_KERAS_PYTHON) on `args`, KERAS_BACKEND=jax on the CPU.
inline OracleRun run_oracle(const QString& script, const QStringList& args, int timeout_s = 480) {
  OracleRun run;
  const QString python = QString::fromLocal8Bit(qgetenv("CORNU_KERAS_PYTHON"));
  if (python.isEmpty() || !QFile::exists(python)) {
    run.error = "No Keras Python at '" + python + "' (CORNU_KERAS_PYTHON): the interop.venv test makes it "
                "(tests/interop/make_venv.sh BUILD_DIR); run the tests with ctest -L interop.";
    return run;
  }
  QProcess p;
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.insert("KERAS_BACKEND", "jax");
  env.insert("JAX_PLATFORMS", "cpu");
  env.insert("PYTHONDONTWRITEBYTECODE", "1");
  p.setProcessEnvironment(env);
  p.setWorkingDirectory(scripts_dir());
  p.start(python, QStringList{scripts_dir() + "/" + script} + args);
  if (!p.waitForStarted(30000)) {
    run.error = "cannot start " + python + ": " + p.errorString();
    return run;
  }
  if (!p.waitForFinished(timeout_s * 1000)) {
    p.kill();
    p.waitForFinished();
    run.error = script + " ran longer than " + QString::number(timeout_s) + " s";
  }
  const QString err = QString::fromUtf8(p.readAllStandardError());
  for (const QByteArray& line : p.readAllStandardOutput().split('\n')) {
    const QJsonDocument doc = QJsonDocument::fromJson(line);
    if (!doc.isObject()) continue;
    const QJsonObject o = doc.object();
    if (o.contains("keras_version")) {
      run.keras_version = o.value("keras_version").toString();
      qInfo("%s: Keras %s, backend %s, jax %s", qPrintable(script), qPrintable(run.keras_version),
            qPrintable(o.value("backend").toString()), qPrintable(o.value("jax_version").toString()));
    } else {
      run.cases.push_back(o);
    }
  }
  if (run.error.isEmpty() && (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0))
    run.error = script + " failed (exit " + QString::number(p.exitCode()) + "): " + err.right(3000);
  return run;
}

inline std::string compact(const QJsonObject& o) {
  return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

// Every case of `run` reported ok, else a message listing each failed case with what the oracle said (also logged).
inline std::string failures(const OracleRun& run, const std::vector<std::string>& expected_cases) {
  std::string out;
  for (const auto& name : expected_cases) {
    const QJsonObject c = run.find(QString::fromStdString(name));
    if (c.isEmpty()) {
      out += "\n  " + name + ": no result from the oracle";
    } else if (!c.value("ok").toBool()) {
      out += "\n  " + name + ": " + compact(c);
    } else {
      qInfo("%s: ok %s", name.c_str(), compact(c).c_str());
    }
  }
  if (!out.empty()) qWarning("failed cases:%s", out.c_str());
  return out;
}

inline Tensor random_normal_tensor(const Shape& s, uint64_t key, float scale = 1.0f) {
  std::vector<float> v(static_cast<size_t>(s.size()));
  for (size_t i = 0; i < v.size(); ++i) v[i] = scale * random_normal_at(key, i);
  return Tensor::from_vector(s, v);
}

// Inputs for a model: `batch` samples of each input's shape, normal values; with int_high > 0, whole numbers in
// [0, int_high) instead (indices for Embedding, 0 included: the padding of mask_zero).
inline std::vector<Tensor> random_inputs(const Model& model, int64_t batch, uint64_t key, int64_t int_high = 0) {
  std::vector<Tensor> x;
  for (size_t i = 0; i < model.inputs().size(); ++i) {
    std::vector<int64_t> dims = model.inputs()[i].shape().dims();
    dims[0] = batch;
    if (int_high > 0) {
      std::vector<float> v(static_cast<size_t>(Shape(dims).size()));
      for (size_t k = 0; k < v.size(); ++k)
        v[k] = std::floor(static_cast<float>(int_high) * random_uniform_at(mix_key(key, i), k) * 0.9999f);
      x.push_back(Tensor::from_vector(Shape(dims), v));
    } else {
      x.push_back(random_normal_tensor(Shape(dims), mix_key(key, i)));
    }
  }
  return x;
}

// Random, non-trivial weights: biases and slopes non-zero too; variances (moving_variance) positive.
inline void randomize_weights(Model& model, uint64_t key) {
  std::vector<Tensor> weights = model.get_weights();
  std::vector<Variable*> vars = model.all_variables();
  for (size_t i = 0; i < weights.size(); ++i) {
    const bool variance = i < vars.size() && vars[i]->name.find("variance") != std::string::npos;
    std::vector<float> v(static_cast<size_t>(weights[i].size()));
    for (size_t k = 0; k < v.size(); ++k)
      v[k] = variance ? 0.5f + 1.5f * random_uniform_at(mix_key(key, i), k) : 0.5f * random_normal_at(mix_key(key, i), k);
    weights[i] = Tensor::from_vector(weights[i].shape(), v);
  }
  model.set_weights(weights);
}

// compile() settings in compile.json's form ({"optimizer": {"class_name", "learning_rate"}, "loss", "metrics",
// "loss_weights"}), {} when uncompiled: what the files must carry back to Keras.
inline Config expected_compile(const Model& model) {
  if (!model.compiled()) return Config::object();
  const CompileOptions& c = model.compile_options();
  Config out = Config::object();
  if (c.optimizer.is_string()) {
    out["optimizer"] = {{"class_name", c.optimizer}};
  } else {
    out["optimizer"] = {{"class_name", c.optimizer.at("class_name")}};
    if (c.optimizer.contains("config") && c.optimizer["config"].contains("learning_rate") &&
        c.optimizer["config"]["learning_rate"].is_number())
      out["optimizer"]["learning_rate"] = c.optimizer["config"]["learning_rate"];
  }
  out["loss"] = c.loss.size() == 1 ? c.loss[0] : Config(c.loss);
  if (!c.metrics.empty()) {
    Config m = Config::array();
    for (const auto& list : c.metrics) m.push_back(Config(list));
    out["metrics"] = c.metrics.size() == 1 ? m[0] : m;
  }
  if (!c.loss_weights.empty()) out["loss_weights"] = c.loss_weights;
  return out;
}

inline void write_text(const QString& path, const std::string& text) {
  QFile f(path);
  QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path));
  f.write(text.data(), static_cast<qint64>(text.size()));
}

inline std::string to_std(const QString& s) { return s.toStdString(); }

// A case folder for check_cornu_files.py: `files` (model.h5, model.keras...) written by io::save_model, the inputs,
// Cornu's predictions on them and compile.json. Returns "" or why Cornu could not write it.
inline std::string write_case(const QString& folder, Model& model, const std::vector<Tensor>& inputs,
                              const std::vector<std::string>& files = {"model.h5", "model.keras"}) {
  QDir().mkpath(folder);
  try {
    for (size_t i = 0; i < inputs.size(); ++i)
      data::write_npy(to_std(folder + "/input_" + QString::number(i) + ".npy"), inputs[i]);
    std::vector<Tensor> y = model.predict(inputs);
    for (size_t i = 0; i < y.size(); ++i)
      data::write_npy(to_std(folder + "/expected_" + QString::number(i) + ".npy"), y[i]);
    write_text(folder + "/compile.json", expected_compile(model).dump());
    for (const auto& f : files) io::save_model(model, to_std(folder) + "/" + f);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

inline std::vector<Tensor> read_numbered(const QString& folder, const QString& prefix) {
  std::vector<Tensor> out;
  for (int i = 0;; ++i) {
    const QString path = folder + "/" + prefix + "_" + QString::number(i) + ".npy";
    if (!QFile::exists(path)) break;
    out.push_back(data::read_npy(to_std(path)));
  }
  return out;
}

// Loads `path` with io::load_model and compares its predictions on `inputs` with `expected` and its parameter
// count with `params` (-1: not checked). Returns "" or what went wrong.
inline std::string check_cornu_load(const std::string& path, const std::vector<Tensor>& inputs,
                                    const std::vector<Tensor>& expected, int64_t params) {
  try {
    io::LoadedModel loaded = io::load_model(path);
    if (params >= 0 && loaded.model->count_params() != params)
      return "count_params " + std::to_string(loaded.model->count_params()) + ", Keras says " + std::to_string(params);
    std::vector<Tensor> y = loaded.model->predict(inputs);
    if (y.size() != expected.size())
      return std::to_string(y.size()) + " outputs, expected " + std::to_string(expected.size());
    for (size_t i = 0; i < y.size(); ++i) {
      const std::string d = compare_tensors(y[i], expected[i]);
      if (!d.empty()) return "output " + std::to_string(i) + ": " + d;
    }
  } catch (const std::exception& e) {
    return std::string("load_model: ") + e.what();
  }
  return "";
}

}  // namespace cornu::interop
