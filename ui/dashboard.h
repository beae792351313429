// The training dashboard: Train, Pause/Resume, Step and Stop; a progress line (epoch, batch, ETA, samples per
// second, learning rate); live charts of the loss and the first metric, per batch (smoothed) and per epoch,
// training and validation together. Each finished run goes into the project's history.
#pragma once
#include <QWidget>
#include <memory>

#include "nodes/document.h"
#include "ui/training_session.h"

class QChart;
class QChartView;
class QCheckBox;
class QLabel;
class QLineSeries;
class QProgressBar;
class QPushButton;
class QSlider;
class QValueAxis;
class QLogValueAxis;
class QPointF;

namespace cornu::ui {

// The project's history as CSV: run, started, stopped, epoch, then one column per logged value (loss,
// accuracy, val_loss...), empty where a run did not log it.
QString history_csv(const Config& history);

class Dashboard : public QWidget {
  Q_OBJECT

 public:
  explicit Dashboard(nodes::Document& doc, QWidget* parent = nullptr);
  ~Dashboard() override;

  bool training() const { return session_ != nullptr; }
  TrainingSession* session() const { return session_.get(); }
  // The model of the last finished run (its weights go beside the project when it is saved); may be null.
  const ModelPtr& trained_model() const { return trained_; }
  // The graph the trained model was built from: its weights fit only that graph.
  const nodes::Graph& trained_graph() const { return trained_graph_; }

  // For tests and the window's actions.
  QPushButton* train_button() const { return train_; }
  QPushButton* pause_button() const { return pause_; }
  QPushButton* stop_button() const { return stop_; }
  QPushButton* step_button() const { return step_; }
  int points(const QString& series) const;
  // Both charts side by side as a PNG; false (with the reason in the status line) when it cannot be written.
  bool export_charts(const QString& path);
  bool export_history(const QString& path);  // every run of the project, one row per epoch (CSV)  // how many points a series holds ("loss (batch)", "val_loss"...)
  QString progress_text() const;
  int64_t batches_received() const { return batches_received_; }  // this run's batches (the charts thin them)
  BoundaryView* boundary() const { return boundary_; }

 public slots:
  void train();
  void toggle_pause();
  void stop();

 signals:
  void training_changed(bool training);
  void session_started(cornu::ui::TrainingSession* session);  // before its worker starts: connect to it now
  void run_finished(const QString& summary);
  void evaluated(std::shared_ptr<const cornu::ui::Predictions> predictions);  // a classifier's test predictions

 private:
  void on_batches(const std::vector<BatchPoint>& points);
  void on_epoch_end(int epoch, const Logs& logs);
  void on_finished(const RunResult& result);
  void on_failed(const QString& message);
  void end_session();
  void reset_charts();
  void update_buttons();
  void apply_log_scale();
  void show_earlier_runs();  // the per-epoch curves of the project's earlier runs, faint, for comparison
  void hovered(const QPointF& point, bool state);

  nodes::Document& doc_;
  std::unique_ptr<TrainingSession> session_;
  ModelPtr trained_;
  nodes::Graph trained_graph_;
  QPushButton *train_, *pause_, *step_, *stop_;
  QProgressBar* progress_;
  BoundaryView* boundary_;
  QLabel* status_;
  QSlider* smoothing_;
  QCheckBox* log_scale_;
  QCheckBox* compare_;
  std::vector<QLineSeries*> earlier_;
  struct Chart {
    QChart* chart = nullptr;
    QChartView* view = nullptr;
    QLineSeries *batch = nullptr, *epoch = nullptr, *val = nullptr;
    // The batch curve's points, handed to the series whole: QXYSeries::append(list) relayouts the line once
    // per point, which made each bundle cost O(points²) on the UI thread; replace() relayouts it once.
    QList<QPointF> batch_points;
    QValueAxis* x = nullptr;
    QValueAxis* y = nullptr;
    QLogValueAxis* log_y = nullptr;
    double y_min = 0, y_max = 0;
  };
  Chart loss_, metric_;
  std::string metric_name_;
  double smoothed_loss_ = 0, smoothed_metric_ = 0;
  bool first_point_ = true;
  int epochs_ = 0;
  qint64 started_ms_ = 0;
  double last_plotted_ = -1;
  int64_t batches_received_ = 0;  // where the last batch point went (points are thinned on long runs)
};

}  // namespace cornu::ui
