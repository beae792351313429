#include "ui/dashboard.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QCursor>
#include <QFileDialog>
#include <QImage>
#include <QPainter>
#include <QSaveFile>
#include <QToolTip>
#include <set>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QLocale>
#include <QLogValueAxis>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QValueAxis>
#include <QVBoxLayout>
#include <cmath>

#include "nodes/runs.h"
#include "ui/icons.h"
#include "ui/theme.h"

namespace cornu::ui {

namespace {

QString duration_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const qint64 s = std::llround(seconds);
  return s >= 3600 ? QString("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'))
                   : QString("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

// The first metric a model reports besides the loss ("accuracy"), or "" when there is none.
std::string first_metric(const Logs& logs) {
  for (const auto& [name, value] : logs)
    if (name != "loss" && name.rfind("val_", 0) != 0 && name != "learning_rate" && name != "lr") return name;
  return "";
}

QLineSeries* add_series(QChart* chart, const QString& name, const QColor& colour, double width, Qt::PenStyle style = Qt::SolidLine) {
  auto* s = new QLineSeries;
  s->setName(name);
  s->setPen(QPen(colour, width, style));
  s->setUseOpenGL(false);
  chart->addSeries(s);
  return s;
}

}  // namespace

Dashboard::Dashboard(nodes::Document& doc, QWidget* parent) : QWidget(parent), doc_(doc) {
  auto* layout = new QVBoxLayout(this);
  auto* buttons = new QHBoxLayout;
  train_ = new QPushButton(tr("Train"));
  train_->setObjectName("train");
  train_->setToolTip(tr("Build the model on the canvas and train it on the project's data"));
  pause_ = new QPushButton(tr("Pause"));
  pause_->setObjectName("pause");
  step_ = new QPushButton(tr("Step"));
  step_->setObjectName("step");
  step_->setToolTip(tr("While paused: train exactly one batch"));
  stop_ = new QPushButton(tr("Stop"));
  stop_->setObjectName("stop");
  stop_->setToolTip(tr("End the run after the current batch; the model and its history are kept"));
  for (QPushButton* b : {train_, pause_, step_, stop_}) buttons->addWidget(b);
  buttons->addSpacing(12);
  progress_ = new QProgressBar;
  progress_->setTextVisible(true);
  buttons->addWidget(progress_, 1);
  layout->addLayout(buttons);
  status_ = new QLabel(tr("Press Train to build the model on the canvas and train it."));
  status_->setObjectName("training-status");
  status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(status_);

  auto* options = new QHBoxLayout;
  options->addWidget(new QLabel(tr("Smoothing")));
  smoothing_ = new QSlider(Qt::Horizontal);
  smoothing_->setRange(0, 99);
  smoothing_->setValue(60);
  smoothing_->setMaximumWidth(160);
  smoothing_->setToolTip(tr("Exponential smoothing of the per-batch curves (applies to new points)"));
  options->addWidget(smoothing_);
  log_scale_ = new QCheckBox(tr("Log scale"));
  options->addWidget(log_scale_);
  compare_ = new QCheckBox(tr("Earlier runs"));
  compare_->setToolTip(tr("Overlay the per-epoch curves of the project's earlier runs"));
  options->addWidget(compare_);
  options->addStretch(1);
  auto* save_charts = new QPushButton(tr("Save Charts…"));
  auto* save_history = new QPushButton(tr("Export History…"));
  options->addWidget(save_charts);
  options->addWidget(save_history);
  connect(save_charts, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Charts"), "training.png", tr("PNG image (*.png)"));
    if (!path.isEmpty()) export_charts(path);
  });
  connect(save_history, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export History"), "history.csv", tr("CSV (*.csv)"));
    if (!path.isEmpty()) export_history(path);
  });
  layout->addLayout(options);

