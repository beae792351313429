// How a trained classifier does on the test set: the confusion matrix as a heat map with counts, per-class
// precision, recall and F1, and the samples behind any cell (click it), the most confident mistakes first;
// images (28x28, grey or colour) show as thumbnails, other samples as their values.
#pragma once
#include <QWidget>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"

class QLabel;
class QListWidget;
class QTableWidget;

namespace cornu::ui {

// The test set and what the model predicted for it (computed in the training worker).
struct Predictions {
  Tensor x;                       // the test samples, (N, ...)
  std::vector<int> truth, predicted;
  std::vector<float> confidence;  // the probability the model gave its prediction
  std::vector<std::string> class_names;
  int classes = 0;
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

 private:
  void show_samples(const std::vector<int>& indices, const QString& title);
  std::shared_ptr<const Predictions> predictions_;
  Confusion confusion_;
  QLabel* summary_;
  QTableWidget* matrix_;
  QTableWidget* per_class_;
  QLabel* gallery_title_;
  QListWidget* gallery_;
};

}  // namespace cornu::ui
