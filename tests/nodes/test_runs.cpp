// A project's training settings as fit() options (validation, callbacks, device) and the record of a run:
// what it needs to be repeated (seed, data and its fingerprint) and its weights beside the project.
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include "backend/cuda/cuda_info.h"
#include "backend/devices.h"
#include "data/builtin_datasets.h"
#include "demos/demos.h"
#include "error_message.h"
#include "model/weights_io.h"
#include "nodes/compile.h"
#include "nodes/project.h"
#include "nodes/runs.h"

using namespace cornu;
using namespace cornu::nodes;

namespace {

// The spiral demo, shortened: 2-D points, a small MLP, a few epochs in well under a second.
ProjectData spiral_project(int64_t epochs = 3) {
  ProjectData p = demo_project(find_demo("spiral"));
  p.settings.epochs = epochs;
  p.settings.dataset["samples"] = 300;
  p.settings.dataset["test_samples"] = 100;
  return p;
}

std::vector<float> predictions(Model& model, const Tensor& x) { return model.predict(x, 64).to_vector(); }

}  // namespace

class RunsTest : public QObject {
  Q_OBJECT

 private slots:
  void validationFollowsTheSettings() {
    ProjectData p = spiral_project();
    const data::TrainTest data = data::load_dataset(p.settings.dataset);
    p.settings.validation_split = 0.25;
    QCOMPARE(fit_options(p.settings, data).validation_split, 0.25);
    QVERIFY(!fit_options(p.settings, data).validation_data);

    p.settings.validation = "test";  // the test set validates each epoch, as Keras's validation_data
    FitOptions with_test = fit_options(p.settings, data);
    QCOMPARE(with_test.validation_split, 0.0);
    QVERIFY(with_test.validation_data);
    QCOMPARE(with_test.validation_data->first.at(0).rows(), data.test.x.rows());

    p.settings.validation = "none";
    QCOMPARE(fit_options(p.settings, data).validation_split, 0.0);
    QVERIFY(!fit_options(p.settings, data).validation_data);
    ModelPtr model = build_model(p);
    FitOptions quiet = fit_options(p.settings, data);
    quiet.verbose = 0;
    QVERIFY(!model->fit(data.train.x, data.train.y, quiet).history.count("val_loss"));
  }

  void earlyStoppingFromTheSettingsStopsTraining() {
    ProjectData p = spiral_project(20);
    // No improvement can reach a min_delta of 1e9: patience 0 stops after the second epoch (Keras waits one).
    p.settings.callbacks = {{{"class_name", "EarlyStopping"}, {"config", {{"monitor", "loss"}, {"patience", 0}, {"min_delta", 1e9}}}}};
    const data::TrainTest data = data::load_dataset(p.settings.dataset);
    ModelPtr model = build_model(p);
    FitOptions fit = fit_options(p.settings, data);
    fit.verbose = 0;
    QCOMPARE(fit.callbacks.size(), size_t(1));
    QCOMPARE(model->fit(data.train.x, data.train.y, fit).epoch.size(), size_t(2));
  }

  void checkpointsGoBesideTheProject() {
    QTemporaryDir dir;
    const std::string project = dir.filePath("spiral.cornu").toStdString();
    QCOMPARE(QString::fromStdString(checkpoint_path("", project)), dir.filePath("spiral.checkpoint.weights.h5"));
    QCOMPARE(QString::fromStdString(checkpoint_path("best/{epoch:02d}.weights.h5", project)),
             dir.filePath("best/{epoch:02d}.weights.h5"));
    QCOMPARE(checkpoint_path("/tmp/x.weights.h5", ""), std::string("/tmp/x.weights.h5"));
    QVERIFY(test::value_error([] { checkpoint_path("x.weights.h5", ""); }).contains("save the project first"));

    // A run writes the checkpoint where the settings say.
    ProjectData p = spiral_project(2);
    p.settings.callbacks = {{{"class_name", "ModelCheckpoint"}, {"config", {{"monitor", "loss"}}}}};
    const data::TrainTest data = data::load_dataset(p.settings.dataset);
    ModelPtr model = build_model(p);
    FitOptions fit = fit_options(p.settings, data, project);
    fit.verbose = 0;
    model->fit(data.train.x, data.train.y, fit);
    QVERIFY(QFileInfo::exists(dir.filePath("spiral.checkpoint.weights.h5")));
  }