  auto* charts = new QHBoxLayout;
  for (Chart* c : {&loss_, &metric_}) {
    c->chart = new QChart;
    c->chart->legend()->setAlignment(Qt::AlignBottom);
    c->chart->setMargins(QMargins(4, 4, 4, 4));
    c->view = new QChartView(c->chart);
    c->view->setRenderHint(QPainter::Antialiasing, false);  // thousands of segments redrawn ten times a second
    c->view->setMinimumHeight(220);
    charts->addWidget(c->view, 1);
  }
  boundary_ = new BoundaryView;
  boundary_->setObjectName("decision-boundary");
  boundary_->hide();  // shown for 2-D data
  charts->addWidget(boundary_, 1);
  layout->addLayout(charts, 1);
  connect(train_, &QPushButton::clicked, this, &Dashboard::train);
  connect(pause_, &QPushButton::clicked, this, &Dashboard::toggle_pause);
  connect(step_, &QPushButton::clicked, this, [this] { if (session_) session_->step(); });
  connect(stop_, &QPushButton::clicked, this, &Dashboard::stop);
  connect(log_scale_, &QCheckBox::toggled, this, &Dashboard::apply_log_scale);
  connect(compare_, &QCheckBox::toggled, this, &Dashboard::show_earlier_runs);
  reset_charts();
  update_buttons();
}

Dashboard::~Dashboard() { end_session(); }

void Dashboard::reset_charts() {
  const QPalette pal = palette();
  const QColor train_colour(0x3d8bfd), val_colour(0xe8733d);
  for (Chart* c : {&loss_, &metric_}) {
    c->chart->removeAllSeries();
    for (QAbstractAxis* a : c->chart->axes()) {
      c->chart->removeAxis(a);
      delete a;
    }
    c->chart->setBackgroundBrush(pal.color(QPalette::Base));
    c->chart->setTitleBrush(pal.color(QPalette::Text));
    c->chart->legend()->setLabelColor(pal.color(QPalette::Text));
    c->batch = add_series(c->chart, c == &loss_ ? "loss (batch)" : "metric (batch)", train_colour.lighter(150), 1.2);
    c->epoch = add_series(c->chart, c == &loss_ ? "loss" : "metric", train_colour, 2.4);
    c->val = add_series(c->chart, c == &loss_ ? "val_loss" : "val_metric", val_colour, 2.4);
    c->x = new QValueAxis;
    c->x->setTitleText(tr("epoch"));
    c->x->setLabelFormat("%.1f");
    c->x->setTickCount(6);
    c->x->setRange(0, 1);
    c->y = new QValueAxis;
    c->y->setRange(0, 1);
    c->log_y = nullptr;
    for (QValueAxis* a : {c->x, c->y}) {
      a->setLabelsColor(pal.color(QPalette::Text));
      a->setTitleBrush(pal.color(QPalette::Text));
      a->setGridLineColor(pal.color(QPalette::Mid));
    }
    c->chart->addAxis(c->x, Qt::AlignBottom);
    c->chart->addAxis(c->y, Qt::AlignLeft);
    for (QLineSeries* s : {c->batch, c->epoch, c->val}) {
      s->attachAxis(c->x);
      s->attachAxis(c->y);
      connect(s, &QLineSeries::hovered, this, &Dashboard::hovered);
    }
    c->y_min = INFINITY, c->y_max = -INFINITY;
    c->batch_points.clear();
  }
  loss_.chart->setTitle(tr("Loss"));
  metric_.chart->setTitle(tr("Metric"));
  metric_name_.clear();
  first_point_ = true;
  earlier_.clear();  // removeAllSeries() deleted them
  show_earlier_runs();
}

void Dashboard::show_earlier_runs() {
  for (QLineSeries* s : earlier_) {
    s->chart()->removeSeries(s);
    delete s;
  }
  earlier_.clear();
  if (!compare_->isChecked()) return;
  const Config& history = doc_.data().history;
  const size_t shown = std::min<size_t>(history.size(), 5);  // the last five: more is noise
  for (size_t r = history.size() - shown; r < history.size(); ++r) {
    const Config& run = history[r];
    for (Chart* c : {&loss_, &metric_}) {
      const std::string key = c == &loss_ ? "loss" : metric_name_.empty() ? "accuracy" : metric_name_;
      auto* s = new QLineSeries;
      s->setName(QString("run %1 %2").arg(r + 1).arg(QString::fromStdString(key)));
      s->setPen(QPen(QColor(128, 128, 128, 110), 1.5, Qt::DashLine));
      for (const auto& e : run.value("epochs", Config::array()))
        if (e.contains(key) && e.at(key).is_number()) {
          const double v = e.at(key).get<double>();
          s->append(e.value("epoch", 0), v);
          c->y_min = std::min(c->y_min, v), c->y_max = std::max(c->y_max, v);
        }
      c->chart->addSeries(s);
      s->attachAxis(c->x);
      s->attachAxis(c->log_y && c == &loss_ ? static_cast<QAbstractAxis*>(c->log_y) : c->y);
      if (!c->log_y && std::isfinite(c->y_min)) c->y->setRange(std::min(0.0, c->y_min), std::max(c->y_max * 1.05, 1e-6));
      if (s->count() > 0) c->x->setMax(std::max(c->x->max(), s->at(s->count() - 1).x()));
      earlier_.push_back(s);
    }
  }
}

void Dashboard::hovered(const QPointF& point, bool state) {
  auto* series = qobject_cast<QLineSeries*>(sender());
  if (!state || !series) return QToolTip::hideText();
  QToolTip::showText(QCursor::pos(), QString("%1\nepoch %2: %3").arg(series->name()).arg(point.x(), 0, 'f', 2).arg(point.y(), 0, 'g', 5));
}

bool Dashboard::export_charts(const QString& path) {
  const QPixmap a = loss_.view->grab(), b = metric_.view->grab();
  QImage image(a.width() + b.width(), std::max(a.height(), b.height()), QImage::Format_ARGB32);
  image.fill(palette().color(QPalette::Window));
  QPainter painter(&image);
  painter.drawPixmap(0, 0, a);
  painter.drawPixmap(a.width(), 0, b);
  painter.end();
  QSaveFile file(path);  // atomic: a half-written image never replaces an old one
  if (!file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG") || !file.commit()) {
    status_->setText(tr("Cannot write %1: %2").arg(path, file.errorString()));
    return false;
  }
  status_->setText(tr("Charts saved to %1").arg(path));
  return true;
}

bool Dashboard::export_history(const QString& path) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(history_csv(doc_.data().history).toUtf8()) < 0 || !file.commit()) {
    status_->setText(tr("Cannot write %1: %2").arg(path, file.errorString()));
    return false;
  }
  status_->setText(tr("History written to %1").arg(path));
  return true;
}

