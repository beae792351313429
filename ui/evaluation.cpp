#include "ui/evaluation.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <numeric>

#include "ui/regression_view.h"

namespace cornu::ui {

double Confusion::precision(int c) const {
  int64_t column = 0;
  for (int t = 0; t < classes; ++t) column += at(t, c);
  return column ? static_cast<double>(at(c, c)) / static_cast<double>(column) : 0.0;
}

double Confusion::recall(int c) const {
  int64_t row = 0;
  for (int p = 0; p < classes; ++p) row += at(c, p);
  return row ? static_cast<double>(at(c, c)) / static_cast<double>(row) : 0.0;
}

double Confusion::f1(int c) const {
  const double p = precision(c), r = recall(c);
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

double Confusion::accuracy() const {
  int64_t right = 0, all = 0;
  for (int t = 0; t < classes; ++t)
    for (int p = 0; p < classes; ++p) (t == p ? right : all) += at(t, p);
  all += right;
  return all ? static_cast<double>(right) / static_cast<double>(all) : 0.0;
}

Confusion confusion_matrix(const std::vector<int>& truth, const std::vector<int>& predicted, int classes) {
  Confusion c;
  c.classes = classes;
  c.counts.assign(static_cast<size_t>(classes) * static_cast<size_t>(classes), 0);
  for (size_t i = 0; i < std::min(truth.size(), predicted.size()); ++i)
    if (truth[i] >= 0 && truth[i] < classes && predicted[i] >= 0 && predicted[i] < classes)
      ++c.counts[static_cast<size_t>(truth[i] * classes + predicted[i])];
  return c;
}

namespace {

QString class_name(const Predictions& p, int c) {
  return c < static_cast<int>(p.class_names.size()) ? QString::fromStdString(p.class_names[static_cast<size_t>(c)])
                                                    : QString::number(c);
}

// A sample as a picture when it is an image (H, W) or (H, W, 1|3) with values in [0, 1]; else null.
QImage sample_image(const Tensor& x, const std::vector<float>& values, int index) {
  const Shape& s = x.shape();
  if (s.rank() != 3 && s.rank() != 4) return {};
  const int h = static_cast<int>(s[1]), w = static_cast<int>(s[2]), channels = s.rank() == 4 ? static_cast<int>(s[3]) : 1;
  if (channels != 1 && channels != 3) return {};
  QImage image(w, h, QImage::Format_RGB32);
  const size_t base = static_cast<size_t>(index) * static_cast<size_t>(h * w * channels);
  auto level = [](float v) { return std::clamp(static_cast<int>(v * 255.0f + 0.5f), 0, 255); };
  for (int y = 0; y < h; ++y)
    for (int x0 = 0; x0 < w; ++x0) {
      const size_t at = base + static_cast<size_t>((y * w + x0) * channels);
      const int r = level(values[at]), g = level(values[at + (channels == 3 ? 1 : 0)]), b = level(values[at + (channels == 3 ? 2 : 0)]);
      image.setPixel(x0, y, qRgb(255 - r, 255 - g, 255 - b));  // dark ink on white, as Fashion-MNIST reads best
    }
  return image.scaled(w * 3, h * 3, Qt::KeepAspectRatio, Qt::FastTransformation);
}

}  // namespace

EvaluationPanel::EvaluationPanel(QWidget* parent) : QWidget(parent) {
  auto* outer = new QVBoxLayout(this);
  summary_ = new QLabel(tr("Train a model: how it does on the test set appears here."));
  summary_->setWordWrap(true);
  outer->addWidget(summary_);
  metrics_ = new QTableWidget(1, 0);
  metrics_->setObjectName("test-metrics");
  metrics_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  metrics_->verticalHeader()->hide();
  metrics_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  metrics_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  metrics_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  outer->addWidget(metrics_);
  pages_ = new QStackedWidget;
  outer->addWidget(pages_, 1);

  auto* classifier_page = new QWidget;
  auto* layout = new QHBoxLayout(classifier_page);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* left = new QVBoxLayout;
  matrix_ = new QTableWidget;
  matrix_->setObjectName("confusion-matrix");
  matrix_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  matrix_->setSelectionMode(QAbstractItemView::SingleSelection);
  matrix_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  matrix_->setToolTip(tr("Rows: true class. Columns: predicted class. Click a cell to see its samples."));
  left->addWidget(matrix_, 1);
  per_class_ = new QTableWidget;
  per_class_->setObjectName("per-class-metrics");
  per_class_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  per_class_->setColumnCount(4);
  per_class_->setHorizontalHeaderLabels({tr("Precision"), tr("Recall"), tr("F1"), tr("Support")});
  per_class_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  left->addWidget(per_class_, 1);
  layout->addLayout(left, 3);
  auto* right = new QVBoxLayout;
  gallery_title_ = new QLabel;
  gallery_title_->setWordWrap(true);
  right->addWidget(gallery_title_);
  gallery_ = new QListWidget;
  gallery_->setObjectName("samples");
  gallery_->setViewMode(QListView::IconMode);
  gallery_->setIconSize(QSize(84, 84));
  gallery_->setResizeMode(QListView::Adjust);
  gallery_->setWordWrap(true);
  right->addWidget(gallery_, 1);
  layout->addLayout(right, 2);
  pages_->addWidget(classifier_page);
  connect(matrix_, &QTableWidget::cellClicked, this, &EvaluationPanel::select_cell);

  auto* regression_page = new QWidget;
  auto* r_layout = new QHBoxLayout(regression_page);
  r_layout->setContentsMargins(0, 0, 0, 0);
  regression_plot_ = new RegressionPlot;
  r_layout->addWidget(regression_plot_, 3);
  auto* r_right = new QVBoxLayout;
  regression_stats_ = new QLabel;
  regression_stats_->setObjectName("regression-stats");
  regression_stats_->setWordWrap(true);
  r_right->addWidget(regression_stats_);
  largest_errors_ = new QListWidget;
  largest_errors_->setObjectName("largest-errors");
  r_right->addWidget(largest_errors_, 1);
  r_layout->addLayout(r_right, 2);
  pages_->addWidget(regression_page);
}

bool EvaluationPanel::showing_regression() const { return pages_->currentIndex() == 1; }

void EvaluationPanel::show_metrics(const Predictions& p) {
  metrics_->setColumnCount(static_cast<int>(p.test.size()));
  QStringList names;
  int col = 0;
  for (const auto& [name, value] : p.test) {
    names << QString::fromStdString(name);
    metrics_->setItem(0, col++, new QTableWidgetItem(QString::number(value, 'g', 5)));
  }
  metrics_->setHorizontalHeaderLabels(names);
  metrics_->resizeRowsToContents();
  metrics_->setFixedHeight(metrics_->horizontalHeader()->sizeHint().height() + metrics_->rowHeight(0) +
                           2 * metrics_->frameWidth());
  metrics_->setVisible(!p.test.empty());
}

void EvaluationPanel::show_regression(const Predictions& p) {
  pages_->setCurrentIndex(1);
  const RegressionStats s = regression_stats(p.true_values, p.predicted_values);
  regression_plot_->set_values(p.true_values, p.predicted_values);
  summary_->setText(tr("Test set: %1 values predicted. Each point is one value: a perfect model puts them all on "
                       "the dashed diagonal.").arg(s.count));
  regression_stats_->setText(tr("<b>R²</b> %1 (1 is perfect, 0 is no better than the mean)<br><b>MAE</b> %2 · "
                                "<b>RMSE</b> %3")
                                 .arg(s.r2, 0, 'f', 4)
                                 .arg(s.mae, 0, 'g', 4)
                                 .arg(s.rmse, 0, 'g', 4));
  // The values the model got most wrong, with their sample: where to look first.
  const size_t n = std::min(p.true_values.size(), p.predicted_values.size());
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  auto error = [&](size_t i) { return std::abs(double(p.predicted_values[i]) - p.true_values[i]); };
  const size_t shown = std::min<size_t>(n, 50);
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(shown), order.end(),
                    [&](size_t a, size_t b) { return error(a) > error(b); });
  const size_t targets = p.x.rows() > 0 ? std::max<size_t>(1, n / static_cast<size_t>(p.x.rows())) : 1;
  largest_errors_->clear();
  for (size_t k = 0; k < shown; ++k) {
    const size_t i = order[k];
    largest_errors_->addItem(tr("sample %1: true %2, predicted %3 (off by %4)")
                                 .arg(i / targets)
                                 .arg(p.true_values[i], 0, 'g', 4)
                                 .arg(p.predicted_values[i], 0, 'g', 4)
                                 .arg(error(i), 0, 'g', 3));
  }
}

void EvaluationPanel::show_predictions(std::shared_ptr<const Predictions> predictions) {
  predictions_ = std::move(predictions);
  const Predictions& p = *predictions_;
  show_metrics(p);
  if (p.regression()) return show_regression(p);
  show_classifier(p);
}

void EvaluationPanel::show_classifier(const Predictions& p) {
  pages_->setCurrentIndex(0);
  confusion_ = confusion_matrix(p.truth, p.predicted, p.classes);
  const int k = p.classes;
  matrix_->setRowCount(k);
  matrix_->setColumnCount(k);
  per_class_->setRowCount(k);
  QStringList names;
  for (int c = 0; c < k; ++c) names << class_name(p, c);
  matrix_->setHorizontalHeaderLabels(names);
  matrix_->setVerticalHeaderLabels(names);
  per_class_->setVerticalHeaderLabels(names);
  int64_t largest = 1;
  for (int64_t n : confusion_.counts) largest = std::max(largest, n);
  for (int t = 0; t < k; ++t) {
    int64_t support = 0;
    for (int q = 0; q < k; ++q) {
      const int64_t n = confusion_.at(t, q);
      support += n;
      auto* cell = new QTableWidgetItem(QString::number(n));
      cell->setTextAlignment(Qt::AlignCenter);
      // Heat: blue on the diagonal (right), red off it (wrong), stronger with the count.
      const double heat = std::sqrt(static_cast<double>(n) / static_cast<double>(largest));
      const QColor base = t == q ? QColor(0x3d8bfd) : QColor(0xe5484d);
      cell->setBackground(QColor::fromRgbF(1 - heat * (1 - base.redF()), 1 - heat * (1 - base.greenF()), 1 - heat * (1 - base.blueF())));
      cell->setForeground(heat > 0.55 ? Qt::white : Qt::black);
      cell->setToolTip(tr("%1 samples of %2 predicted as %3").arg(n).arg(names[t], names[q]));
      matrix_->setItem(t, q, cell);
    }
    const double values[] = {confusion_.precision(t), confusion_.recall(t), confusion_.f1(t)};
    for (int col = 0; col < 3; ++col) per_class_->setItem(t, col, new QTableWidgetItem(QString::number(values[col], 'f', 3)));
    per_class_->setItem(t, 3, new QTableWidgetItem(QString::number(support)));
  }
  summary_->setText(tr("Test accuracy %1 on %2 samples. Rows are the true class, columns the prediction; click a "
                       "cell to see its samples.")
                        .arg(confusion_.accuracy(), 0, 'f', 4)
                        .arg(p.truth.size()));
  // The most confident mistakes, all classes together.
  std::vector<int> mistakes;
  for (size_t i = 0; i < p.truth.size(); ++i)
    if (p.truth[i] != p.predicted[i]) mistakes.push_back(static_cast<int>(i));
  std::stable_sort(mistakes.begin(), mistakes.end(), [&](int a, int b) { return p.confidence[static_cast<size_t>(a)] > p.confidence[static_cast<size_t>(b)]; });
  if (mistakes.size() > 48) mistakes.resize(48);
  show_samples(mistakes, tr("The worst mistakes: the model was surest and wrong."));
}

std::vector<int> EvaluationPanel::samples_in(int truth, int predicted) const {
  std::vector<int> out;
  if (!predictions_) return out;
  const Predictions& p = *predictions_;
  for (size_t i = 0; i < p.truth.size(); ++i)
    if (p.truth[i] == truth && p.predicted[i] == predicted) out.push_back(static_cast<int>(i));
  std::stable_sort(out.begin(), out.end(), [&](int a, int b) { return p.confidence[static_cast<size_t>(a)] > p.confidence[static_cast<size_t>(b)]; });
  return out;
}

void EvaluationPanel::select_cell(int truth, int predicted) {
  if (!predictions_) return;
  std::vector<int> indices = samples_in(truth, predicted);
  const size_t total = indices.size();
  if (indices.size() > 96) indices.resize(96);
  show_samples(indices, tr("%1 samples of %2 predicted as %3%4")
                            .arg(total)
                            .arg(class_name(*predictions_, truth), class_name(*predictions_, predicted))
                            .arg(total > indices.size() ? tr(" (the %1 most confident shown)").arg(indices.size()) : QString()));
}

void EvaluationPanel::show_samples(const std::vector<int>& indices, const QString& title) {
  gallery_->clear();
  gallery_title_->setText(title);
  if (!predictions_) return;
  const Predictions& p = *predictions_;
  const std::vector<float> values = p.x.to_vector();
  // Images as a grid of thumbnails; other samples as a list of rows.
  const bool images = p.x.rows() > 0 && !sample_image(p.x, values, 0).isNull();
  gallery_->setViewMode(images ? QListView::IconMode : QListView::ListMode);
  const int64_t per_sample = p.x.rows() ? static_cast<int64_t>(values.size()) / p.x.rows() : 0;
  for (int i : indices) {
    const size_t at = static_cast<size_t>(i);
    const QString caption = tr("%1 → %2 (%3 %)").arg(class_name(p, p.truth[at]), class_name(p, p.predicted[at]))
                                .arg(std::lround(p.confidence[at] * 100));
    auto* item = new QListWidgetItem(caption);
    const QImage image = sample_image(p.x, values, i);
    if (!image.isNull()) {
      item->setIcon(QIcon(QPixmap::fromImage(image)));
    } else {  // a table row: its first values
      QString text;
      for (int64_t v = 0; v < std::min<int64_t>(per_sample, 4); ++v)
        text += (v ? ", " : "") + QString::number(values[static_cast<size_t>(i * per_sample + v)], 'g', 3);
      item->setText(caption + "   [" + text + (per_sample > 4 ? ", …]" : "]"));
    }
    item->setData(Qt::UserRole, i);
    gallery_->addItem(item);
  }
}

}  // namespace cornu::ui