  void devicesAreListedAndTheChoiceIsHonest() {
    const std::vector<DeviceEntry> devices = available_devices();
    QVERIFY(!devices.empty());
    QCOMPARE(devices.front().kind, std::string("cpu"));
    QCOMPARE(devices.size(), size_t(1 + cuda::device_count()));  // the CPU, then each CUDA device
    QCOMPARE(training_device("auto"), std::string("cpu"));
    QCOMPARE(training_device("cpu"), std::string("cpu"));
    // The trainer runs on the CPU backend only (devices.h): a GPU request says what to choose instead.
    QVERIFY(!gpu_training_available());
    const QString refusal = test::error_message<DeviceError>([] { training_device("gpu"); });
    QVERIFY2(refusal.contains("choose device cpu", Qt::CaseInsensitive), qPrintable(refusal));
    ProjectData p = spiral_project();
    p.settings.device = "gpu";
    const data::TrainTest data = data::load_dataset(p.settings.dataset);
    QCOMPARE(test::error_message<DeviceError>([&] { fit_options(p.settings, data); }), refusal);
  }

  void theSameSeedAndDataTrainTheSameWay() {
    ProjectData p = spiral_project(1);
    std::vector<double> first_losses;
    std::vector<std::string> fingerprints;
    for (int run = 0; run < 2; ++run) {
      const data::TrainTest data = data::load_dataset(p.settings.dataset);
      ModelPtr model = build_model(p);
      FitOptions fit = fit_options(p.settings, data);
      fit.verbose = 0;
      const History h = model->fit(data.train.x, data.train.y, fit);
      const Config record = run_record(p.settings, h, {}, "a", "b", "completed", {.fingerprint = data::fingerprint(data)});
      first_losses.push_back(record.at("epochs")[0].at("loss").get<double>());
      fingerprints.push_back(record.at("data").at("fingerprint").get<std::string>());
      QCOMPARE(record.at("seed"), Config(p.settings.seed));
    }
    QCOMPARE(fingerprints[0].size(), size_t(16));
    QCOMPARE(fingerprints[0], fingerprints[1]);
    QCOMPARE(first_losses[0], first_losses[1]);
    // Other data, another fingerprint.
    p.settings.dataset["noise"] = 0.3;
    QVERIFY(data::fingerprint(data::load_dataset(p.settings.dataset)) != fingerprints[0]);
  }

  void aRunsWeightsReloadToTheSamePredictions() {
    QTemporaryDir dir;
    const std::string project = dir.filePath("spiral.cornu").toStdString();
    ProjectData p = spiral_project(2);
    const data::TrainTest data = data::load_dataset(p.settings.dataset);
    ModelPtr trained = build_model(p);
    FitOptions fit = fit_options(p.settings, data, project);
    fit.verbose = 0;
    trained->fit(data.train.x, data.train.y, fit);
    const std::string relative = save_run_weights(project, "2026-11-23T11:05:00Z", *trained);
    QCOMPARE(relative, std::string("spiral.runs/2026-11-23T11-05-00Z.weights.h5"));
    // A second run in the same second gets a name of its own.
    QCOMPARE(save_run_weights(project, "2026-11-23T11:05:00Z", *trained),
             std::string("spiral.runs/2026-11-23T11-05-00Z-2.weights.h5"));

    p.settings.seed = 7;  // other initial weights, replaced by the run's
    ModelPtr reloaded = build_model(p);
    QVERIFY(predictions(*reloaded, data.test.x) != predictions(*trained, data.test.x));
    load_weights(*reloaded, run_weights_file(project, relative));
    QCOMPARE(predictions(*reloaded, data.test.x), predictions(*trained, data.test.x));
    // The record names the file, and a project holding it loads.
    ProjectData saved = p;
    append_run(saved, run_record(p.settings, {}, {}, "a", "b", "completed", {.weights = relative}));
    QCOMPARE(parse_project(project_to_text(saved)).history.at(0).at("weights"), Config(relative));
  }
};

QTEST_GUILESS_MAIN(RunsTest)
#include "test_runs.moc"
