// How a trained model does on the test set: its metrics as a table, then for a classifier the confusion matrix
// as a heat map with counts, per-class precision, recall and F1, and the samples behind any cell (click it),
// the most confident mistakes first (images show as thumbnails, other samples as their values); for a
// regression model, predicted against true values (regression_view.h) and the largest errors.
#pragma once
#include <QWidget>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"

class QLabel;
class QListWidget;
class QStackedWidget;
class QTableWidget;

namespace cornu::ui {

class RegressionPlot;

// The test set and what the model predicted for it (computed in the training worker).
struct Predictions {
  Tensor x;                       // the test samples, (N, ...)
  std::map<std::string, double> test;  // evaluate()'s logs: loss and metrics
  // A classifier's:
  std::vector<int> truth, predicted;
  std::vector<float> confidence;  // the probability the model gave its prediction
  std::vector<std::string> class_names;
  int classes = 0;
  // A regression model's (float targets), every target value of every sample, row-major:
  std::vector<float> true_values, predicted_values;
  bool regression() const { return !true_values.empty(); }
};

struct Confusion {
  int classes = 0;
  std::vector<int64_t> counts;  // row: true class, column: predicted class
  int64_t at(int truth, int predicted) const { return counts[static_cast<size_t>(truth * classes + predicted)]; }
  double precision(int c) const;  // 0 when the class was never predicted
  double recall(int c) const;     // 0 when the class never occurs
  double f1(int c) const;
  double accuracy() const;
};
Confusion confusion_matrix(const std::vector<int>& truth, const std::vector<int>& predicted, int classes);

class EvaluationPanel : public QWidget {
  Q_OBJECT

 public:
  explicit EvaluationPanel(QWidget* parent = nullptr);
  void show_predictions(std::shared_ptr<const Predictions> predictions);
  // The samples of one cell (true class, predicted class), the most confident first; what a click shows.
  std::vector<int> samples_in(int truth, int predicted) const;
  void select_cell(int truth, int predicted);
  QTableWidget* matrix() const { return matrix_; }
  QTableWidget* per_class() const { return per_class_; }
  QListWidget* gallery() const { return gallery_; }
  QTableWidget* metrics() const { return metrics_; }
  RegressionPlot* regression_plot() const { return regression_plot_; }
  bool showing_regression() const;

 private:
  void show_samples(const std::vector<int>& indices, const QString& title);
  void show_metrics(const Predictions& p);
  void show_classifier(const Predictions& p);
  void show_regression(const Predictions& p);
  std::shared_ptr<const Predictions> predictions_;
  Confusion confusion_;
  QLabel* summary_;
  QTableWidget* metrics_;
  QStackedWidget* pages_;  // the classifier's page, the regression page
  RegressionPlot* regression_plot_;
  QLabel* regression_stats_;
  QListWidget* largest_errors_;
  QTableWidget* matrix_;
  QTableWidget* per_class_;
  QLabel* gallery_title_;
  QListWidget* gallery_;
};

}  // namespace cornu::ui
