#include "nodes/runs.h"

#include <QDateTime>
#include <cmath>

#include "nodes/compile.h"
#include "nodes/project.h"

namespace cornu::nodes {

FitOptions fit_options(const Settings& s) {
  FitOptions f;
  f.epochs = static_cast<int>(s.epochs);
  f.batch_size = static_cast<int>(s.batch_size);
  f.validation_split = s.validation_split;
  f.shuffle = s.shuffle;
  f.seed = s.seed;
  return f;
}

namespace {
Config finite_or_null(double v) { return std::isfinite(v) ? Config(v) : Config(nullptr); }
}  // namespace

Config run_record(const Settings& settings, const History& history, const Logs& test, const std::string& started,
                  const std::string& finished, const std::string& stopped) {
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
  return {{"started", started}, {"finished", finished}, {"device", "cpu"}, {"settings", s},
          {"epochs", epochs},   {"stopped", stopped},   {"test", t}};
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
