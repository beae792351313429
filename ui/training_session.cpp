#include "ui/training_session.h"

#include <QElapsedTimer>
#include <algorithm>
#include <cmath>

#include "backend/devices.h"
#include "core/error.h"
#include "data/builtin_datasets.h"
#include "nodes/compile.h"
#include "nodes/runs.h"

namespace cornu::ui {

// The engine's callback inside the worker: waits while paused, and hands batches to the UI in bundles.
class TrainingSession::Reporter : public Callback {
 public:
  explicit Reporter(TrainingSession& session) : session_(session) {
    clock_.start();
    boundary_clock_.start();
  }

  void on_epoch_begin(int epoch, const Logs&) override { epoch_ = epoch + 1; }

  void on_train_batch_begin(int, const Logs&) override {
    std::unique_lock lock(session_.mutex_);
    if (session_.paused_ && !session_.stop_) flush();  // the charts show everything up to the pause
    session_.wake_.wait(lock, [&] { return !session_.paused_ || session_.stop_ || session_.steps_allowed_ > 0; });
    if (session_.paused_ && session_.steps_allowed_ > 0) --session_.steps_allowed_;
  }

  void on_train_batch_end(int batch, const Logs& logs) override {
    BatchPoint p;
    p.epoch = epoch_;
    p.batch = batch;
    p.batches = batches_per_epoch_;
    p.position = epoch_ - 1 + (batch + 1.0) / std::max(1, batches_per_epoch_);
    p.logs = logs;
    if (model_->compiled()) p.learning_rate = model_->optimizer().learning_rate();
    pending_.push_back(std::move(p));
    samples_ += batch_size_;
    if (session_.stop_) model_->stop_training();
    if (clock_.elapsed() >= 100 || session_.paused_) flush();  // ten bundles a second: enough to look live
    if (session_.boundary_model_ && (boundary_clock_.elapsed() >= 250 || session_.paused_)) {
      session_.emit_boundary(epoch_);
      boundary_clock_.restart();
    }
  }

  void on_epoch_end(int epoch, Logs& logs) override {
    epochs_.emplace_back(epoch + 1, logs);
    if (clock_.elapsed() >= 100) flush();
  }

  void on_train_end(const Logs&) override { flush(); }

  void flush() {
    if (!pending_.empty()) emit session_.batches(std::move(pending_));
    if (!epochs_.empty()) emit session_.epochs_ended(std::move(epochs_));
    pending_.clear();
    epochs_.clear();
    clock_.restart();
  }

  int batches_per_epoch_ = 1, batch_size_ = 1;
  int64_t samples_ = 0;

 private:
  TrainingSession& session_;
  std::vector<BatchPoint> pending_;
  std::vector<std::pair<int, Logs>> epochs_;
  QElapsedTimer clock_, boundary_clock_;
  int epoch_ = 1;
};

namespace {

// For a classifier (class-index labels): the test set with each prediction and its confidence; else null.
std::shared_ptr<const Predictions> predict_classes(Model& model, const data::TrainTest& data, int batch_size) {
  if (data.test.y.dtype() != DType::Int32 || data.test.y.shape().rank() != 1 || data.test.x.rows() == 0) return nullptr;
  const Tensor probabilities = model.predict(data.test.x, batch_size);
  if (probabilities.shape().rank() != 2) return nullptr;
  const int k = static_cast<int>(probabilities.shape()[1]);
  const std::vector<float> p = probabilities.to_vector();
  auto out = std::make_shared<Predictions>();
  out->x = data.test.x;
  for (int32_t label : data.test.y.to_int_vector()) out->truth.push_back(label);
  out->class_names = data.class_names;
  out->classes = std::max(k, 2);
  for (int64_t i = 0; i < data.test.x.rows(); ++i) {
    const float* row = p.data() + i * k;
    if (k == 1) {  // one sigmoid unit: class 1 above one half
      out->predicted.push_back(row[0] > 0.5f ? 1 : 0);
      out->confidence.push_back(std::max(row[0], 1 - row[0]));
    } else {
      const float* best = std::max_element(row, row + k);
      out->predicted.push_back(static_cast<int>(best - row));
      out->confidence.push_back(*best);
    }
  }
  for (int t : out->truth) out->classes = std::max(out->classes, t + 1);
  return out;
}

}  // namespace

TrainingSession::TrainingSession(const nodes::ProjectData& project, QObject* parent)
    : QObject(parent), project_(project) {
  if (project_.settings.dataset.is_null())
    throw ValueError("Choose a dataset first (Inspector, with nothing selected: Data), then press Train.");
  model_ = nodes::build_model(project_);
  // 2-D data: a twin of the model to draw the decision boundary with (built here: building is not thread-safe).
  try {
    const data::DatasetInfo info = data::dataset_info(project_.settings.dataset);
    if (info.sample_shape == Shape{2} && info.labels == data::LabelKind::Classes)
      boundary_model_ = nodes::build_model(project_, /*compile=*/false);
  } catch (const std::exception&) {
    boundary_model_.reset();  // no map, training goes on
  }
}

void TrainingSession::emit_boundary(int epoch) {
  constexpr int kSize = 72;
  boundary_model_->set_weights(model_->get_weights());
  std::vector<float> xy(static_cast<size_t>(kSize * kSize * 2));
  for (int row = 0; row < kSize; ++row)
    for (int col = 0; col < kSize; ++col) {
      const size_t at = static_cast<size_t>(row * kSize + col) * 2;
      xy[at] = static_cast<float>(plane_.x0 + (col + 0.5) / kSize * (plane_.x1 - plane_.x0));
      xy[at + 1] = static_cast<float>(plane_.y1 - (row + 0.5) / kSize * (plane_.y1 - plane_.y0));
    }
  const Tensor out = boundary_model_->predict(Tensor::from_vector(Shape{kSize * kSize, 2}, xy), 1024);
  const int k = out.shape().rank() == 2 ? static_cast<int>(out.shape()[1]) : 1;
  const std::vector<float> p = out.to_vector();
  BoundaryGrid grid{plane_.x0, plane_.x1, plane_.y0, plane_.y1, kSize, {}, {}, epoch};
  for (int i = 0; i < kSize * kSize; ++i) {
    const float* row = p.data() + static_cast<size_t>(i) * static_cast<size_t>(k);
    if (k == 1) {
      grid.winner.push_back(row[0] > 0.5f ? 1 : 0);
      grid.confidence.push_back(std::max(row[0], 1 - row[0]));
    } else {
      const float* best = std::max_element(row, row + k);
      grid.winner.push_back(static_cast<int>(best - row));
      grid.confidence.push_back(*best);
    }
  }
  emit boundary(grid);
}

TrainingSession::~TrainingSession() {
  stop();
  if (worker_) worker_->wait();
}

void TrainingSession::start() {
  if (worker_) return;
  worker_ = QThread::create([this] { run(); });
  worker_->setParent(this);
  worker_->start();
}

void TrainingSession::pause(bool paused) {
  {
    std::lock_guard lock(mutex_);
    paused_ = paused;
    steps_allowed_ = 0;
  }
  wake_.notify_all();
}

void TrainingSession::step() {
  {
    std::lock_guard lock(mutex_);
    if (!paused_) return;
    ++steps_allowed_;
  }
  wake_.notify_all();
}

void TrainingSession::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  if (model_) model_->stop_training();
  wake_.notify_all();
}