QString history_csv(const Config& history) {
  std::set<std::string> keys;
  for (const auto& run : history)
    for (const auto& e : run.value("epochs", Config::array()))
      for (auto it = e.begin(); it != e.end(); ++it)
        if (it.key() != "epoch") keys.insert(it.key());
  auto quoted = [](const std::string& text) {
    QString q = QString::fromStdString(text);
    return q.contains(',') || q.contains('"') ? "\"" + q.replace("\"", "\"\"") + "\"" : q;
  };
  QString csv = "run,started,stopped,epoch";
  for (const auto& k : keys) csv += "," + quoted(k);
  csv += "\n";
  int number = 0;
  for (const auto& run : history) {
    ++number;
    for (const auto& e : run.value("epochs", Config::array())) {
      csv += QString::number(number) + "," + quoted(run.value("started", std::string())) + "," +
             quoted(run.value("stopped", std::string())) + "," + QString::number(e.value("epoch", 0));
      for (const auto& k : keys) {
        csv += ",";
        if (e.contains(k) && e.at(k).is_number()) csv += QString::number(e.at(k).get<double>(), 'g', 9);
      }
      csv += "\n";
    }
  }
  return csv;
}

void Dashboard::apply_log_scale() {
  // Qt Charts has no scale switch on an axis: swap the loss chart's Y axis.
  Chart& c = loss_;
  QAbstractAxis* old = c.log_y ? static_cast<QAbstractAxis*>(c.log_y) : c.y;
  for (QLineSeries* s : {c.batch, c.epoch, c.val}) s->detachAxis(old);
  c.chart->removeAxis(old);
  if (log_scale_->isChecked()) {
    c.log_y = new QLogValueAxis;
    c.log_y->setLabelFormat("%.3g");
    c.log_y->setLabelsColor(palette().color(QPalette::Text));
    c.chart->addAxis(c.log_y, Qt::AlignLeft);
    for (QLineSeries* s : {c.batch, c.epoch, c.val}) s->attachAxis(c.log_y);
    c.y = new QValueAxis;  // kept for switching back
  } else {
    delete c.log_y;
    c.log_y = nullptr;
    c.chart->addAxis(c.y, Qt::AlignLeft);
    for (QLineSeries* s : {c.batch, c.epoch, c.val}) s->attachAxis(c.y);
  }
  if (std::isfinite(c.y_min)) {
    if (c.log_y) c.log_y->setRange(std::max(1e-6, c.y_min * 0.9), std::max(1e-5, c.y_max * 1.1));
    else c.y->setRange(std::min(0.0, c.y_min), c.y_max * 1.05);
  }
}

