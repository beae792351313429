// What the editor's live training costs: samples per second of fit() alone against the same run through a
// TrainingSession feeding the Training panel's charts (queued signals, ten bundles a second, drawn on the
// UI thread), on the same machine in the same process. The goal is under 5 % slower. Uses the Fashion-MNIST
// demo when Debian's dataset-fashion-mnist is installed, else the spiral demo; a second argument names the demo.
// The panel runs twice: without and with the teaching views (layer statistics, hidden-unit maps), whose cost
// is the difference. The UI thread's CPU time is reported too: on a busy machine it is the steadier figure.
// Usage: bench_training_overhead [EPOCHS] [DEMO] [live] (`live` skips fit() alone, to profile the panel).
#include <sys/resource.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "data/builtin_datasets.h"
#include "demos/demos.h"
#include "nodes/compile.h"
#include "nodes/document.h"
#include "nodes/runs.h"
#include "ui/dashboard.h"
#include "ui/layer_histograms.h"

using namespace cornu;

namespace {
// CPU seconds used so far by the calling thread (RUSAGE_THREAD) or the whole process (RUSAGE_SELF).
double cpu_seconds(int who) {
  rusage u{};
  getrusage(who, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
}  // namespace

int main(int argc, char** argv) {
  if (!std::getenv("QT_QPA_PLATFORM")) setenv("QT_QPA_PLATFORM", "offscreen", 1);
  QApplication app(argc, argv);
  nodes::ProjectData project = nodes::demo_project(find_demo(argc > 2 ? argv[2] : "fashion-mnist-mlp"));
  try {
    data::load_dataset(project.settings.dataset);
  } catch (const std::exception& e) {
    std::printf("Fashion-MNIST not available (%s): using the spiral demo\n", e.what());
    project = nodes::demo_project(find_demo("spiral"));
  }
  project.settings.epochs = argc > 1 ? std::atoi(argv[1]) : 2;
  const data::TrainTest data = data::load_dataset(project.settings.dataset);

  double plain = 0, live = 0, teaching = 0;
  double ui_cpu[2] = {0, 0}, all_cpu[2] = {0, 0};  // without and with the teaching views
  const bool live_only = argc > 3 && std::string(argv[3]) == "live";
  double views_share[2] = {0, 0};  // of fit()'s time, spent in the worker on the live views, without and with
  for (int round = 0; round < 2; ++round) {  // alternate, so neither side gets a warmer machine
    if (!live_only) {
      ModelPtr model = nodes::build_model(project);
      FitOptions fit = nodes::fit_options(project.settings, data);
      fit.verbose = 0;
      QElapsedTimer t;
      t.start();
      model->fit(data.train.x, data.train.y, fit);
      const double rows = static_cast<double>(data.train.x.rows()) * (1 - fit.validation_split) * fit.epochs;
      plain += rows / (t.nsecsElapsed() / 1e9);
    }
    for (const bool views : {false, true}) {
      nodes::Document doc;
      doc.reset(project);
      ui::Dashboard dashboard(doc);
      dashboard.resize(1200, 400);
      dashboard.show();
      ui::LayerHistograms histograms;  // as the Layer Statistics dock draws them
      histograms.resize(900, 400);
      histograms.show();
      QEventLoop loop;
      QObject::connect(&dashboard, &ui::Dashboard::training_changed, &loop, [&](bool on) { if (!on) loop.quit(); });
      QObject::connect(&dashboard, &ui::Dashboard::session_started, &loop, [&](ui::TrainingSession* session) {
        session->set_teaching_views(views);
        QObject::connect(session, &ui::TrainingSession::layer_stats, &histograms, &ui::LayerHistograms::add);
        QObject::connect(session, &ui::TrainingSession::views_cost, &loop,
                         [&](double views_seconds, double train_seconds) { views_share[views] += views_seconds / train_seconds / 2; });
      });
      double samples_per_second = 0;
      const double ui0 = cpu_seconds(RUSAGE_THREAD), all0 = cpu_seconds(RUSAGE_SELF);
      dashboard.train();
      QObject::connect(dashboard.session(), &ui::TrainingSession::finished, &loop,
                       [&](const ui::RunResult& r) { samples_per_second = r.samples_per_second; });
      loop.exec();
      ui_cpu[views] += cpu_seconds(RUSAGE_THREAD) - ui0;
      all_cpu[views] += cpu_seconds(RUSAGE_SELF) - all0;
      (views ? teaching : live) += samples_per_second;
    }
  }
  plain /= 2, live /= 2, teaching /= 2;
  std::printf("fit() alone:                 %10.0f samples/s\n", plain);
  std::printf("through the Training panel:  %10.0f samples/s\n", live);
  std::printf("with the teaching views:     %10.0f samples/s\n", teaching);
  std::printf("live charts cost %.1f %% of the training speed (goal: under 5 %%)\n", 100.0 * (1 - live / plain));
  std::printf("teaching views cost %.1f %% more of the panel's speed\n", 100.0 * (1 - teaching / live));
  // Steadier than the speeds on a busy machine: the worker's own time in the views, as a share of fit().
  std::printf("worker time in the live views: %.2f %% without the teaching views, %.2f %% with them\n",
              100.0 * views_share[0], 100.0 * views_share[1]);
  for (const bool views : {false, true})
    std::printf("the UI thread used %.2f s of CPU, %.1f %% of the process's %.2f s (%s the teaching views)\n",
                ui_cpu[views], 100.0 * ui_cpu[views] / all_cpu[views], all_cpu[views], views ? "with" : "without");
  return 0;
}