void TrainingSession::run() {
  try {
    RunResult result;
    result.started = nodes::utc_now();
    result.details.device = training_device(project_.settings.device);  // refused before the data loads
    emit status(tr("Loading %1…").arg(QString::fromStdString(project_.settings.dataset.value("name", std::string("data")))));
    const data::TrainTest data = data::load_dataset(project_.settings.dataset);
    if (stop_) {
      result.stopped = "stopped by the user";
      result.finished = nodes::utc_now();
      emit finished(result);
      return;
    }
    if (boundary_model_) {  // the plane around the data, and the points to draw on it
      const std::vector<float> x = data.train.x.to_vector();
      const std::vector<int32_t> y = data.train.y.to_int_vector();
      plane_ = {INFINITY, -INFINITY, INFINITY, -INFINITY};
      for (size_t i = 0; i + 1 < x.size(); i += 2) {
        plane_.x0 = std::min<double>(plane_.x0, x[i]), plane_.x1 = std::max<double>(plane_.x1, x[i]);
        plane_.y0 = std::min<double>(plane_.y0, x[i + 1]), plane_.y1 = std::max<double>(plane_.y1, x[i + 1]);
      }
      const double mx = (plane_.x1 - plane_.x0) * 0.1 + 1e-3, my = (plane_.y1 - plane_.y0) * 0.1 + 1e-3;
      plane_ = {plane_.x0 - mx, plane_.x1 + mx, plane_.y0 - my, plane_.y1 + my};
      PlanePoints points;
      const size_t step = std::max<size_t>(1, y.size() / 1000);  // at most about 1,000 points drawn
      for (size_t i = 0; i < y.size(); i += step) {
        points.xy.push_back(x[2 * i]);
        points.xy.push_back(x[2 * i + 1]);
        points.label.push_back(y[i]);
      }
      emit plane_points(points);
      emit_boundary(0);
    }
    FitOptions fit = nodes::fit_options(project_.settings, data, project_.path);
    fit.verbose = 0;
    result.details.fingerprint = nodes::data_fingerprint(data);
    auto reporter = std::make_shared<Reporter>(*this);
    const int64_t rows = data.train.x.rows();
    const int64_t train_rows = static_cast<int64_t>(std::floor(static_cast<double>(rows) * (1.0 - fit.validation_split)));
    reporter->batch_size_ = fit.batch_size;
    reporter->batches_per_epoch_ = static_cast<int>((train_rows + fit.batch_size - 1) / fit.batch_size);
    fit.callbacks.push_back(reporter);
    emit status(tr("Training on %1 samples…").arg(train_rows));
    QElapsedTimer clock;
    clock.start();
    result.history = model_->fit(data.train.x, data.train.y, fit);
    result.samples_per_second = static_cast<double>(reporter->samples_) / std::max(1e-9, clock.nsecsElapsed() / 1e9);
    const int done = static_cast<int>(result.history.epoch.size());
    if (boundary_model_) emit_boundary(done);  // the final map
    result.stopped = stop_ ? "stopped by the user" : done < fit.epochs ? "stopped early" : "completed";
    try {  // a folder that refuses the file costs the run's own weights, not the run
      if (!project_.path.empty() && done > 0)
        result.details.weights = nodes::save_run_weights(project_.path, result.started, *model_);
    } catch (const Error& e) {
      emit status(QString::fromUtf8(e.what()));
    }
    if (!stop_ || done > 0) {
      emit status(tr("Evaluating on the test set…"));
      EvaluateOptions eval;
      eval.batch_size = std::max(fit.batch_size, 256);
      eval.verbose = 0;
      result.test = model_->evaluate(data.test.x, data.test.y, eval);
      result.predictions = predict_classes(*model_, data, eval.batch_size);
    }
    result.finished = nodes::utc_now();
    emit finished(result);
  } catch (const std::exception& e) {
    emit failed(QString::fromUtf8(e.what()));
  }
}

}  // namespace cornu::ui