void Dashboard::update_buttons() {
  const bool running = session_ != nullptr;
  train_->setEnabled(!running);
  pause_->setEnabled(running);
  stop_->setEnabled(running);
  step_->setEnabled(running && session_->paused());
  pause_->setText(running && session_->paused() ? tr("Resume") : tr("Pause"));
}

void Dashboard::train() {
  if (session_) return;
  try {
    session_ = std::make_unique<TrainingSession>(doc_.data());
  } catch (const std::exception& e) {
    status_->setText(tr("Cannot train: %1").arg(e.what()));
    return;
  }
  reset_charts();
  epochs_ = static_cast<int>(doc_.settings().epochs);
  progress_->setRange(0, 1000);
  progress_->setValue(0);
  last_plotted_ = -1;
  batches_received_ = 0;
  started_ms_ = QDateTime::currentMSecsSinceEpoch();
  for (Chart* c : {&loss_, &metric_}) c->x->setRange(0, std::max(1, epochs_));
  connect(session_.get(), &TrainingSession::status, status_, &QLabel::setText);
  connect(session_.get(), &TrainingSession::batches, this, &Dashboard::on_batches);
  connect(session_.get(), &TrainingSession::epochs_ended, this, [this](const std::vector<std::pair<int, Logs>>& epochs) {
    for (const auto& [epoch, logs] : epochs) on_epoch_end(epoch, logs);
  });
  connect(session_.get(), &TrainingSession::finished, this, &Dashboard::on_finished);
  connect(session_.get(), &TrainingSession::failed, this, &Dashboard::on_failed);
  boundary_->clear();
  boundary_->hide();
  connect(session_.get(), &TrainingSession::plane_points, this, [this](const PlanePoints& points) {
    boundary_->set_points(points);
    boundary_->show();
  });
  connect(session_.get(), &TrainingSession::boundary, boundary_, &BoundaryView::set_grid);
  emit session_started(session_.get());
  session_->start();
  update_buttons();
  emit training_changed(true);
}

void Dashboard::toggle_pause() {
  if (!session_) return;
  session_->pause(!session_->paused());
  if (session_->paused()) status_->setText(tr("Paused. Resume to go on, or Step to train one batch."));
  update_buttons();
}

void Dashboard::stop() {
  if (!session_) return;
  session_->stop();
  status_->setText(tr("Stopping after the current batch…"));
}

