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
    stats_clock_.start();
  }

  void on_epoch_begin(int epoch, const Logs&) override { epoch_ = epoch + 1; }
  void on_train_begin(const Logs&) override { train_clock_.start(); }

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
    const double position = p.position;
    if (model_->compiled()) p.learning_rate = model_->optimizer().learning_rate();
    pending_.push_back(std::move(p));
    samples_ += batch_size_;
    if (session_.stop_) model_->stop_training();
    if (clock_.elapsed() >= 100 || session_.paused_) flush();  // ten bundles a second: enough to look live
    // Each view waits at least its period, and long enough that it costs at most a few percent of the training
    // time: 25 (map) or 50 (statistics) times what its last computation took.
    QElapsedTimer views;
    views.start();
    if (session_.boundary_model_ && (boundary_clock_.elapsed() >= boundary_wait_ms_ || session_.paused_)) {
      session_.emit_boundary(epoch_);
      boundary_wait_ms_ = std::max<qint64>(250, 25 * views.elapsed());
      boundary_clock_.restart();
    }
    const qint64 stats_start = views.elapsed();
    if (session_.probe_ && session_.teaching_ && (stats_clock_.elapsed() >= stats_wait_ms_ || session_.paused_ || !sampled_)) {
      session_.emit_layer_stats(position, epoch_);
      stats_wait_ms_ = std::max<qint64>(500, 50 * (views.elapsed() - stats_start));
      stats_clock_.restart();
      sampled_ = true;
    }
    views_ns_ += views.nsecsElapsed();
  }

  void on_epoch_end(int epoch, Logs& logs) override {
    epochs_.emplace_back(epoch + 1, logs);
    if (clock_.elapsed() >= 100) flush();
  }

  void on_train_end(const Logs&) override {
    flush();
    emit session_.views_cost(static_cast<double>(views_ns_) / 1e9, static_cast<double>(train_clock_.nsecsElapsed()) / 1e9);
  }

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
  QElapsedTimer clock_, boundary_clock_, stats_clock_, train_clock_;
  qint64 views_ns_ = 0;
  qint64 boundary_wait_ms_ = 250, stats_wait_ms_ = 500;
  int epoch_ = 1;
  bool sampled_ = false;
};

