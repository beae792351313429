#include "nodes/runs.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <cmath>
#include <cstdio>

#include "backend/devices.h"
#include "callbacks/callback_registry.h"
#include "core/error.h"
#include "data/builtin_datasets.h"
#include "model/weights_io.h"

#include "nodes/compile.h"
#include "nodes/project.h"

namespace cornu::nodes {

namespace {

Config finite_or_null(double v) { return std::isfinite(v) ? Config(v) : Config(nullptr); }

// "models/mnist.cornu" -> "models/mnist".
QString project_stem(const std::string& project_path) {
  QString stem = QString::fromStdString(project_path);
  if (stem.endsWith(".cornu")) stem.chop(6);
  return stem;
}

// `relative` in the project's folder.
std::string beside_project(const std::string& project_path, const std::string& relative) {
  const QDir folder = QFileInfo(QString::fromStdString(project_path)).absoluteDir();
  return folder.filePath(QString::fromStdString(relative)).toStdString();
}

void add_validation(FitOptions& fit, const Settings& s, const data::TrainTest& data) {
  if (s.validation == "split") fit.validation_split = s.validation_split;
  else if (s.validation == "test")
    fit.validation_data = std::make_pair(std::vector<Tensor>{data.test.x}, std::vector<Tensor>{data.test.y});
  else if (s.validation != "none")
    throw ValueError("validation is 'split', 'test' or 'none', got '" + s.validation + "'.");
}

}  // namespace

std::string checkpoint_path(const std::string& filepath, const std::string& project_path) {
  if (!filepath.empty() && QDir::isAbsolutePath(QString::fromStdString(filepath))) return filepath;
  if (project_path.empty())
    throw ValueError("ModelCheckpoint writes beside the project: save the project first, or give the checkpoint an "
                     "absolute filepath.");
  if (filepath.empty()) return (project_stem(project_path) + ".checkpoint.weights.h5").toStdString();
  return beside_project(project_path, filepath);
}

FitOptions fit_options(const Settings& s, const data::TrainTest& data, const std::string& project_path) {
  training_device(s.device);  // refuses a GPU this build cannot train on, saying what to choose
  FitOptions f;
  f.epochs = static_cast<int>(s.epochs);
  f.batch_size = static_cast<int>(s.batch_size);
  add_validation(f, s, data);
  f.shuffle = s.shuffle;
  f.seed = s.seed;
  for (const Config& given : s.callbacks) {
    Config callback = resolve_callback(given);
    if (callback.at("class_name") == "ModelCheckpoint")
      callback["config"]["filepath"] = checkpoint_path(callback["config"]["filepath"], project_path);
    f.callbacks.push_back(make_callback(callback));
  }
  return f;
}

Config run_record(const Settings& settings, const History& history, const Logs& test, const std::string& started,
                  const std::string& finished, const std::string& stopped, const RunDetails& details) {
  Config epochs = Config::array();
  for (size_t i = 0; i < history.epoch.size(); ++i) {
    Config e = {{"epoch", history.epoch[i] + 1}};
    for (const auto& [key, values] : history.history)
      if (i < values.size()) e[key] = finite_or_null(values[i]);
    epochs.push_back(e);
  }
  Config t = Config::object();
  for (const auto& [key, value] : test) t[key] = finite_or_null(value);
  Config s = project_to_json(ProjectData{{}, settings, Config::array()}).at("settings");
  Config data = nullptr;  // the dataset with every parameter spelled out: the run can be repeated exactly
  if (!settings.dataset.is_null()) {
    data = data::resolve_dataset(settings.dataset);
    if (!details.fingerprint.empty()) data["fingerprint"] = details.fingerprint;
  }
  Config record = {{"started", started}, {"finished", finished}, {"device", details.device},
                   {"seed", settings.seed}, {"settings", s},     {"data", data},
                   {"epochs", epochs},     {"stopped", stopped}, {"test", t}};
  if (!details.weights.empty()) record["weights"] = details.weights;
  return record;
}

std::string save_run_weights(const std::string& project_path, const std::string& started, Model& model) {
  const QString folder = QFileInfo(project_stem(project_path) + ".runs").fileName();
  QString name = QString::fromStdString(started).replace(':', '-');  // some filesystems refuse ':'
  QString relative = folder + "/" + name + ".weights.h5";
  auto file_of = [&](const QString& r) { return beside_project(project_path, r.toStdString()); };
  for (int n = 2; QFileInfo::exists(QString::fromStdString(file_of(relative))); ++n)
    relative = folder + "/" + name + "-" + QString::number(n) + ".weights.h5";
  const std::string file = file_of(relative);
  if (!QDir().mkpath(QFileInfo(QString::fromStdString(file)).absolutePath()))
    throw IoError("Cannot create the folder for the run's weights beside '" + project_path +
                  "': check that its folder is writable.");
  save_weights(model, file);  // atomic: a temporary file renamed over the target
  return relative.toStdString();
}

std::string run_weights_file(const std::string& project_path, const std::string& relative) {
  return beside_project(project_path, relative);
}

void append_run(ProjectData& project, Config run) {
  project.history.push_back(std::move(run));
  while (project.history.size() > kMaxHistoryRuns) project.history.erase(project.history.begin());
}

std::string utc_now() {
  return QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
}

ProjectData demo_project(const Demo& demo) {
  Settings s;
  s.epochs = demo.epochs;
  s.batch_size = demo.batch_size;
  s.validation_split = demo.validation_split;
  s.dataset = demo.dataset;
  clear_session();  // the same layer names whatever was built before in this process
  set_random_seed(s.seed);
  ModelPtr model = demo.build();
  return project_from_model(*model, s);
}

}  // namespace cornu::nodes