void Dashboard::on_batches(const std::vector<BatchPoint>& points) {
  if (points.empty()) return;
  batches_received_ += static_cast<int64_t>(points.size());
  const double keep = smoothing_->value() / 100.0;
  QList<QPointF> loss_points, metric_points;
  for (const BatchPoint& p : points) {
    if (metric_name_.empty()) {
      metric_name_ = first_metric(p.logs);
      if (!metric_name_.empty()) {
        metric_.chart->setTitle(QString::fromStdString(metric_name_));
        metric_.batch->setName(QString::fromStdString(metric_name_ + " (batch)"));
        metric_.epoch->setName(QString::fromStdString(metric_name_));
        metric_.val->setName(QString::fromStdString("val_" + metric_name_));
      }
    }
    auto loss = p.logs.find("loss");
    if (loss == p.logs.end() || !std::isfinite(loss->second)) continue;
    smoothed_loss_ = first_point_ ? loss->second : keep * smoothed_loss_ + (1 - keep) * loss->second;
    // At most about 2,000 points a curve over the run (the smoothing still sees every batch): long runs of
    // short epochs would otherwise make every redraw slower.
    const bool plot = first_point_ || p.position - last_plotted_ >= std::max(1, epochs_) / 2000.0;
    if (plot) last_plotted_ = p.position;
    if (plot) loss_points.append({p.position, smoothed_loss_});
    if (auto m = p.logs.find(metric_name_); !metric_name_.empty() && m != p.logs.end()) {
      smoothed_metric_ = first_point_ ? m->second : keep * smoothed_metric_ + (1 - keep) * m->second;
      if (plot) metric_points.append({p.position, smoothed_metric_});
    }
    first_point_ = false;
  }
  auto extend = [](Chart& c, const QList<QPointF>& pts) {
    for (const QPointF& q : pts) c.y_min = std::min(c.y_min, q.y()), c.y_max = std::max(c.y_max, q.y());
    if (pts.isEmpty()) return;
    c.batch_points.append(pts);
    c.batch->replace(c.batch_points);
    // The axis grows in steps (a relayout of the chart costs more than drawing the new points).
    if (std::isfinite(c.y_min) && !c.log_y && (c.y_max > c.y->max() || std::min(0.0, c.y_min) < c.y->min()))
      c.y->setRange(std::min(0.0, c.y_min), std::max(c.y_max * 1.25, 1e-6));
    if (std::isfinite(c.y_min) && c.log_y) c.log_y->setRange(std::max(1e-6, c.y_min * 0.9), std::max(1e-5, c.y_max * 1.1));
  };
  extend(loss_, loss_points);
  extend(metric_, metric_points);

  const BatchPoint& last = points.back();
  progress_->setValue(static_cast<int>(1000 * last.position / std::max(1, epochs_)));
  const double elapsed = (QDateTime::currentMSecsSinceEpoch() - started_ms_) / 1000.0;
  const double eta = elapsed / std::max(1e-9, last.position) * (epochs_ - last.position);
  const double per_second = last.position * last.batches * doc_.settings().batch_size / std::max(1e-9, elapsed);
  QString text = tr("Epoch %1/%2 · batch %3/%4 · ETA %5 · %6 samples/s")
                     .arg(last.epoch)
                     .arg(epochs_)
                     .arg(last.batch + 1)
                     .arg(last.batches)
                     .arg(duration_text(eta))
                     .arg(QLocale().toString(std::llround(per_second)));
  if (last.learning_rate > 0) text += tr(" · lr %1").arg(last.learning_rate, 0, 'g', 3);
  if (session_ && session_->paused()) text += tr(" · paused");
  status_->setText(text);
}

void Dashboard::on_epoch_end(int epoch, const Logs& logs) {
  auto add = [&](QLineSeries* s, Chart& c, const std::string& key) {
    auto it = logs.find(key);
    if (it == logs.end() || !std::isfinite(it->second)) return;
    s->append(epoch, it->second);
    c.y_min = std::min(c.y_min, it->second), c.y_max = std::max(c.y_max, it->second);
  };
  add(loss_.epoch, loss_, "loss");
  add(loss_.val, loss_, "val_loss");
  if (!metric_name_.empty()) {
    add(metric_.epoch, metric_, metric_name_);
    add(metric_.val, metric_, "val_" + metric_name_);
  }
}

void Dashboard::on_finished(const RunResult& result) {
  if (!session_) return;
  nodes::Settings used = session_->project().settings;
  doc_.append_history(nodes::run_record(used, result.history, result.test, result.started, result.finished,
                                        result.stopped, result.details));
  trained_ = session_->model();
  trained_graph_ = session_->project().graph;
  const size_t epochs = result.history.epoch.size();
  QString text = tr("Run %1 after %2 %3").arg(QString::fromStdString(result.stopped)).arg(epochs).arg(epochs == 1 ? tr("epoch") : tr("epochs"));
  for (const auto& [name, value] : result.test) text += QString(" · test %1 %2").arg(QString::fromStdString(name)).arg(value, 0, 'g', 4);
  status_->setText(text);
  const auto predictions = result.predictions;
  end_session();
  emit run_finished(text);
  if (predictions) emit evaluated(predictions);
}

void Dashboard::on_failed(const QString& message) {
  status_->setText(tr("Training failed: %1").arg(message));
  end_session();
}

void Dashboard::end_session() {
  if (!session_) return;
  session_.reset();  // joins the worker (already done, or stopped after its current batch)
  update_buttons();
  emit training_changed(false);
}

int Dashboard::points(const QString& series) const {
  for (const Chart* c : {&loss_, &metric_})
    for (QLineSeries* s : {c->batch, c->epoch, c->val})
      if (s->name() == series) return static_cast<int>(s->count());
  return -1;
}

QString Dashboard::progress_text() const { return status_->text(); }

}  // namespace cornu::ui
