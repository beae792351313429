// What the editor's live training costs: samples per second of fit() alone against the same run through a
// TrainingSession feeding the Training panel's charts (queued signals, ten bundles a second, drawn on the
// UI thread), on the same machine in the same process. The goal is under 5 % slower. Uses the Fashion-MNIST
// demo when Debian's dataset-fashion-mnist is installed, else the spiral demo.
#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <cstdio>
#include <cstdlib>

#include "data/builtin_datasets.h"
#include "demos/demos.h"
#include "nodes/compile.h"
#include "nodes/document.h"
#include "nodes/runs.h"
#include "ui/dashboard.h"

using namespace cornu;

int main(int argc, char** argv) {
  if (!std::getenv("QT_QPA_PLATFORM")) setenv("QT_QPA_PLATFORM", "offscreen", 1);
  QApplication app(argc, argv);
  nodes::ProjectData project = nodes::demo_project(find_demo("fashion-mnist-mlp"));
  try {
    data::load_dataset(project.settings.dataset);
  } catch (const std::exception& e) {
    std::printf("Fashion-MNIST not available (%s): using the spiral demo\n", e.what());
    project = nodes::demo_project(find_demo("spiral"));
  }
  project.settings.epochs = argc > 1 ? std::atoi(argv[1]) : 2;
  const data::TrainTest data = data::load_dataset(project.settings.dataset);

  double plain = 0, live = 0;
  for (int round = 0; round < 2; ++round) {  // alternate, so neither side gets a warmer machine
    {
      ModelPtr model = nodes::build_model(project);
      FitOptions fit = nodes::fit_options(project.settings, data);
      fit.verbose = 0;
      QElapsedTimer t;
      t.start();
      model->fit(data.train.x, data.train.y, fit);
      const double rows = static_cast<double>(data.train.x.rows()) * (1 - fit.validation_split) * fit.epochs;
      plain += rows / (t.nsecsElapsed() / 1e9);
    }
    {
      nodes::Document doc;
      doc.reset(project);
      ui::Dashboard dashboard(doc);
      dashboard.resize(1200, 400);
      dashboard.show();
      QEventLoop loop;
      QObject::connect(&dashboard, &ui::Dashboard::training_changed, &loop, [&](bool on) { if (!on) loop.quit(); });
      double samples_per_second = 0;
      dashboard.train();
      QObject::connect(dashboard.session(), &ui::TrainingSession::finished, &loop,
                       [&](const ui::RunResult& r) { samples_per_second = r.samples_per_second; });
      loop.exec();
      live += samples_per_second;
    }
  }
  plain /= 2, live /= 2;
  std::printf("fit() alone:                 %10.0f samples/s\n", plain);
  std::printf("through the Training panel:  %10.0f samples/s\n", live);
  std::printf("live charts cost %.1f %% of the training speed (goal: under 5 %%)\n", 100.0 * (1 - live / plain));
  return 0;
}
