#include "ui/data_views.h"

#include <QHeaderView>
#include <QLocale>
#include <QPainter>
#include <QTableWidget>
#include <algorithm>
#include <cmath>

#include "ui/boundary_view.h"

namespace cornu::ui {

namespace {

constexpr int kCell = 52;         // thumbnail side in pixels
constexpr int kCaption = 14;      // class name under it
constexpr int kSpacing = 6;

int64_t sample_count(const std::shared_ptr<const DataPreview>& p) {
  return p && p->samples.defined() ? p->samples.rows() : 0;
}

}  // namespace

ThumbnailGrid::ThumbnailGrid(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

void ThumbnailGrid::set_preview(std::shared_ptr<const DataPreview> preview) {
  preview_ = std::move(preview);
  updateGeometry();
  update();
}

int ThumbnailGrid::shown() const {
  return static_cast<int>(std::min<int64_t>(sample_count(preview_), kColumns * kRows));
}

QSize ThumbnailGrid::sizeHint() const {
  return {kColumns * (kCell + kSpacing), kRows * (kCell + kCaption + kSpacing)};
}

QImage ThumbnailGrid::thumbnail(int index) const {
  const Shape& s = preview_->sample_shape;
  const int h = static_cast<int>(s[0]), w = static_cast<int>(s[1]);
  const int channels = s.rank() == 3 ? static_cast<int>(s[2]) : 1;
  const int64_t size = static_cast<int64_t>(h) * w * channels;
  const float* v = preview_->samples.data() + index * size;
  const auto range = std::minmax_element(v, v + size);
  const float lo = *range.first, hi = *range.second;
  const float scale = hi > lo ? 255.0f / (hi - lo) : 0.0f;
  QImage image(w, h, QImage::Format_RGB32);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const float* px = v + (static_cast<int64_t>(y) * w + x) * channels;
      auto level = [&](int c) { return static_cast<int>((px[c] - lo) * scale); };
      image.setPixel(x, y, channels == 3 ? qRgb(level(0), level(1), level(2)) : qRgb(level(0), level(0), level(0)));
    }
  return image;
}

void ThumbnailGrid::paintEvent(QPaintEvent*) {
  if (!preview_) return;
  QPainter p(this);
  QFont small = font();
  small.setPointSizeF(small.pointSizeF() * 0.85);
  p.setFont(small);
  for (int i = 0; i < shown(); ++i) {
    const int x = (i % kColumns) * (kCell + kSpacing), y = (i / kColumns) * (kCell + kCaption + kSpacing);
    p.drawImage(QRect(x, y, kCell, kCell), thumbnail(i));  // nearest neighbour: the pixels stay visible
    const int k = i < static_cast<int>(preview_->sample_classes.size()) ? preview_->sample_classes[static_cast<size_t>(i)] : -1;
    const QString caption = k >= 0 ? QString::fromStdString(preview_->class_name(k))
                            : i < static_cast<int>(preview_->sample_targets.size()) ? QString::number(preview_->sample_targets[static_cast<size_t>(i)])
                                                                               : QString();
    const QRect text(x - kSpacing / 2, y + kCell, kCell + kSpacing, kCaption);
    p.drawText(text, Qt::AlignCenter, p.fontMetrics().elidedText(caption, Qt::ElideRight, text.width()));
  }
}

ScatterView::ScatterView(QWidget* parent) : QWidget(parent) { setMinimumSize(180, 150); }

void ScatterView::set_preview(std::shared_ptr<const DataPreview> preview) {
  preview_ = std::move(preview);
  update();
}

int ScatterView::shown() const { return static_cast<int>(sample_count(preview_)); }

void ScatterView::paintEvent(QPaintEvent*) {
  const int n = shown();
  if (n == 0) return;
  const float* v = preview_->samples.data();
  float x0 = v[0], x1 = v[0], y0 = v[1], y1 = v[1];
  for (int i = 0; i < n; ++i) {
    x0 = std::min(x0, v[2 * i]), x1 = std::max(x1, v[2 * i]);
    y0 = std::min(y0, v[2 * i + 1]), y1 = std::max(y1, v[2 * i + 1]);
  }
  // The same scale on both axes, so circles look round.
  const QRectF area = QRectF(rect()).adjusted(8, 8, -8, -8);
  const double span = std::max({x1 - x0, y1 - y0, 1e-6f});
  const double scale = std::min(area.width(), area.height()) / span;
  const double inner = scale * 0.94;  // the points stay inside the frame
  const QPointF centre = area.center();
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(QPen(palette().color(QPalette::Mid), 1));
  p.drawRect(QRectF(centre.x() - span * scale / 2, centre.y() - span * scale / 2, span * scale, span * scale));
  p.setPen(Qt::NoPen);
  for (int i = 0; i < n; ++i) {
    const int k = i < static_cast<int>(preview_->sample_classes.size()) ? preview_->sample_classes[static_cast<size_t>(i)] : 0;
    p.setBrush(class_color(k));
    const QPointF at(centre.x() + (v[2 * i] - (x0 + x1) / 2) * inner, centre.y() - (v[2 * i + 1] - (y0 + y1) / 2) * inner);
    p.drawEllipse(at, 2.2, 2.2);
  }
}

ClassCounts::ClassCounts(QWidget* parent) : QWidget(parent) {
  setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

void ClassCounts::set_preview(std::shared_ptr<const DataPreview> preview) {
  preview_ = std::move(preview);
  updateGeometry();
  update();
}

QSize ClassCounts::sizeHint() const {
  const int lines = preview_ && !preview_->train_counts.empty() ? static_cast<int>(preview_->train_counts.size()) + 1 : 0;
  return {240, lines * (fontMetrics().height() + 2)};
}

void ClassCounts::paintEvent(QPaintEvent*) {
  if (!preview_ || preview_->train_counts.empty()) return;
  QPainter p(this);
  const int line = fontMetrics().height() + 2;
  int name_width = 0;
  for (size_t k = 0; k < preview_->train_counts.size(); ++k)
    name_width = std::max(name_width, fontMetrics().horizontalAdvance(QString::fromStdString(preview_->class_name(static_cast<int>(k)))));
  name_width = std::min(name_width + 8, width() / 3);
  const int numbers = fontMetrics().horizontalAdvance("00,000 / 00,000") + 8;
  const QLocale english(QLocale::English);  // 60,000 as the summary writes it
  const int bar_width = std::max(20, width() - name_width - numbers);
  const int64_t most = std::max<int64_t>(1, *std::max_element(preview_->train_counts.begin(), preview_->train_counts.end()));
  const int64_t most_test = preview_->test_counts.empty() ? 1 : std::max<int64_t>(1, *std::max_element(preview_->test_counts.begin(), preview_->test_counts.end()));
  p.setPen(palette().color(QPalette::PlaceholderText));
  p.drawText(QRect(name_width + bar_width + 4, 0, numbers, line), Qt::AlignVCenter | Qt::AlignLeft, tr("train / test"));
  for (size_t k = 0; k < preview_->train_counts.size(); ++k) {
    const int y = static_cast<int>(k + 1) * line;
    const QColor colour = class_color(static_cast<int>(k));
    p.setPen(palette().color(QPalette::WindowText));
    const QString name = QString::fromStdString(preview_->class_name(static_cast<int>(k)));
    p.drawText(QRect(0, y, name_width - 4, line), Qt::AlignVCenter | Qt::AlignLeft,
               fontMetrics().elidedText(name, Qt::ElideRight, name_width - 4));
    const int64_t train = preview_->train_counts[k];
    const int64_t test = k < preview_->test_counts.size() ? preview_->test_counts[k] : 0;
    p.fillRect(QRect(name_width, y + 2, static_cast<int>(bar_width * train / most), line / 2 - 1), colour);
    QColor light = colour;
    light.setAlpha(110);  // the test bar: its own scale, lighter
    p.fillRect(QRect(name_width, y + line / 2 + 1, static_cast<int>(bar_width * test / most_test), line / 2 - 3), light);
    p.drawText(QRect(name_width + bar_width + 4, y, numbers, line), Qt::AlignVCenter | Qt::AlignLeft,
               QString("%1 / %2").arg(english.toString(static_cast<qlonglong>(train)),
                                      english.toString(static_cast<qlonglong>(test))));
  }
}

void fill_sample_table(QTableWidget* table, const DataPreview& preview, int max_rows) {
  const int64_t rows = std::min<int64_t>(max_rows, preview.samples.defined() ? preview.samples.rows() : 0);
  const int64_t width = preview.samples.defined() ? preview.samples.cols() : 0;
  const int values = static_cast<int>(std::min<int64_t>(width, 64));  // a wider sample is cut, the header says so
  table->clear();
  table->setRowCount(static_cast<int>(rows));
  table->setColumnCount(values + 1);
  QStringList header;
  for (int c = 0; c < values; ++c) header << QString("x%1").arg(c);
  header << "label";
  table->setHorizontalHeaderLabels(header);
  const float* v = preview.samples.defined() ? preview.samples.data() : nullptr;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < values; ++c)
      table->setItem(r, c, new QTableWidgetItem(QString::number(v[r * width + c], 'g', 4)));
    QString label;
    if (r < static_cast<int>(preview.sample_classes.size())) label = QString::fromStdString(preview.class_name(preview.sample_classes[static_cast<size_t>(r)]));
    else if (r < static_cast<int>(preview.sample_targets.size())) label = QString::number(preview.sample_targets[static_cast<size_t>(r)]);
    table->setItem(r, values, new QTableWidgetItem(label));
  }
  table->resizeColumnsToContents();
}

}  // namespace cornu::ui