namespace {

// A regression model's test set (float targets of the model's output shape): every true and predicted value.
std::shared_ptr<const Predictions> predict_values(Model& model, const data::TrainTest& data, int batch_size, const Logs& test) {
  const Tensor predicted = model.predict(data.test.x, batch_size);
  if (predicted.size() != data.test.y.size()) return nullptr;  // a shape the evaluation view cannot pair up
  auto out = std::make_shared<Predictions>();
  out->x = data.test.x;
  out->test = test;
  out->true_values = data.test.y.to_vector();
  out->predicted_values = predicted.to_vector();
  return out;
}

// The test set with what the model said: for a classifier (class-index labels) each prediction and its
// confidence, for a regression model (float targets) each value; null for other label kinds.
std::shared_ptr<const Predictions> predict_test_set(Model& model, const data::TrainTest& data, int batch_size, const Logs& test) {
  if (data.test.x.rows() == 0 || !data.test.y.defined()) return nullptr;
  // Float targets under a regression loss (one-hot targets under a crossentropy are a classifier's).
  const bool regression_loss = !model.losses().empty() && model.losses()[0] &&
                               model.losses()[0]->name.find("crossentropy") == std::string::npos &&
                               model.losses()[0]->kind != LossKind::Hinge;
  if (data.test.y.dtype() == DType::Float32 && regression_loss) return predict_values(model, data, batch_size, test);
  // The true classes: int32 indices (N,), or one-hot rows (N, k) read back as their largest entry.
  std::vector<int> truth;
  const Shape& y_shape = data.test.y.shape();
  if (data.test.y.dtype() == DType::Int32 && y_shape.rank() == 1) {
    for (int32_t label : data.test.y.to_int_vector()) truth.push_back(label);
  } else if (data.test.y.dtype() == DType::Float32 && y_shape.rank() == 2 && y_shape[1] > 1) {
    const std::vector<float> rows = data.test.y.to_vector();
    const size_t k = static_cast<size_t>(y_shape[1]);
    for (size_t i = 0; i + k <= rows.size(); i += k)
      truth.push_back(static_cast<int>(std::max_element(rows.begin() + static_cast<std::ptrdiff_t>(i),
                                                        rows.begin() + static_cast<std::ptrdiff_t>(i + k)) -
                                       (rows.begin() + static_cast<std::ptrdiff_t>(i))));
  } else {
    return nullptr;
  }
  const Tensor probabilities = model.predict(data.test.x, batch_size);
  if (probabilities.shape().rank() != 2) return nullptr;
  const int k = static_cast<int>(probabilities.shape()[1]);
  const std::vector<float> p = probabilities.to_vector();
  auto out = std::make_shared<Predictions>();
  out->x = data.test.x;
  out->test = test;
  out->truth = std::move(truth);
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

// `count` rows spread evenly over x (generated sets come class by class, so the first rows would be one class).
Tensor spread_rows(const Tensor& x, int64_t count) {
  const int64_t rows = x.rows();
  count = std::min(count, rows);
  if (count <= 0 || x.dtype() != DType::Float32) return {};
  const int64_t width = x.size() / rows;
  std::vector<float> values(static_cast<size_t>(count * width));
  for (int64_t i = 0; i < count; ++i)
    std::copy_n(x.data() + i * rows / count * width, width, values.data() + i * width);
  return Tensor::from_vector(x.slice_rows(0, count).shape(), values);
}

// The weight whose values and gradient a layer's row shows: its kernel, else its first weight.
const Variable& kernel_of(Layer& layer) {
  for (const Variable& v : layer.variables())
    if (v.name == "kernel") return v;
  return layer.variables().front();
}

double l2_norm(const Tensor& t) {
  double sum = 0;
  for (float v : t.to_vector()) sum += static_cast<double>(v) * v;
  return std::sqrt(sum);
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
  build_probe();
}

void TrainingSession::build_probe() {
  if (model_->inputs().size() != 1 || model_->outputs().empty()) return;
  std::vector<SymbolicTensor> outputs;
  for (const auto& node : model_->nodes()) {
    const LayerPtr& layer = node->layer;
    // Nested models (units) are left out: their layers' outputs are not tensors of this graph.
    if (layer->variables().empty() || dynamic_cast<Model*>(layer.get())) continue;
    if (std::find(probed_.begin(), probed_.end(), layer) != probed_.end()) continue;  // a shared layer: once
    probed_.push_back(layer);
    outputs.push_back({node, 0});
  }
  if (probed_.empty()) return;
  const SymbolicTensor& model_output = model_->outputs().front();
  probe_model_output_ = outputs.size();
  for (size_t i = 0; i < outputs.size(); ++i)
    if (outputs[i].node == model_output.node && outputs[i].index == model_output.index) probe_model_output_ = i;
  if (probe_model_output_ == outputs.size()) outputs.push_back(model_output);
  try {
    probe_ = std::make_shared<Model>(model_->inputs(), outputs);
  } catch (const std::exception&) {  // no teaching views, training goes on
    probe_.reset();
    probed_.clear();
  }
}

void TrainingSession::emit_layer_stats(double position, int epoch) {
  if (probe_batch_.rows() == 0) return;
  try {
    const std::vector<Tensor> outputs = probe_->predict(std::vector{probe_batch_}, static_cast<int>(probe_batch_.rows()));
    LayerStats stats{position, epoch, {}};
    for (size_t i = 0; i < probed_.size(); ++i) {
      const Variable& kernel = kernel_of(*probed_[i]);
      LayerSample sample;
      sample.layer = probed_[i]->name();
      const std::vector<float> values = kernel.value.to_vector(), activations = outputs[i].to_vector();
      sample.kernel = distribution_of(values.data(), values.size());
      sample.activation = distribution_of(activations.data(), activations.size());
      if (kernel.grad.size() == kernel.value.size()) sample.gradient_norm = l2_norm(kernel.grad);
      stats.layers.push_back(std::move(sample));
    }
    emit layer_stats(stats);
  } catch (const std::exception&) {
    teaching_ = false;  // a model the probe cannot run: training goes on without the views
  }
}

void TrainingSession::emit_boundary(int epoch) {
  constexpr int kSize = 72;
  std::vector<float> xy(static_cast<size_t>(kSize * kSize * 2));
  for (int row = 0; row < kSize; ++row)
    for (int col = 0; col < kSize; ++col) {
      const size_t at = static_cast<size_t>(row * kSize + col) * 2;
      xy[at] = static_cast<float>(plane_.x0 + (col + 0.5) / kSize * (plane_.x1 - plane_.x0));
      xy[at + 1] = static_cast<float>(plane_.y1 - (row + 0.5) / kSize * (plane_.y1 - plane_.y0));
    }
  const Tensor plane = Tensor::from_vector(Shape{kSize * kSize, 2}, xy);
  std::vector<Tensor> probed;  // with the teaching views: every weighted layer's output, in one pass
  if (probe_ && teaching_) probed = probe_->predict(std::vector{plane}, 1024);
  else boundary_model_->set_weights(model_->get_weights());
  const Tensor out = probed.empty() ? boundary_model_->predict(plane, 1024) : probed[probe_model_output_];
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
  // The hidden Dense layers' units, as TensorFlow Playground's neuron thumbnails: at most 3 layers of 8, on every
  // other map (twice a second is live enough for thumbnails, and halves their cost).
  int layers = (++boundaries_ % 2 == 0 || epoch == 0 || paused_) ? 0 : 3;
  for (size_t i = 0; i < probed.size() && i < probed_.size() && layers < 3; ++i) {
    if (i == probe_model_output_ || probed_[i]->class_name() != "Dense" || probed[i].shape().rank() != 2) continue;
    const std::vector<float> values = probed[i].to_vector();
    const int64_t width = probed[i].shape()[1];
    for (int unit = 0; unit < std::min<int64_t>(8, width); ++unit) {
      UnitMap map{probed_[i]->name(), unit, std::vector<float>(static_cast<size_t>(kSize * kSize))};
      for (size_t cell = 0; cell < map.values.size(); ++cell) map.values[cell] = values[cell * static_cast<size_t>(width) + static_cast<size_t>(unit)];
      grid.units.push_back(std::move(map));
    }
    ++layers;
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
    result.details.fingerprint = data::fingerprint(data);
    auto reporter = std::make_shared<Reporter>(*this);
    const int64_t rows = data.train.x.rows();
    const int64_t train_rows = static_cast<int64_t>(std::floor(static_cast<double>(rows) * (1.0 - fit.validation_split)));
    reporter->batch_size_ = fit.batch_size;
    reporter->batches_per_epoch_ = static_cast<int>((train_rows + fit.batch_size - 1) / fit.batch_size);
    fit.callbacks.push_back(reporter);
    if (probe_) probe_batch_ = spread_rows(data.train.x, 256);  // the layer statistics' fixed batch
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
      result.predictions = predict_test_set(*model_, data, eval.batch_size, result.test);
    }
    result.finished = nodes::utc_now();
    emit finished(result);
  } catch (const std::exception& e) {
    emit failed(QString::fromUtf8(e.what()));
  }
}

}  // namespace cornu::ui
