// The Data panel's pictures of a preview: the first images with their class names, 2-D points coloured by
// class, a table of the first rows, and the class counts of the training and test sets as bars. Each paints
// only the small copy in a DataPreview; nothing here loads or computes on the data.
#pragma once
#include <QWidget>
#include <memory>

#include "ui/data_preview.h"

class QTableWidget;

namespace cornu::ui {

// Up to 6 x 4 samples, each scaled to a cell with its class name under it; grey (h, w) or (h, w, 1), or
// colour (h, w, 3). Each image is stretched to its own min..max, as matplotlib's imshow does.
class ThumbnailGrid : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kColumns = 6, kRows = 4;
  explicit ThumbnailGrid(QWidget* parent = nullptr);
  void set_preview(std::shared_ptr<const DataPreview> preview);
  int shown() const;  // thumbnails drawn
  QSize sizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  QImage thumbnail(int index) const;
  std::shared_ptr<const DataPreview> preview_;
};

// The first training points of a 2-D set, coloured as the decision-boundary view colours classes.
class ScatterView : public QWidget {
  Q_OBJECT

 public:
  explicit ScatterView(QWidget* parent = nullptr);
  void set_preview(std::shared_ptr<const DataPreview> preview);
  int shown() const;
  QSize sizeHint() const override { return {260, 200}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  std::shared_ptr<const DataPreview> preview_;
};

// One line per class: name, a bar for the training count and a thinner one for the test count, the numbers.
class ClassCounts : public QWidget {
  Q_OBJECT

 public:
  explicit ClassCounts(QWidget* parent = nullptr);
  void set_preview(std::shared_ptr<const DataPreview> preview);
  QSize sizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  std::shared_ptr<const DataPreview> preview_;
};

// The first rows as a table: one column per value of a sample ("x0", "x1"...), then the label.
void fill_sample_table(QTableWidget* table, const DataPreview& preview, int max_rows = 20);

}  // namespace cornu::ui
