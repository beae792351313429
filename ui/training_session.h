// One training run in a worker thread: the UI thread builds the model (the engine's seed and layer names
// are process-wide, so they stay on one thread), the worker loads the data, runs fit() and evaluates. The
// engine's callbacks become queued signals carrying small copies, batches bundled ten times a second so the
// charts keep up without slowing training. Pause and Stop are flags checked between batches; a stop ends
// the run after the current batch with a consistent model and its history.
#pragma once
#include <QObject>
#include <QThread>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "model/model.h"
#include "nodes/graph.h"
#include "nodes/runs.h"
#include "ui/boundary_view.h"
#include "ui/evaluation.h"
#include "ui/layer_histograms.h"

namespace cornu::ui {

// One batch as the dashboard plots it: where it falls (epochs, fractional) and the running logs of its epoch.
struct BatchPoint {
  double position = 0;  // epoch - 1 + (batch + 1) / batches
  int epoch = 0, batch = 0, batches = 0;
  Logs logs;
  double learning_rate = 0;  // read in the worker: the optimizer is the worker's while it trains
};

struct RunResult {
  History history;
  Logs test;
  std::string stopped;  // "completed", "stopped early", "stopped by the user"
  std::string started, finished;
  double samples_per_second = 0;
  std::shared_ptr<const Predictions> predictions;  // for classifiers: the test set and what the model said
  nodes::RunDetails details;  // the device, the data's fingerprint, the run's weights beside the project
};

class TrainingSession : public QObject {
  Q_OBJECT

 public:
  // Builds the model now (throws ValueError with the first problem when the graph cannot be built).
  explicit TrainingSession(const nodes::ProjectData& project, QObject* parent = nullptr);
  ~TrainingSession() override;  // stops and joins the worker

  void start();
  void pause(bool paused);
  void stop();  // ends after the current batch
  bool running() const { return worker_ && worker_->isRunning(); }
  bool paused() const { return paused_; }
  // One batch, then pause again (the teaching views' Step): only while paused.
  void step();
  const ModelPtr& model() const { return model_; }
  // The teaching views' numbers (layer statistics, hidden-unit maps), computed in the worker; on by default,
  // off for measuring what they cost.
  void set_teaching_views(bool on) { teaching_ = on; }
  const nodes::ProjectData& project() const { return project_; }

 signals:
  void status(QString text);                       // "Loading fashion-mnist…"
  void batches(std::vector<cornu::ui::BatchPoint> points);  // since the last signal
  // Epochs ended since the last signal (bundled with the batches: short epochs would flood the UI thread),
  // each with its logs, val_ entries included when there is validation.
  void epochs_ended(std::vector<std::pair<int, cornu::Logs>> epochs);
  void finished(cornu::ui::RunResult result);
  // For 2-D data only: the training points once, then the decision boundary about four times a second.
  void plane_points(cornu::ui::PlanePoints points);
  void boundary(cornu::ui::BoundaryGrid grid);
  // Kernel and output distributions and gradient norms of the layers with weights, twice a second.
  void layer_stats(cornu::ui::LayerStats stats);
  // At the end of fit(): the worker's seconds spent computing the live maps and statistics, out of the seconds
  // fit() ran (what the views cost the training, measured where it is paid).
  void views_cost(double views_seconds, double train_seconds);
  void failed(QString message);

 private:
  class Reporter;
  void run();  // in the worker

  nodes::ProjectData project_;
  ModelPtr model_;
  ModelPtr boundary_model_;  // a twin for drawing the decision boundary (2-D data), fed the weights as they train
  struct Plane { double x0, x1, y0, y1; };
  Plane plane_{};
  void emit_boundary(int epoch);
  // The probe: a model over model_'s own layers (shared, as Keras's Model(model.inputs, [l.output ...])) whose
  // outputs are each weighted layer's output, then the model's output. Built on the UI thread, run in the
  // worker between batches, so it reads the weights as they are without copying them.
  void build_probe();
  void emit_layer_stats(double position, int epoch);
  ModelPtr probe_;
  std::vector<LayerPtr> probed_;  // the weighted layers, in the probe's output order
  size_t probe_model_output_ = 0;  // which of the probe's outputs is the model's
  int boundaries_ = 0;             // maps computed, to send the unit maps with every other one
  Tensor probe_batch_;             // 256 training samples spread over the set, taken when the data load
  std::atomic<bool> teaching_{true};
  QThread* worker_ = nullptr;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> paused_{false}, stop_{false};
  int steps_allowed_ = 0;  // batches to run while paused (Step), guarded by mutex_
  friend class Reporter;
};

}  // namespace cornu::ui

Q_DECLARE_METATYPE(cornu::ui::RunResult)
